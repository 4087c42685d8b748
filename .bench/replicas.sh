#!/usr/bin/env bash
# Read replicas behind nginx (issue 7, "more than one machine"), on loopback.
#
#   .bench/replicas.sh                 # the three seed articles (~3 min)
#   CORPUS=100k .bench/replicas.sh     # the 100,000 paragraphs .bench/compare.sh ingests
#
# One writer builds a data directory (seeds: a fresh one from the embedded
# seeds; 100k: .bench/out/data-100k, which `CORPORA=100k .bench/compare.sh`
# makes) and `nmnsearch publish` copies it into a new directory. Two replicas
# serve that directory with `-read-only`, and nginx (Debian's, run as this
# user from a generated config) proxies to them: one server block with an
# upstream of replica 1 alone, one balancing both, one balancing both with
# proxy_cache, which keeps each answer for the max-age=60 our Cache-Control
# gives and revalidates it with If-None-Match. wrk then loads, in turn,
# replica 1 directly and each of the three nginx blocks, ROUNDS times, with
# each replica's own response cache off (-cache-size 0), then on (32MiB).
# Each request is one of 16 searches in rotation (a wrk Lua script).
#
# The replicas run with -rate 0 -max-concurrent-searches 0 (wrk comes from
# one address and would be rate limited, 429) and -trust-proxy (nginx is the
# one proxy in front and appends X-Forwarded-For; without the header, as
# from wrk directly, the client is the peer).
#
# Everything this machine runs shares its cores: wrk, nginx and both
# replicas. Two replicas on one machine cannot serve twice what one does
# when one already has the cores busy; the set-up shows that the pieces fit
# and how much a cache in front absorbs, and spreads across machines as it
# is (an upstream of other hosts).
#
# Outputs in .bench/out/replicas/: nginx.conf, nginx and replica logs,
# wrk-*.txt (raw wrk output, with the access log of the run beside it),
# results.tsv, table.md.
#
# Env: CORPUS (seeds), ROUNDS (2), DURATION (10s), THREADS (2), CONNS (32),
#      WRK_TIMEOUT (10s), PORT_BASE (18180: replicas on +1 and +2, nginx on
#      +10 one replica, +11 balanced, +12 balanced with proxy_cache).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT=$ROOT/.bench/out/replicas
CORPUS=${CORPUS:-seeds}
ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNS=${CONNS:-32}
WRK_TIMEOUT=${WRK_TIMEOUT:-10s}
PORT_BASE=${PORT_BASE:-18180}
R1=$((PORT_BASE + 1)) R2=$((PORT_BASE + 2))
NG_ONE=$((PORT_BASE + 10)) NG_BAL=$((PORT_BASE + 11)) NG_CACHE=$((PORT_BASE + 12))
mkdir -p "$OUT"

# --- packages --------------------------------------------------------------------
# On a Debian host that starts services on install, installing nginx also
# starts the system's nginx on port 80; this script runs its own.
# shellcheck source=lib.sh
. "$ROOT/.bench/lib.sh"
need_packages wrk nginx
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

# --- processes and cleanup ---------------------------------------------------------
r1_pid="" r2_pid="" nginx_pid=""
stop_replicas() { stop_pid "$r1_pid"; stop_pid "$r2_pid"; r1_pid="" r2_pid=""; }
stop_nginx() { stop_pid "$nginx_pid"; nginx_pid=""; }
cleanup() { stop_nginx; stop_replicas; }
trap cleanup EXIT
trap 'exit 130' INT TERM

for port in $R1 $R2 $NG_ONE $NG_BAL $NG_CACHE; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is taken; set PORT_BASE" >&2
    exit 1
  fi
done

# --- build and publish -------------------------------------------------------------
echo "--- go build -o .bench/out/replicas/nmnsearch ./cmd/nmnsearch"
go build -o "$OUT/nmnsearch" ./cmd/nmnsearch
BIN=$OUT/nmnsearch
case $CORPUS in
  seeds)
    # A writer's data directory: created on first use (seeded with the
    # embedded seeds), the seed files ingested into it again (replacing
    # them with themselves). publish copies only an existing one.
    WRITER=$OUT/writer
    rm -rf "$WRITER"
    echo "--- nmnsearch ingest -data $WRITER seeds/"
    "$BIN" ingest -data "$WRITER" "$ROOT/seeds" >"$OUT/ingest.log"
    ;;
  100k)
    WRITER=$ROOT/.bench/out/data-100k
    if [ ! -e "$WRITER/articles.db" ]; then
      echo "$WRITER is missing: CORPORA=100k .bench/compare.sh builds it" >&2
      exit 1
    fi
    ;;
  *) echo "CORPUS=$CORPUS: want seeds or 100k" >&2; exit 1 ;;
esac
rm -rf "$OUT/published"
PUB=$OUT/published/snap-$(date -u +%Y%m%dT%H%M%SZ)
# publish opens the writer's directory, copies it into $PUB, and closes it.
echo "--- nmnsearch publish -data $WRITER $PUB"
"$BIN" publish -data "$WRITER" "$PUB" | tee "$OUT/publish.log"

# start_replica PORT CACHE_SIZE: a read-only replica of $PUB, its pid in
# last_pid.
start_replica() {
  "$BIN" -read-only -data "$PUB" -addr "127.0.0.1:$1" -cache-size "$2" \
    -rate 0 -max-concurrent-searches 0 -trust-proxy >"$OUT/replica-$1-cache$2.log" 2>&1 &
  last_pid=$!
}

# --- nginx -------------------------------------------------------------------------
NG=$OUT/nginx
write_nginx_conf() {
  rm -rf "$NG"
  mkdir -p "$NG/cache" "$NG/tmp"
  cat >"$NG/nginx.conf" <<EOF
# Generated by .bench/replicas.sh: nginx in front of two read-only replicas.
daemon off;                      # the script's child; it stops it
worker_processes auto;
pid $NG/nginx.pid;
error_log $NG/error.log warn;
events { worker_connections 1024; }

http {
    default_type application/octet-stream;
    client_body_temp_path $NG/tmp/body;
    proxy_temp_path $NG/tmp/proxy;
    fastcgi_temp_path $NG/tmp/fastcgi;
    uwsgi_temp_path $NG/tmp/uwsgi;
    scgi_temp_path $NG/tmp/scgi;
    log_format bench '\$server_port \$upstream_addr \$upstream_cache_status \$status \$request_time';

    upstream one      { server 127.0.0.1:$R1; keepalive 32; }
    upstream replicas { server 127.0.0.1:$R1; server 127.0.0.1:$R2; keepalive 32; }

    # Answers are kept as long as their Cache-Control says (public,
    # max-age=60 for search, suggest and topics); errors and admin answers
    # carry none or no-store and are never kept. Vary: Origin keeps one copy
    # per Origin. A stale entry is revalidated with If-None-Match (a 304
    # from the replica), one request at a time per key (lock), the others
    # served the stale copy meanwhile.
    proxy_cache_path $NG/cache levels=1:2 keys_zone=nmnsearch:10m max_size=256m inactive=10m use_temp_path=off;

    proxy_http_version 1.1;          # keepalive to the upstream
    proxy_set_header Connection "";
    proxy_set_header Host \$host;
    proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;   # the replicas run -trust-proxy

    server {
        listen 127.0.0.1:$NG_ONE;
        access_log $NG/access-$NG_ONE.log bench buffer=64k flush=1s;
        location / { proxy_pass http://one; }
    }
    server {
        listen 127.0.0.1:$NG_BAL;
        access_log $NG/access-$NG_BAL.log bench buffer=64k flush=1s;
        location / { proxy_pass http://replicas; }
    }
    server {
        listen 127.0.0.1:$NG_CACHE;
        access_log $NG/access-$NG_CACHE.log bench buffer=64k flush=1s;
        location / {
            proxy_pass http://replicas;
            proxy_cache nmnsearch;
            proxy_cache_revalidate on;
            proxy_cache_lock on;
            proxy_cache_use_stale updating error timeout;
            add_header X-Cache-Status \$upstream_cache_status always;
        }
    }
}
EOF
}

start_nginx() {
  write_nginx_conf
  "$NGINX" -t -q -p "$NG" -e "$NG/error.log" -c "$NG/nginx.conf"
  "$NGINX" -p "$NG" -e "$NG/error.log" -c "$NG/nginx.conf" &
  nginx_pid=$!
  wait_ready "http://127.0.0.1:$NG_CACHE/readyz" "$nginx_pid" "$NG/error.log" 100
}

# --- load --------------------------------------------------------------------------
# 16 searches in rotation, Japanese and English, one of them with a filter.
LUA=$OUT/queries.lua
python3 - >"$LUA" <<'PY'
import urllib.parse
queries = ["メラトニン", "NAD+", "睡眠", "melatonin", "sleep quality", "インスリン", "サーチュイン",
           "糖尿病", "depression", "セロトニン", "circadian rhythm", "NMN", "老化", "cortisol",
           "血糖値", "insulin sensitivity"]
paths = ["/api/search?q=" + urllib.parse.quote(q, safe="") for q in queries]
paths[1] += "&topic=sleep"
print("-- Generated by .bench/replicas.sh: each request the next of these searches.")
print("local paths = {" + ", ".join('"%s"' % p for p in paths) + "}")
print("local i = 0")
print("request = function()\n  i = i % #paths + 1\n  return wrk.format(\"GET\", paths[i])\nend")
PY
QUERIES=$(grep -o '"/api/search[^"]*"' "$LUA" | tr -d '"')

RESULTS=$OUT/results.tsv
printf 'cache\ttarget\tround\treqs\tp50\tp99\terrors\tspread\n' >"$RESULTS"

# bench CACHE TARGET ROUND PORT ACCESSLOG: one wrk run; the run's access log
# (rotated with USR1) beside its raw output says where requests went.
bench() {
  local cache=$1 target=$2 round=$3 port=$4 alog=${5:-}
  local raw=$OUT/wrk-cache$cache-$target-r$round.txt spread="-"
  { echo "# $target nmnsearch cache=$cache round $round $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg)"
    wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --timeout "$WRK_TIMEOUT" --latency -s "$LUA" "http://127.0.0.1:$port"; } >"$raw"
  if [ -n "$alog" ]; then
    mv "$alog" "${raw%.txt}.access.log"
    kill -USR1 "$nginx_pid"   # reopen the log: the old one is flushed and closed
    sleep 1.5
    spread=$(awk -v r1="127.0.0.1:$R1" -v r2="127.0.0.1:$R2" '
      { n++; if ($2 == r1) a++; else if ($2 == r2) b++; if ($3 == "HIT") h++ }
      END { if (n) printf "r1 %.0f%%, r2 %.0f%%, cache hits %.1f%%", 100*a/n, 100*b/n, 100*h/n }' "${raw%.txt}.access.log")
  fi
  printf '%s\t%s\t%s\t%s\t%s\n' "$cache" "$target" "$round" "$(awk '
      /Requests\/sec/ {rps=$2}
      /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
      /Non-2xx/ {bad=$NF}
      /Socket errors/ {gsub(",", ""); sock=$4+$6+$8+$10}
      END {printf "%s\t%s\t%s\t%s", rps, p50, p99, (bad ? bad : 0) + sock}' "$raw")" "$spread" >>"$RESULTS"
  tail -1 "$RESULTS"
}

echo "--- $(nproc) cores; $("$NGINX" -v 2>&1); wrk -t$THREADS -c$CONNS -d$DURATION --latency, 16 searches in rotation; $ROUNDS rounds"
for cache in 0 32MiB; do
  stop_nginx
  stop_replicas
  start_replica "$R1" "$cache"; r1_pid=$last_pid
  start_replica "$R2" "$cache"; r2_pid=$last_pid
  wait_ready "http://127.0.0.1:$R1/readyz" "$r1_pid" "$OUT/replica-$R1-cache$cache.log"
  wait_ready "http://127.0.0.1:$R2/readyz" "$r2_pid" "$OUT/replica-$R2-cache$cache.log"
  start_nginx
  # Warm both replicas (kagome's dictionary, the response cache when on),
  # and check that the paths answer alike and that writes are refused.
  for q in $QUERIES; do
    for port in $R1 $R2; do curl -fsS -o /dev/null "http://127.0.0.1:$port$q"; done
  done
  q1=$(head -1 <<<"$QUERIES")
  total() { curl -fsS "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])'; }
  t1=$(total "http://127.0.0.1:$R1$q1") t2=$(total "http://127.0.0.1:$R2$q1") tn=$(total "http://127.0.0.1:$NG_CACHE$q1")
  status=$(curl -sS -o /dev/null -D - "http://127.0.0.1:$NG_CACHE$q1" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-cache-status" {print $2}')
  etag() { curl -fsS -o /dev/null -D - "$1" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag" {print $2}'; }
  e1=$(etag "http://127.0.0.1:$R1$q1") e2=$(etag "http://127.0.0.1:$R2$q1")
  refused=$(curl -sS -X POST "http://127.0.0.1:$NG_BAL/api/admin/reindex")
  echo "--- cache $cache: $q1 finds $t1 / $t2 on the replicas (ETag $e1 / $e2), $tn through nginx (second request: $status); POST reindex through nginx: $refused"
  if [ "$t1" != "$t2" ] || [ "$t1" != "$tn" ] || [ -z "$e1" ] || [ "$e1" != "$e2" ] || [ "$status" != HIT ] ||
     ! grep -q '"read_only"' <<<"$refused"; then
    echo "the replicas or nginx do not answer as expected; stopping" >&2
    exit 1
  fi
  for f in "$NG"/access-*.log; do : >"$f"; done
  for round in $(seq 1 "$ROUNDS"); do
    bench "$cache" replica "$round" "$R1"
    bench "$cache" nginx-one "$round" "$NG_ONE" "$NG/access-$NG_ONE.log"
    bench "$cache" nginx-two "$round" "$NG_BAL" "$NG/access-$NG_BAL.log"
    bench "$cache" nginx-two-proxy-cache "$round" "$NG_CACHE" "$NG/access-$NG_CACHE.log"
  done
done
stop_nginx
stop_replicas

# --- table -------------------------------------------------------------------------
python3 -B - "$RESULTS" "$ROOT/.bench" >"$OUT/table.md" <<'PY'
import csv, statistics, sys
sys.path.insert(0, sys.argv[2])
from wrk import ms
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8"), delimiter="\t"))
names = {
    "replica": "one replica, directly",
    "nginx-one": "nginx → one replica",
    "nginx-two": "nginx → two replicas",
    "nginx-two-proxy-cache": "nginx → two replicas, proxy_cache",
}
groups = {}
for r in rows:
    groups.setdefault((r["cache"], r["target"]), []).append(r)
print("| replicas' response cache | path | req/s (rounds) | p50 (rounds) | p99 (rounds) | errors | vs one replica | where requests went |")
print("|---|---|---|---|---|---|---|---|")
base = {}
for (cache, target), rs in groups.items():
    reqs = [float(r["reqs"]) for r in rs]
    mean = statistics.mean(reqs)
    if target == "replica":
        base[cache] = mean
    print("| %s | %s | %.0f (%s) | %s ms | %s ms | %d | %.2f× | %s |" % (
        "off" if cache == "0" else cache, names[target], mean, ", ".join("%.0f" % x for x in reqs),
        ", ".join("%.2f" % ms(r["p50"]) for r in rs), ", ".join("%.2f" % ms(r["p99"]) for r in rs),
        sum(int(float(r["errors"])) for r in rs), mean / base[cache],
        "; ".join(sorted(set(r["spread"] for r in rs))) if target != "replica" else "-"))
PY
echo
echo "=== results ($(date -u +%F), $(nproc) cores, corpus $CORPUS; raw wrk output in .bench/out/replicas/)"
cat "$OUT/table.md"
