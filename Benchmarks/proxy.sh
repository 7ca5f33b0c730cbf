#!/usr/bin/env bash
# Load figures for `nebius-chat serve` on loopback, against the scripted upstream:
#   1. added latency at c=1 (p50/p99): upstream directly vs through serve, small request;
#   2. requests/s at c=32 for a small request and for the largest Claude Code fixture;
#   3. 1,000 concurrent streams of ~200 chunks over ~2 s: completed, errors, peak RSS of serve.
# Needs wrk (apt-get install wrk). Usage: Benchmarks/proxy.sh [seconds-per-run]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
fixtures=${FIXTURES_DIR:-Tests/Fixtures}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT

source Benchmarks/common.sh
build_release
start_upstream
start_serve

small_claude='{"model":"claude-haiku-4-5","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"[[script:text text=\"ok\" chunks=1]] hi"}]}'
small_openai='{"model":"m","max_tokens":64,"stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"[[script:text text=\"ok\" chunks=1]] hi"}]}'
stream_claude='{"model":"claude-haiku-4-5","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"[[script:huge bytes=2000 chunk_size=10 delay=0.01]]"}]}'
python3 - "$fixtures/claude-code/cc_p_after_400_fallback_all_tools_inline.json" "$work/large.json" <<'PY'
import json, sys
body = json.load(open(sys.argv[1]))["body"]
body["messages"][-1]["content"] = [{"type": "text", "text": "[[script:text text=\"ok\" chunks=1]] go"}]
json.dump(body, open(sys.argv[2], "w"))
PY

lua() {  # a wrk script that POSTs the body in file $1
  cat >"$work/$2.lua" <<LUA
local f = io.open("$1", "rb"); local body = f:read("*a"); f:close()
wrk.method = "POST"; wrk.body = body
wrk.headers["content-type"] = "application/json"; wrk.headers["x-api-key"] = "bench"
LUA
  echo "$work/$2.lua"
}
printf '%s' "$small_claude" >"$work/small_claude.json"
printf '%s' "$small_openai" >"$work/small_openai.json"
printf '%s' "$stream_claude" >"$work/stream.json"

cpu() {  # CPU seconds used so far by process $1 (user + system)
  awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"
}

run() {  # label, url, lua, connections, seconds
  local out threads=2; [ "$4" -lt 2 ] && threads=1
  local s0 u0 s1 u1
  s0=$(cpu "$serve_pid"); u0=$(cpu "$up_pid")
  out=$(wrk -t"$threads" -c"$4" -d"$5"s --timeout 10s --latency -s "$3" "$2")
  s1=$(cpu "$serve_pid"); u1=$(cpu "$up_pid")
  local rps p50 p99 errs total
  total=$(awk '/requests in/ {print $1}' <<<"$out")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errs=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out" | tr '\n' ' ')
  printf '%-44s c=%-5s %9s req/s  p50 %8s  p99 %8s  CPU/request: serve %s us, upstream %s us  %s\n' \
    "$1" "$4" "$rps" "$p50" "$p99" \
    "$(awk -v a="$s0" -v b="$s1" -v n="$total" 'BEGIN {printf "%.0f", (b - a) * 1e6 / (n > 0 ? n : 1)}')" \
    "$(awk -v a="$u0" -v b="$u1" -v n="$total" 'BEGIN {printf "%.0f", (b - a) * 1e6 / (n > 0 ? n : 1)}')" \
    "${errs:-no errors}"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {print int($2/1024/1024)" GiB"}' /proc/meminfo), $(uname -sr)"
run "upstream direct, small stream" "$up/v1/chat/completions" "$(lua "$work/small_openai.json" so)" 1 "$secs"
run "through serve, small stream" "$proxy/v1/messages" "$(lua "$work/small_claude.json" sc)" 1 "$secs"
run "upstream direct, small stream" "$up/v1/chat/completions" "$(lua "$work/small_openai.json" so)" 32 "$secs"
run "through serve, small stream" "$proxy/v1/messages" "$(lua "$work/small_claude.json" sc)" 32 "$secs"
run "through serve, largest Claude Code request" "$proxy/v1/messages" "$(lua "$work/large.json" lg)" 32 "$secs"
run "through serve, 1000 streams of 200 chunks" "$proxy/v1/messages" "$(lua "$work/stream.json" st)" 1000 "$((secs + 10))"
echo "serve peak RSS: $(awk '/VmHWM/ {print int($2/1024)" MB"}' /proc/$serve_pid/status), now $(awk '/VmRSS/ {print int($2/1024)" MB"}' /proc/$serve_pid/status)"
