#!/usr/bin/env bash
# Soak of `nebius-chat serve` on loopback, against the scripted upstream (release builds):
# Benchmarks/soak_client.py keeps STREAMS concurrent Claude streams (~200 chunks over ~2 s each)
# open for MINUTES, with 10% of clients leaving mid-stream and upstream faults (5% reset
# mid-stream, 2% 503, 2% stall ended by REQUEST_TIMEOUT=3), plus a few direct streams to the
# upstream for time-to-first-byte without serve. Reports outcomes by type, TTFB p50/p99, serve's
# RSS at start/peak/end and its open file descriptors at the end (10 s after the load, and 65 s
# after, once the idle upstream connections are closed), and the machine load.
#
# Usage: Benchmarks/soak.sh [--streams N] [--minutes M] [other soak_client.py options]
#   SKIP_BUILD=1 uses the existing .build/release binaries.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
ulimit -n 65536 2>/dev/null || true

source Benchmarks/common.sh
[ -n "${SKIP_BUILD:-}" ] || build_release
start_upstream
# No retries: each fault reaches the client once, as itself.
start_serve ANTHROPIC_API_KEY=bench REQUEST_TIMEOUT=3 MAX_RETRIES=0

rss() { awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
hwm() { awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }
fds() { ls "/proc/$1/fd" | wc -l; }
cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.0f", ($14 + $15) / hz}' "/proc/$1/stat"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {print int($2/1024/1024)" GiB"}' /proc/meminfo), $(uname -sr)"
echo "command: Benchmarks/soak.sh $*"
echo "start: $(date -u +%FT%TZ), load $(load); serve RSS $(rss $serve_pid) MB, fds $(fds $serve_pid); upstream RSS $(rss $up_pid) MB, fds $(fds $up_pid)"
rss_start=$(rss $serve_pid)
fds_start=$(fds $serve_pid)

# Samples every 5 s: time, serve RSS (MB), serve fds, upstream RSS, load.
(
  while kill -0 "$serve_pid" 2>/dev/null; do
    echo "$(date +%s) $(rss $serve_pid) $(fds $serve_pid) $(rss $up_pid) $(load)" >>"$work/samples"
    sleep 5
  done
) &

python3 Benchmarks/soak_client.py --serve "$proxy" --upstream "$up" --key bench "$@" >"$work/client.out"
echo "load ended: $(date -u +%FT%TZ), load $(load); serve RSS $(rss $serve_pid) MB, peak (VmHWM) $(hwm $serve_pid) MB, fds $(fds $serve_pid)"
sleep 10  # let closed connections settle
rss_end=$(rss $serve_pid)
fds_end=$(fds $serve_pid)
peak_sampled=$(awk 'BEGIN {m = 0} $2 > m {m = $2} END {print m}' "$work/samples")
fds_peak=$(awk 'BEGIN {m = 0} $3 > m {m = $3} END {print m}' "$work/samples")
load_max=$(awk 'BEGIN {m = 0} $5 > m {m = $5} END {print m}' "$work/samples")
load_mean=$(awk '{s += $5; n++} END {printf "%.2f", s / n}' "$work/samples")

echo
echo "serve: RSS start $rss_start MB, peak $(hwm $serve_pid) MB (VmHWM; sampled max $peak_sampled MB), end $rss_end MB (10 s after the load)"
echo "serve: open fds start $fds_start, sampled peak $fds_peak, end $fds_end (/proc/$serve_pid/fd); upstream fds end $(fds $up_pid)"
echo "serve CPU $(cpu $serve_pid) s, upstream CPU $(cpu $up_pid) s; 1-min load average mean $load_mean, max $load_max"
sleep 55  # past the upstream pool's 60 s idle timeout: its connections close
echo "serve: 65 s after the load (idle upstream connections closed): RSS $(rss $serve_pid) MB, open fds $(fds $serve_pid)"
echo "serve RSS (MB) / open fds, one sample a minute: $(awk 'NR == 1 {t0 = $1} ($1 - t0) >= next_t {printf "%s%d min %s/%s", sep, ($1 - t0) / 60, $2, $3; sep = ", "; next_t += 60}' "$work/samples")"
echo "serve still answering: $(curl -s -o /dev/null -w '%{http_code}' -m 5 -H 'x-api-key: bench' -H 'content-type: application/json' \
  -d '{"model":"claude-haiku-4-5","max_tokens":16,"messages":[{"role":"user","content":"[[script:text text=\"ok\"]]"}]}' "$proxy/v1/messages")"
echo "serve log lines (LOG_LEVEL=error): $(wc -l <"$work/serve.err")"
echo
python3 - "$work/client.out" <<'PY'
import json, sys
s = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
print(f"{s['requests']} requests through serve in {s['seconds']} s ({s['streams']} concurrent streams; "
      f"{s['direct_streams']} more direct to the upstream)")
print(f"{'request kind':28} {'outcome':52} {'count':>8}")
for kind in sorted(s["outcomes"]):
    for outcome, count in sorted(s["outcomes"][kind].items(), key=lambda kv: -kv[1]):
        print(f"{kind:28} {outcome:52} {count:8}")
for outcome, message in sorted(s.get("examples", {}).items()):
    print(f"  e.g. {outcome}: {message}")
t = s["ttfb_ms"]
print(f"time to first byte, completed normal streams: through serve p50 {t['serve_p50']} ms, p99 {t['serve_p99']} ms "
      f"({t['serve_samples']} samples); direct to the upstream p50 {t['direct_p50']} ms, p99 {t['direct_p99']} ms "
      f"({t['direct_samples']} samples)")
PY
