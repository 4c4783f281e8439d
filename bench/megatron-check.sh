#!/usr/bin/env bash
# The hand-off to GPU training, checked with the trainers' own tools on a fresh samples run:
#   1. bench/megatron_check.py: Megatron-Core's tokenizer wrapper loads the release; its
#      IndexedDataset reads every exported dataset and every indexed document as the tokenizer's
#      ids + EOD; BlendedMegatronDatasetBuilder builds a blended GPTDataset from blend.json (CPU)
#      with the blend's language shares.
#   2. tokenizer/scripts/train_tiny_gpt.py trains from blend.json with the release's special
#      tokens (CPU smoke run; pass DEVICE=cuda STEPS=300 on a GPU).
# Not in the test suite: Megatron-Core needs PyTorch, whose PyPI build pulls ~5 GB of CUDA
# libraries (bench/setup-venv.sh --megatron). Results: bench/RESULTS-export.md.
#   bench/megatron-check.sh [WORKDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
bench/setup-venv.sh --megatron >/dev/null
cargo build --release --quiet
WORK=${1:-$(mktemp -d)/work}
DEVICE=${DEVICE:-cpu}
STEPS=${STEPS:-20}
"${CARGO_TARGET_DIR:-target}/release/minga" run samples/pipeline.toml --workdir "$WORK" 2>/dev/null
echo "== Megatron-Core on $WORK"
.venv/bin/python -W ignore bench/megatron_check.py --workdir "$WORK"
echo "== tiny GPT from $WORK/export/blend.json ($DEVICE, $STEPS steps)"
.venv/bin/python tokenizer/scripts/train_tiny_gpt.py --blend "$WORK/export/blend.json" \
  --device "$DEVICE" --steps "$STEPS" --seq-len 64 --batch 8 --d-model 64 --layers 2 --heads 2 \
  | tail -4
