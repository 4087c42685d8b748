#!/usr/bin/env bash
# Searches while articles are written: how long a search waits when an
# admin PUT of the largest article the limits allow (2,000 paragraphs)
# runs beside it.
#
#   .bench/writes.sh                 # the working tree, ~1 min
#   BASE=adc35eb .bench/writes.sh    # and that commit too, in turn
#
# For each build, ROUNDS times: nmnsearch on a fresh data directory (the
# seeds; response cache off, no rate limit), one warm-up PUT of the large
# article, then wrk -t1 -c4 searching メラトニン for DURATION while the
# article is PUT again PUTS times, a second apart. It prints each PUT's
# time, wrk's p99 and max, and the slowest searches of the access log
# (dur_ms: from the request read to the answer written).
#
# Outputs in .bench/out/writes/: the binaries, wrk-*.txt, log-*.txt.
#
# Env: BASE (none), ROUNDS (2), DURATION (12s), PUTS (3), PORT (18095).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT=$ROOT/.bench/out/writes
ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-12s}
PUTS=${PUTS:-3}
PORT=${PORT:-18095}
BASE=${BASE:-}
mkdir -p "$OUT"

# shellcheck source=lib.sh
. "$ROOT/.bench/lib.sh"
need_packages wrk curl python3 openssl

if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  echo "port $PORT is taken; set PORT" >&2
  exit 1
fi

pid="" data=""
stop() {
  stop_pid "$pid"
  pid=""
  if [ -n "$data" ]; then rm -rf "$data"; fi
}
trap stop EXIT
trap 'exit 130' INT TERM

builds="head"
echo "--- go build ./cmd/nmnsearch (working tree)"
go build -o "$OUT/nmnsearch-head" ./cmd/nmnsearch
if [ -n "$BASE" ]; then
  tree=$(mktemp -d)
  git worktree add -q --detach "$tree" "$BASE"
  echo "--- go build ./cmd/nmnsearch at $BASE"
  (cd "$tree" && go build -o "$OUT/nmnsearch-base" ./cmd/nmnsearch)
  git worktree remove --force "$tree"
  builds="base head"
fi

# The largest article a PUT may carry: 2,000 paragraphs (index.maxParagraphs),
# Japanese and English in turn, half of them saying メラトニン.
python3 - "$OUT/article.json" <<'PY'
import json, sys
paras = []
for i in range(2000):
    if i % 2:
        paras.append(f"Paragraph {i} of the large test article is about melatonin and sleep in older adults, number {i}.")
    else:
        paras.append(f"大きな記事の段落{i}はメラトニンと睡眠の質について述べています。番号{i}。")
with open(sys.argv[1], "w") as f:
    json.dump({"title": "Large article", "topics": ["sleep"], "paragraphs": paras}, f, ensure_ascii=False)
PY

token=$(openssl rand -hex 16)
base_url=http://127.0.0.1:$PORT
search_url="$base_url/api/search?q=%E3%83%A1%E3%83%A9%E3%83%88%E3%83%8B%E3%83%B3"
put() {
  curl -sS -o /dev/null -w "%{http_code} %{time_total}" -X PUT -H "Authorization: Bearer $token" \
    --json @"$OUT/article.json" "$base_url/api/articles/900-large"
}

for round in $(seq 1 "$ROUNDS"); do
  for b in $builds; do
    data=$(mktemp -d)
    log=$OUT/log-$b-$round.txt
    NMNSEARCH_ADMIN_TOKEN=$token "$OUT/nmnsearch-$b" -data "$data/data" -cache-size 0 -rate 0 \
      -addr "127.0.0.1:$PORT" >"$log" 2>&1 &
    pid=$!
    wait_ready "$base_url/readyz" "$pid" "$log"
    curl -fsS -o /dev/null "$search_url"   # loads the dictionary
    put >/dev/null                         # the article exists: each PUT below replaces it
    from=$(wc -l <"$log")
    wrk -t1 -c4 -d"$DURATION" --latency "$search_url" >"$OUT/wrk-$b-$round.txt" &
    wrk_pid=$!
    times=""
    for _ in $(seq 1 "$PUTS"); do
      sleep 1
      times="$times $(put | awk '{printf "%s %.2fs", $1, $2}'),"
    done
    wait "$wrk_pid"
    p99=$(awk '$1 == "99%" {print $2}' "$OUT/wrk-$b-$round.txt")
    max=$(awk '$1 == "Latency" {print $4}' "$OUT/wrk-$b-$round.txt")
    slowest=$(tail -n +"$((from + 1))" "$log" | grep 'path=/api/search ' | grep -o 'dur_ms=[0-9.]*' |
      cut -d= -f2 | sort -n | tail -3 | tr '\n' ' ')
    echo "$b round $round: PUTs${times%,}; wrk p99 $p99, max $max; slowest searches (ms): $slowest"
    stop
  done
done
