#!/usr/bin/env bash
# Creates ./.venv (gitignored) with the reference tools minga is compared against.
# Idempotent and additive: a package already importable is not reinstalled.
#   bench/setup-venv.sh         every reference tool (benchmarks)
#   bench/setup-venv.sh --ci    only what the test suite needs (HF tokenizers, for id identity;
#                               transformers and jinja2, to load the release bundle)
#   bench/setup-venv.sh --megatron  the CI tools plus Megatron-Core and PyTorch (PyPI's torch is the
#                               CUDA build: about 5 GB with its nvidia-* libraries, 2-5 min to
#                               install; used by bench/megatron-check.sh and by the e2e Megatron
#                               test, which .ci/run installs it for when the disk has 30 GB free)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
# "pip-spec import-name" pairs.
CI_TOOLS=(
  "tokenizers==0.22.1 tokenizers"
  "transformers==5.15.1 transformers"
  "jinja2 jinja2"
)
BENCH_TOOLS=(
  "fastwarc==2.0.0 fastwarc"
  "resiliparse==2.0.0 resiliparse"
  "warcio==1.8.1 warcio"
  "trafilatura==2.3.1 trafilatura"
  "lxml_html_clean lxml_html_clean"
  "datasketch datasketch"
  "datatrove datatrove"
  "faust-cchardet cchardet"
  "python-magic magic"
  "orjson orjson"
  "spacy spacy"
  "xxhash<4 xxhash"
  "regex regex"
  "pycld2 pycld2"
  "langid langid"
  "sentencepiece sentencepiece"
  "numpy numpy"
)
MEGATRON_TOOLS=(
  "torch==2.15.0 torch"
  "megatron-core==0.16.1 megatron.core"
  "pyarrow pyarrow"
)
TOOLS=("${CI_TOOLS[@]}")
case "${1:-}" in
  --ci) ;;
  --megatron) TOOLS+=("${MEGATRON_TOOLS[@]}") ;;
  *) TOOLS+=("${BENCH_TOOLS[@]}") ;;
esac
for pair in "${TOOLS[@]}"; do
  spec=${pair% *}
  module=${pair##* }
  if ! "$VENV/bin/python" -c "import $module" 2>/dev/null; then
    "$VENV/bin/pip" install --quiet "$spec"
  fi
done
echo "reference tools ready in $VENV"
