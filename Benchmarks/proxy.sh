#!/usr/bin/env bash
# The cost of the `nebius-chat serve` hop on loopback, measured against the floor: an nginx
# relay (proxy_pass with upstream keepalive, proxy_buffering off) in front of the same upstream,
# in the same run so that both share the machine's noise.
#
# The upstream is Benchmarks/fast_upstream.c (compiled here with gcc): a one-thread epoll
# responder with canned streamed answers, a few microseconds per request, so that the figures
# show the hop and not the upstream. (The scripted upstream takes 350-420 us per request.)
#
# Rows, for the upstream direct, nginx and serve:
#   small     a Claude request of one short turn, not streamed (serve folds the stream);
#   stream    the same, streamed; stream20 with 20 text chunks;
#   77 KB     the largest Claude Code request in Tests/Fixtures/claude-code/, streamed;
# at c=1 (latency p50/p99; "added" is the hop minus the upstream direct) and at c=32 (req/s,
# CPU per request of the hop process); then 1,000 concurrent streams of 200 chunks 10 ms apart
# (~2 s each): completed, incomplete (no final event), errors, peak RSS (and of it, the peak of
# anonymous memory and the mapped files: the binary's own pages).
# The summary table at the end checks the targets in BENCHMARKS.md.
#
# Needs wrk, nginx and gcc. Usage: Benchmarks/proxy.sh [seconds-per-run]
#   SKIP_BUILD=1 uses the existing release binary; SCRATCH sets its build path
#   (default .build-release-bench, kept apart from the debug build in .build); SERVE_BIN runs
#   another nebius-chat binary (an earlier build, for before/after figures). QUICK=1 runs only
#   the c=32 rows through serve (CPU per request, for iterating on a change; no table);
#   QUICK="small stream20" only those rows ("streams": the 1,000 streams and their peak RSS).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-5}
scratch=${SCRATCH:-.build-release-bench}
fixtures=${FIXTURES_DIR:-Tests/Fixtures}
work=$(mktemp -d)
cleanup() {
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
  kill $(jobs -p) 2>/dev/null
  sleep 0.2
  rm -rf "$work"
}
trap cleanup EXIT
ulimit -n 65536 2>/dev/null || true

static=(); [ "$(uname)" = Linux ] && static=(--static-swift-stdlib)  # as scripts/chat and scripts/install build it
[ -n "${SKIP_BUILD:-}" ] || swift build -c release "${static[@]}" --scratch-path "$scratch" --product nebius-chat >&2
gcc -O2 -o "$work/fast_upstream" Benchmarks/fast_upstream.c

listening_url() {  # the first http://host:port that file $1 prints after "listening on"
  until grep -q 'listening on' "$1" 2>/dev/null; do sleep 0.1; done
  grep -o 'http://[0-9.:]*' "$1" | head -1
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

"$work/fast_upstream" 0 >"$work/up.out" &
up_pid=$!
up=$(listening_url "$work/up.out")

nginx_port=$(free_port)
mkdir -p "$work/nginx"
cat >"$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx.err warn;
events { worker_connections 8192; }
http {
    access_log off;
    client_body_temp_path $work/nginx/body; proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi; uwsgi_temp_path $work/nginx/uwsgi; scgi_temp_path $work/nginx/scgi;
    upstream fast { server ${up#http://}; keepalive 256; }
    server {
        listen 127.0.0.1:$nginx_port;
        client_max_body_size 32m;
        client_body_buffer_size 1m;
        location / {
            proxy_pass http://fast/v1/chat/completions;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_buffering off;
        }
    }
}
CONF
nginx -c "$work/nginx.conf" -e "$work/nginx.err"
until [ -s "$work/nginx.pid" ]; do sleep 0.1; done
relay="http://127.0.0.1:$nginx_port"
nginx_pids() { pgrep -P "$(cat "$work/nginx.pid")" | tr '\n' ' '; }

env NEBIUS_API_KEY=bench OPENAI_BASE_URL="$up/v1" PORT=0 LOG_LEVEL=error \
  "${SERVE_BIN:-$scratch/release/nebius-chat}" serve >"$work/serve.out" 2>"$work/serve.err" &
serve_pid=$!
proxy=$(listening_url "$work/serve.out")

# Request bodies (Claude-shaped for all three: the upstream answers by marker, not by shape).
small='{"model":"claude-haiku-4-5","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}'
printf '%s' "$small" >"$work/small.json"
printf '%s' "${small/\"max_tokens\"/\"stream\":true,\"max_tokens\"}" >"$work/stream.json"
printf '%s' "${small/\"content\":\"hi\"/\"content\":\"FAST_STREAM_20\"}" | sed 's/"max_tokens"/"stream":true,"max_tokens"/' >"$work/stream20.json"
printf '%s' "${small/\"content\":\"hi\"/\"content\":\"FAST_SLOW_200\"}" | sed 's/"max_tokens"/"stream":true,"max_tokens"/' >"$work/slow.json"
python3 - "$fixtures/claude-code/cc_p_after_400_fallback_all_tools_inline.json" "$work/large.json" <<'PY'
import json, sys
body = json.load(open(sys.argv[1]))["body"]
body["messages"][-1]["content"] = [{"type": "text", "text": "go"}]
json.dump(body, open(sys.argv[2], "w"))
PY

lua() {  # a wrk script POSTing file $1; with $2, counts answers that lack the string $2
  local script="$work/$(basename "$1").${2:+check.}lua"
  cat >"$script" <<LUA
local f = io.open("$1", "rb"); local body = f:read("*a"); f:close()
wrk.method = "POST"; wrk.body = body
wrk.headers["content-type"] = "application/json"; wrk.headers["x-api-key"] = "bench"
LUA
  if [ -n "${2:-}" ]; then
    cat >>"$script" <<LUA
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init() incomplete = 0 end
function response(status, headers, body)
  if status ~= 200 or not body:find("$2", 1, true) then incomplete = incomplete + 1 end
end
function done()
  local n = 0
  for _, t in ipairs(threads) do n = n + t:get("incomplete") end
  io.write("incomplete: ", n, "\n")
end
LUA
  fi
  echo "$script"
}

peak_anon() {  # samples RssAnon of pid $1 every 100 ms into file $2 (the highest, in MB) until killed
  local peak=0 now
  while now=$(awk '/RssAnon/ {print int($2 / 1024)}' "/proc/$1/status" 2>/dev/null); do
    [ "${now:-0}" -gt "$peak" ] && { peak=$now; echo "$peak" >"$2"; }
    sleep 0.1
  done
}
file_rss() { awk '/RssFile/ {print int($2 / 1024)}' "/proc/$1/status"; }  # the binary's and libraries' mapped pages, MB

cpu() {  # CPU seconds used so far by processes $@ (user + system)
  local total=0 pid
  for pid in "$@"; do
    total=$(awk -v hz="$(getconf CLK_TCK)" -v t="$total" '{print t + ($14 + $15) / hz}' "/proc/$pid/stat")
  done
  echo "$total"
}
us() {  # a wrk latency (850.00us, 1.20ms, 2.00s) in microseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) f = 1; else if (v ~ /ms$/) f = 1000; else if (v ~ /m$/) f = 6e7; else f = 1e6; printf "%.0f", n * f }'
}

declare -A P50 P99 RPS CPU TOTAL ERRS INCOMPLETE
run() {  # key, hop (direct|nginx|serve), body file, connections, seconds[, final marker]
  local key=$1 hop=$2 file=$3 conns=$4 duration=$5 marker=${6:-}
  local url pids threads=2 out
  case $hop in
    direct) url="$up/v1/chat/completions"; pids=$up_pid ;;
    nginx) url="$relay/v1/messages"; pids=$(nginx_pids) ;;
    serve) url="$proxy/v1/messages"; pids=$serve_pid ;;
  esac
  [ "$conns" -lt 2 ] && threads=1
  local c0 c1
  c0=$(cpu $pids)
  out=$(wrk -t"$threads" -c"$conns" -d"$duration"s --timeout 10s --latency -s "$(lua "$file" "$marker")" "$url")
  c1=$(cpu $pids)
  TOTAL[$key]=$(awk '/requests in/ {print $1}' <<<"$out")
  RPS[$key]=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
  P50[$key]=$(us "$(awk '$1=="50%" {print $2}' <<<"$out")")
  P99[$key]=$(us "$(awk '$1=="99%" {print $2}' <<<"$out")")
  ERRS[$key]=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(/,/, ""); n += $4 + $6 + $8 + $10} END {print n + 0}' <<<"$out")
  INCOMPLETE[$key]=$(awk '/^incomplete:/ {print $2}' <<<"$out")
  CPU[$key]=$(awk -v a="$c0" -v b="$c1" -v n="${TOTAL[$key]}" 'BEGIN {printf "%.0f", (b - a) * 1e6 / (n > 0 ? n : 1)}')
  printf '%-26s %-6s c=%-5s %7s req/s  p50 %6s us  p99 %6s us  CPU/request %5s us  errors %s\n' \
    "$key" "$hop" "$conns" "${RPS[$key]}" "${P50[$key]}" "${P99[$key]}" "${CPU[$key]}" "${ERRS[$key]}" >&2
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {print int($2/1024/1024)" GiB"}' /proc/meminfo), $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "upstream: Benchmarks/fast_upstream.c; relay: nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), 2 workers; $secs s per run"
if [ -n "${QUICK:-}" ]; then
  [ "$QUICK" = 1 ] && QUICK="small stream stream20 large"
  for scenario in $QUICK; do
    if [ "$scenario" = streams ]; then
      echo 5 >"/proc/$serve_pid/clear_refs" 2>/dev/null || true
      peak_anon "$serve_pid" "$work/anon" & sampler=$!
      run "streams/serve" serve "$work/slow.json" 1000 "$((secs + 5))" "message_stop"
      kill "$sampler" 2>/dev/null || true
      echo "streams: peak RSS $(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$serve_pid/status") MB (anonymous $(cat "$work/anon") MB at most, mapped files $(file_rss "$serve_pid") MB)" >&2
    else
      run "$scenario/serve/32" serve "$work/$scenario.json" 32 "$secs"
    fi
  done
  exit 0
fi
for scenario in small stream stream20 large; do
  for hop in direct nginx serve; do
    run "$scenario/$hop/1" "$hop" "$work/$scenario.json" 1 "$secs"
    run "$scenario/$hop/32" "$hop" "$work/$scenario.json" 32 "$secs"
  done
done
echo 5 >"/proc/$serve_pid/clear_refs" 2>/dev/null || true  # peak RSS from here on
run "streams/nginx" nginx "$work/slow.json" 1000 "$((secs + 5))" "[DONE]"
peak_anon "$serve_pid" "$work/anon" & sampler=$!
run "streams/serve" serve "$work/slow.json" 1000 "$((secs + 5))" "message_stop"
kill "$sampler" 2>/dev/null || true
serve_hwm=$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$serve_pid/status")
serve_anon=$(cat "$work/anon" 2>/dev/null || echo "?")
serve_file=$(file_rss "$serve_pid")
nginx_rss=0
for pid in $(nginx_pids); do nginx_rss=$((nginx_rss + $(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$pid/status"))); done

added() { echo $(( $1 - $2 > 0 ? $1 - $2 : 0 )); }
verdict() { awk -v ok="$1" 'BEGIN {print (ok ? "met" : "MISSED")}'; }
s_add=$(added "${P50[small/serve/1]}" "${P50[small/direct/1]}")
n_add=$(added "${P50[small/nginx/1]}" "${P50[small/direct/1]}")
[ "$n_add" -gt 0 ] || n_add=1
ratio=$(awk -v s="$s_add" -v n="$n_add" 'BEGIN {printf "%.1f", s / n}')
share=$(awk -v s="${RPS[small/serve/32]}" -v n="${RPS[small/nginx/32]}" 'BEGIN {printf "%.0f", 100 * s / n}')
per_chunk=$(awk -v a="${CPU[stream20/serve/32]}" -v b="${CPU[stream/serve/32]}" 'BEGIN {printf "%.1f", (a - b) / 19}')
nginx_chunk=$(awk -v a="${CPU[stream20/nginx/32]}" -v b="${CPU[stream/nginx/32]}" 'BEGIN {printf "%.1f", (a - b) / 19}')

echo
echo "| | nginx | serve | target | |"
echo "|---|---:|---:|---|---|"
for scenario in small stream stream20 large; do
  echo "| $scenario: added p50 / p99 at c=1 (us) | $(added "${P50[$scenario/nginx/1]}" "${P50[$scenario/direct/1]}") / $(added "${P99[$scenario/nginx/1]}" "${P99[$scenario/direct/1]}") | $(added "${P50[$scenario/serve/1]}" "${P50[$scenario/direct/1]}") / $(added "${P99[$scenario/serve/1]}" "${P99[$scenario/direct/1]}") | | |"
  echo "| $scenario: req/s at c=32 (upstream direct ${RPS[$scenario/direct/32]}) | ${RPS[$scenario/nginx/32]} | ${RPS[$scenario/serve/32]} | | |"
  echo "| $scenario: CPU per request at c=32 (us) | ${CPU[$scenario/nginx/32]} | ${CPU[$scenario/serve/32]} | | |"
done
echo "| small: serve's added p50 / nginx's | | ${ratio}x | <= 2.5x | $(verdict "$(awk -v r="$ratio" 'BEGIN {print r <= 2.5}')") |"
echo "| small: serve's req/s at c=32 / nginx's | | ${share}% | >= 50% | $(verdict "$((share >= 50))") |"
echo "| small (not streamed): serve CPU per request | | ${CPU[small/serve/32]} us | <= 150 us | $(verdict "$((CPU[small/serve/32] <= 150))") |"
echo "| CPU per streamed chunk ((stream20 - stream) / 19) | $nginx_chunk us | $per_chunk us | <= 5 us | $(verdict "$(awk -v c="$per_chunk" 'BEGIN {print c <= 5}')") |"
echo "| 77 KB Claude Code body: serve CPU per request | | ${CPU[large/serve/32]} us | <= 600 us | $(verdict "$((CPU[large/serve/32] <= 600))") |"
echo "| 1,000 streams of 200 chunks: completed / incomplete / errors | ${TOTAL[streams/nginx]} / ${INCOMPLETE[streams/nginx]:-?} / ${ERRS[streams/nginx]} | ${TOTAL[streams/serve]} / ${INCOMPLETE[streams/serve]:-?} / ${ERRS[streams/serve]} | zero errors | $(verdict "$(( ERRS[streams/serve] == 0 && ${INCOMPLETE[streams/serve]:-1} == 0 ))") |"
echo "| 1,000 streams: peak RSS | $nginx_rss MB | $serve_hwm MB | < 100 MB | $(verdict "$((serve_hwm < 100))") |"
echo "| 1,000 streams: of serve's RSS, peak anonymous memory / mapped files (the binary's own pages) | | $serve_anon / $serve_file MB | | |"
