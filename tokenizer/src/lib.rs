//! Tokenizer training (HF `tokenizers`), language-balanced sampling, fertility evaluation and the
//! Megatron-LM indexed-dataset writer.
