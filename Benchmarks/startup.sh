#!/usr/bin/env bash
# Start-up time of the release binary: `nebius-chat ask "hi"` against a local scripted upstream
# (the whole process: start, settings, catalogue cache, one streamed answer, exit) and
# `nebius-chat --version`, with hyperfine; then where the time goes: the dynamic loader's own
# statistics, the number of shared objects loaded, and the files read before the first request.
#
# Usage: Benchmarks/startup.sh [BINARY]
#   BINARY     the nebius-chat to measure (default: the release build, built first if missing)
#   UPSTREAM=F the ScriptedUpstreamServer to answer it (default: from the same build directory)
#   RUNS=N     hyperfine runs per command (default 100)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin=${1:-.build/release/nebius-chat}
upstream_bin=${UPSTREAM:-$(dirname "$bin")/ScriptedUpstreamServer}
runs=${RUNS:-100}
if [ $# -gt 0 ] || [ -n "${UPSTREAM:-}" ]; then
  for f in "$bin" "$upstream_bin"; do [ -x "$f" ] || { echo "startup.sh: $f is not an executable" >&2; exit 2; }; done
elif [ ! -x "$bin" ] || [ ! -x "$upstream_bin" ]; then
  swift build -c release --static-swift-stdlib --product nebius-chat >&2
  swift build -c release --product ScriptedUpstreamServer >&2
fi
command -v hyperfine >/dev/null || { echo "startup.sh: hyperfine is needed (apt-get install hyperfine)" >&2; exit 2; }

work=$(mktemp -d)
trap 'kill $up_pid 2>/dev/null || true; rm -rf "$work"' EXIT
"$upstream_bin" --port 0 --max-records 100 --any-model >"$work/up.out" 2>/dev/null &
up_pid=$!
until grep -q 'listening on' "$work/up.out" 2>/dev/null; do sleep 0.1; done
up=$(grep -o 'http://[0-9.:]*' "$work/up.out" | head -1)

# A private home: no user settings, a catalogue cache written by the first (warm-up) run.
export HOME=$work/home XDG_CONFIG_HOME=$work/home/config XDG_DATA_HOME=$work/home/data \
  XDG_STATE_HOME=$work/home/state XDG_CACHE_HOME=$work/home/cache
export NEBIUS_API_KEY=bench OPENAI_BASE_URL=$up/v1 NO_COLOR=1
mkdir -p "$HOME"
"$bin" ask hi >/dev/null 2>&1 || { echo "startup.sh: $bin ask hi failed" >&2; exit 1; }

echo "binary: $bin ($(du -h "$bin" | cut -f1)), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
hyperfine -N --warmup 10 --runs "$runs" --export-json "$work/h.json" \
  "$bin ask hi" "$bin --version" >"$work/h.txt" 2>&1 || { cat "$work/h.txt" >&2; exit 1; }
python3 - "$work/h.json" <<'PY'
import json, statistics, sys
for r in json.load(open(sys.argv[1]))["results"]:
    t = sorted(r["times"])
    p90 = t[int(len(t) * 0.9) - 1]
    print(f"{r['command'].split('/')[-1]:<24} median {r['median']*1000:6.1f} ms  mean {r['mean']*1000:6.1f} ms"
          f"  min {r['min']*1000:6.1f} ms  p90 {p90*1000:6.1f} ms  user {r['user']*1000:5.1f} ms  sys {r['system']*1000:5.1f} ms")
PY
LD_DEBUG=statistics "$bin" --version 2>&1 >/dev/null | awk '/total startup time/ {print "dynamic loader: " $(NF-1) " cycles"} /number of relocations:/ {print "relocations: " $NF}' | head -2
echo "shared objects loaded: $(LD_DEBUG=libs "$bin" --version 2>&1 >/dev/null | grep -c 'calling init')"
if command -v strace >/dev/null; then
  strace -f -e trace=openat -o "$work/open.txt" "$bin" ask hi >/dev/null 2>&1 || true
  echo "files opened by ask (besides shared objects): $(grep -v '\.so' "$work/open.txt" | grep -c 'openat(')"
fi
