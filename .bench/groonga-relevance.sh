#!/usr/bin/env bash
# Score Groonga's three tokenizers beside nmnsearch on the judged set
# (search/relevance/judged.txt), through the peer harness in ../shared/peers.
#
#   apt-get install -y groonga-bin groonga-tokenizer-mecab   # once
#   .bench/groonga-relevance.sh            # prints the Markdown tables
#
# Env: PEERS (default ../shared/peers from the project root).
set -euo pipefail
cd "$(dirname "$0")/.."
PEERS=${PEERS:-$(cd ../shared/peers && pwd)}

"$PEERS/groonga/setup.sh" >&2
trap '"$PEERS/groonga/stop.sh" >/dev/null 2>&1 || true' EXIT

q="$PEERS/groonga/query.sh"
go run ./cmd/relevance -v \
  -peer "groonga TokenBigram=GROONGA_VARIANT=bigram $q" \
  -peer "groonga TokenMecab=GROONGA_VARIANT=mecab $q" \
  -peer "groonga TokenBigramSplitSymbolAlpha=GROONGA_VARIANT=split $q"
