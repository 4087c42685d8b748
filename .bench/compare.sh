#!/usr/bin/env bash
# Side-by-side load test of nmnsearch and Groonga (issue 7), interleaved.
#
#   .bench/compare.sh                  # seeds and 100k synthetic paragraphs
#   CORPORA=seeds .bench/compare.sh    # seeds only (~3 min)
#
# For each corpus (the three embedded seed articles; 100,000 synthetic
# paragraphs from ../shared/peers/corpus.py --scale 100000) it starts Groonga
# (the peers' groonga/setup.sh) and nmnsearch, then for each cache mode
# (off: every request searches; on: each engine's response cache) and each
# query (メラトニン, NAD+) runs wrk alternately against Groonga and nmnsearch,
# ROUNDS times each. It also times /api/suggest?q=メラ against /api/search.
#
# nmnsearch runs with -rate 0 (its per-client rate limit, 20/s burst 40 by
# default, would answer 429 to wrk, which comes from one address), its search
# cap and GOMAXPROCS as shipped (one search more than the CPUs at once, a
# queue of up to 500 ms, twice as many Ps as searches), and -cache-size 0 for
# the cache-off runs. Groonga's select URL is the one bench_groonga.sh times
# (top 10 by -_score,_id, highlight_html(text), drilldown=topic); cache off is
# cache=no plus `cache_limit max=0`.
#
# nmnsearch's メラトニン also finds the English paragraphs that say melatonin
# (its glossary), twice Groonga's hits at 100,000 paragraphs; so with the
# cache off Groonga is also asked that question, "メラトニン" OR "melatonin"
# (engine groonga-same-hits), as a second yardstick beside the first.
#
# For nmnsearch the table also gives the latency its access log measured
# (dur_ms: from the request read to the answer written): wrk's latency adds
# the time a request waits while wrk and the server share 2 cores.
#
# Outputs in .bench/out/: wrk-*.txt (raw wrk output), results.tsv, table.md,
# ingest-100k.log/.time, rss-*.txt, the generated corpus and article files, data-100k/.
#
# Env: CORPORA ("seeds 100k"), ROUNDS (2), DURATION (10s), THREADS (2),
#      CONNS (32), WRK_TIMEOUT (10s: wrk's default 2 s would drop the slowest
#      answers from the latency figures and count them as socket errors),
#      ACCEPT_ENCODING ("gzip, deflate, br", what a browser sends, to both
#      engines: nmnsearch sends cached answers gzipped, Groonga ignores it;
#      empty for none),
#      OURS_PORT (18080), GROONGA_PORT (10041), PEERS (../shared/peers).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT=$ROOT/.bench/out
PEERS=${PEERS:-$ROOT/../shared/peers}
if [ ! -x "$PEERS/groonga/setup.sh" ]; then
  echo "no Groonga harness at $PEERS (../shared/peers beside the project): set PEERS=/path/to/shared/peers" >&2
  exit 1
fi
PEERS=$(cd "$PEERS" && pwd)
CORPORA=${CORPORA:-seeds 100k}
ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNS=${CONNS:-32}
WRK_TIMEOUT=${WRK_TIMEOUT:-10s}
ACCEPT_ENCODING=${ACCEPT_ENCODING-gzip, deflate, br}
OURS_PORT=${OURS_PORT:-18080}
GROONGA_PORT=${GROONGA_PORT:-10041}
export GROONGA_PORT
OURS=http://127.0.0.1:$OURS_PORT
GROONGA=http://127.0.0.1:$GROONGA_PORT
mkdir -p "$OUT"

# --- packages -----------------------------------------------------------------
# shellcheck source=lib.sh
. "$ROOT/.bench/lib.sh"
need_packages wrk groonga-bin groonga-tokenizer-mecab

# --- processes and cleanup ------------------------------------------------------
ours_pid=""
stop_ours() { stop_pid "$ours_pid"; ours_pid=""; }
cleanup() {
  stop_ours
  "$PEERS/groonga/stop.sh" >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build ------------------------------------------------------------------------
echo "--- go build -o .bench/out/nmnsearch ./cmd/nmnsearch"
go build -o "$OUT/nmnsearch" ./cmd/nmnsearch
BIN=$OUT/nmnsearch
help=$("$BIN" -h 2>&1 || true)   # captured first: `| grep -q` under pipefail can SIGPIPE the binary
if ! grep -q -- '-cache-size' <<<"$help"; then
  echo "nmnsearch has no -cache-size flag: cache-off runs would be cache-on; stopping" >&2
  exit 1
fi

# start_ours DATA CACHE_SIZE: serve DATA ("" = in memory) on OURS_PORT.
start_ours() {
  stop_ours
  OURS_LOG=$OUT/nmnsearch-$corpus-cache$2.log
  "$BIN" -data "$1" -addr "127.0.0.1:$OURS_PORT" -cache-size "$2" \
    -rate 0 >"$OURS_LOG" 2>&1 &
  ours_pid=$!
  wait_ready "$OURS/readyz" "$ours_pid" "$OURS_LOG"
}

urlenc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }

# groonga_url Q MODE [RAW]: the select bench_groonga.sh times, for the phrase
# Q (MODE off adds cache=no); with RAW, Q is a Groonga query as it is.
groonga_url() {
  python3 - "$GROONGA" "$1" "$2" "${3:-}" <<'PY'
import sys, urllib.parse
base, q, mode, raw = sys.argv[1:]
params = {
    "table": "Paragraphs", "match_columns": "text",
    "query": q if raw else '"' + q.replace("\\", "\\\\").replace('"', '\\"') + '"',
    "output_columns": "_key,_score,topic,lang,highlight_html(text)",
    "drilldown": "topic", "sort_keys": "-_score,_id", "limit": "10",
}
if mode == "off":
    params["cache"] = "no"
print(base + "/d/select?" + urllib.parse.urlencode(params, quote_via=urllib.parse.quote))
PY
}

hits_ours() { curl -fsS "$1" | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r.get("total", len(r.get("suggestions", r)) if isinstance(r, dict) else len(r)))'; }
hits_groonga() { curl -fsS "$1" | python3 -c 'import json,sys; r=json.load(sys.stdin); assert r[0][0]==0, r[0]; print(r[1][0][0][0])'; }

RESULTS=$OUT/results.tsv
printf 'corpus\tquery\tengine\tcache\tround\treqs\tp50\tp99\terrors\thits\tserver_p50\tserver_p99\n' >"$RESULTS"

# server_latency FROM: p50 and p99 of dur_ms (request in to answer out, as
# nmnsearch's access log times it) over the log lines after line FROM; wrk's
# figures add the time a request waits for the CPU wrk and the server share.
server_latency() {
  sleep 0.5   # the access log is flushed every 200 ms
  tail -n +"$(($1 + 1))" "$OURS_LOG" | grep -o 'msg=request .*dur_ms=[0-9.]*' | sed 's/.*dur_ms=//' | sort -n |
    awk '{a[NR]=$1} END {if (NR) printf "%.2fms\t%.2fms", a[int((NR-1)*0.5)+1], a[int((NR-1)*0.99)+1]; else printf "\t"}'
}

# bench CORPUS QUERY ENGINE CACHE ROUND HITS URL: one wrk run, raw output kept.
bench() {
  local corpus=$1 q=$2 engine=$3 cache=$4 round=$5 hits=$6 url=$7
  local tag
  tag=$(printf '%s-%s-%s-cache%s-r%s' "$corpus" "$(printf '%s' "$q" | md5sum | cut -c1-6)" "$engine" "$cache" "$round")
  local raw=$OUT/wrk-$tag.txt from=0 server="\t"
  [[ "$engine" = groonga* ]] || from=$(wc -l <"$OURS_LOG")
  { echo "# $corpus q=$q $engine cache=$cache round $round $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "# $url"
    wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --timeout "$WRK_TIMEOUT" --latency -H "Accept-Encoding: $ACCEPT_ENCODING" "$url"; } >"$raw"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$corpus" "$q" "$engine" "$cache" "$round" "$(awk '
      /Requests\/sec/ {rps=$2}
      /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
      /Non-2xx/ {bad=$NF}
      /Socket errors/ {gsub(",", ""); sock=$4+$6+$8+$10}
      END {printf "%s\t%s\t%s\t%s", rps, p50, p99, (bad ? bad : 0) + sock}' "$raw")" | sed "s/\$/\t$hits/" | tr -d '\n' >>"$RESULTS"
  [[ "$engine" = groonga* ]] || server=$(server_latency "$from")
  printf '\t%b\n' "$server" >>"$RESULTS"
  tail -1 "$RESULTS"
}

# --- corpora ----------------------------------------------------------------------
prepare_100k() {
  local jsonl=$OUT/corpus_100k.jsonl arts=$OUT/articles-100k data=$OUT/data-100k
  [ -s "$jsonl" ] || python3 "$PEERS/corpus.py" --scale 100000 --out "$jsonl"
  # Articles in the seeds' format: paragraphs grouped by topic in corpus order,
  # 50 to a file, one paragraph a line with a blank line between; the file
  # 002_s00012.txt is article 002-s00012 (prefix 000/001/002 as the seeds).
  rm -rf "$arts" "$data"
  mkdir -p "$arts"
  python3 - "$jsonl" "$arts" <<'PY'
import collections, json, os, sys
jsonl, out = sys.argv[1:]
by_topic = collections.OrderedDict()
for line in open(jsonl, encoding="utf-8"):
    if line.strip():
        d = json.loads(line)
        by_topic.setdefault(d["id"].split("-")[0], []).append(d["text"])
files = paras = 0
for prefix, texts in by_topic.items():
    for i in range(0, len(texts), 50):
        files += 1
        chunk = texts[i:i + 50]
        paras += len(chunk)
        with open(os.path.join(out, "%s_s%05d.txt" % (prefix, files)), "w", encoding="utf-8") as f:
            f.write("\n\n".join(chunk) + "\n")
print("wrote %d paragraphs in %d article files to %s" % (paras, files, out), file=sys.stderr)
PY
  echo "--- nmnsearch ingest -data $data $arts/ (timed)"
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -v "$BIN" ingest -data "$data" "$arts" >"$OUT/ingest-100k.log" 2>"$OUT/ingest-100k.time"
  t1=$(date +%s.%N)
  INGEST_S=$(python3 -c "print(round($t1 - $t0, 1))")
  INGEST_MAXRSS=$(awk '/Maximum resident/ {print $NF}' "$OUT/ingest-100k.time")
  tail -1 "$OUT/ingest-100k.log"
  echo "ingest: ${INGEST_S} s wall, max RSS $((INGEST_MAXRSS / 1024)) MiB, $(grep -c '^created' "$OUT/ingest-100k.log") articles"
}

run_corpus() {
  corpus=$1
  local data="" groonga_corpus=$PEERS/corpus.jsonl
  echo
  echo "=== corpus: $corpus"
  if [ "$corpus" = 100k ]; then
    prepare_100k
    data=$OUT/data-100k
    groonga_corpus=$OUT/corpus_100k.jsonl
  fi
  echo "--- groonga setup (CORPUS=$groonga_corpus, bigram table only)"
  CORPUS=$groonga_corpus GROONGA_VARIANTS=bigram "$PEERS/groonga/setup.sh"
  local orig_limit
  orig_limit=$(curl -fsS "$GROONGA/d/cache_limit" | python3 -c 'import json,sys; print(json.load(sys.stdin)[1])')

  for cache in off on; do
    local size=0
    [ "$cache" = on ] && size=32MiB
    start_ours "$data" "$size"
    if [ "$cache" = off ]; then
      curl -fsS "$GROONGA/d/cache_limit?max=0" >/dev/null
    else
      curl -fsS "$GROONGA/d/cache_limit?max=$orig_limit" >/dev/null
    fi
    for q in "メラトニン" "NAD+"; do
      local ourl gurl gh oh
      ourl="$OURS/api/search?q=$(urlenc "$q")"
      gurl=$(groonga_url "$q" "$cache")
      gh=$(hits_groonga "$gurl"); oh=$(hits_ours "$ourl")   # also warms the caches
      echo "--- $corpus q=$q cache $cache: groonga $gh hits, nmnsearch $oh hits"
      local surl_g="" sh=""
      if [ "$q" = "メラトニン" ] && [ "$cache" = off ]; then
        surl_g=$(groonga_url '"メラトニン" OR "melatonin"' "$cache" raw)
        sh=$(hits_groonga "$surl_g")
        echo "--- $corpus groonga \"メラトニン\" OR \"melatonin\": $sh hits"
      fi
      for round in $(seq 1 "$ROUNDS"); do
        bench "$corpus" "$q" groonga "$cache" "$round" "$gh" "$gurl"
        bench "$corpus" "$q" nmnsearch "$cache" "$round" "$oh" "$ourl"
        [ -z "$surl_g" ] || bench "$corpus" "$q" groonga-same-hits "$cache" "$round" "$sh" "$surl_g"
      done
    done
    # suggest against a search, interleaved, same server and cache mode
    local surl="$OURS/api/suggest?q=$(urlenc メラ)" search_url="$OURS/api/search?q=$(urlenc メラトニン)"
    curl -fsS "$surl" >"$OUT/suggest-$corpus.json"
    for round in $(seq 1 "$ROUNDS"); do
      bench "$corpus" "メラ" nmnsearch-suggest "$cache" "$round" "-" "$surl"
      bench "$corpus" "メラトニン" nmnsearch-search "$cache" "$round" "$(hits_ours "$search_url")" "$search_url"
    done
    local rss
    rss=$(ps -o rss= -p "$ours_pid")
    echo "nmnsearch RSS after the cache-$cache load: $((rss / 1024)) MiB" | tee -a "$OUT/rss-$corpus.txt"
  done
  curl -fsS "$GROONGA/d/cache_limit?max=$orig_limit" >/dev/null
  stop_ours
  if [ -n "$data" ]; then
    echo "data dir: $(du -sh "$data" | cut -f1) ($data); groonga db: $(du -sh /tmp/peers-groonga | cut -f1)" | tee -a "$OUT/rss-$corpus.txt"
  fi
  "$PEERS/groonga/stop.sh" >/dev/null 2>&1 || true
}

echo "--- $(nproc) cores; wrk -t$THREADS -c$CONNS -d$DURATION --timeout $WRK_TIMEOUT --latency; $ROUNDS rounds; $(groonga --version | head -1)"
for c in $CORPORA; do
  run_corpus "$c"
done

# --- table ------------------------------------------------------------------------
python3 -B - "$RESULTS" "$ROOT/.bench" >"$OUT/table.md" <<'PY'
import csv, sys
sys.path.insert(0, sys.argv[2])
from wrk import ms
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8"), delimiter="\t"))
print("| corpus | query | engine | cache | round | hits | req/s | p50 | p99 | server p50 / p99 | errors (non-2xx + socket) | ours/peer req/s |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
peer, ours = {}, {}
for r in rows:
    key = (r["corpus"], r["query"], r["cache"], r["round"])
    ratio = ""
    if r["engine"] == "groonga":
        peer[key] = float(r["reqs"])
    elif r["engine"] == "nmnsearch":
        ours[key] = float(r["reqs"])
        if key in peer:
            ratio = "%.2f×" % (float(r["reqs"]) / peer[key])
    elif r["engine"] == "groonga-same-hits" and key in ours:
        ratio = "ours/this %.2f×" % (ours[key] / float(r["reqs"]))
    elif r["engine"] == "nmnsearch-suggest":
        peer[("suggest",) + key[:1] + key[2:]] = float(r["reqs"])
    elif r["engine"] == "nmnsearch-search":
        s = peer.get(("suggest",) + key[:1] + key[2:])
        if s:
            ratio = "suggest/search %.2f×" % (s / float(r["reqs"]))
    server = "%.2f / %.2f ms" % (ms(r["server_p50"]), ms(r["server_p99"])) if r.get("server_p50") else ""
    print("| %s | %s | %s | %s | %s | %s | %.0f | %.2f ms | %.2f ms | %s | %s | %s |" % (
        r["corpus"], r["query"], r["engine"], r["cache"], r["round"], r["hits"],
        float(r["reqs"]), ms(r["p50"]), ms(r["p99"]), server, r["errors"], ratio))
PY
echo
echo "=== results ($(date -u +%F), $(nproc) cores; raw wrk output in .bench/out/wrk-*.txt)"
cat "$OUT/table.md"
