#!/usr/bin/env bash
# Builds a libFuzzer target from the pure modules and runs it for SECONDS.
# Usage: Fuzz/run.sh request|stream SECONDS [extra libFuzzer flags...]
set -euo pipefail
target=${1:?usage: Fuzz/run.sh request|stream SECONDS}
seconds=${2:?usage: Fuzz/run.sh request|stream SECONDS}
shift 2
cd "$(dirname "$0")/.."
root=$PWD
out=$root/.build-fuzz
mods=$out/modules
mkdir -p "$mods"
SWIFTC=${SWIFTC:-swiftc}
flags=(-swift-version 6 -parse-as-library -O -g -sanitize=fuzzer,address -I "$mods")

build_module() { # name
    local name=$1
    local stamp=$mods/$name.o
    local newest
    newest=$(find "Sources/$name" -name '*.swift' -newer "$stamp" 2>/dev/null | head -1 || true)
    if [[ -f $stamp && -z $newest && -z ${FUZZ_REBUILD:-} ]]; then return; fi
    echo "building $name" >&2
    "$SWIFTC" "${flags[@]}" -wmo -module-name "$name" \
        -emit-module -emit-module-path "$mods/$name.swiftmodule" \
        -emit-object -o "$mods/$name.o" $(find "Sources/$name" -name '*.swift' | sort)
}

case $target in
    request) entry=Fuzz/RequestFuzzer.swift ;;
    stream) entry=Fuzz/StreamFuzzer.swift ;;
    *) echo "unknown target $target (request|stream)" >&2; exit 2 ;;
esac

for m in JSONValues ClaudeAPI OpenAIAPI Translation; do build_module "$m"; done
bin=$out/fuzz-$target
echo "building $bin" >&2
"$SWIFTC" "${flags[@]}" -module-name Fuzz${target^} "$entry" \
    "$mods/JSONValues.o" "$mods/ClaudeAPI.o" "$mods/OpenAIAPI.o" "$mods/Translation.o" -o "$bin" 2>&1 \
    | grep -v "Cannot export local symbol" >&2 || true

# Seed corpus (regenerated each run; libFuzzer adds what it finds to the work corpus).
seeds=$out/seeds-$target
corpus=$out/corpus-$target
rm -rf "$seeds"; mkdir -p "$seeds" "$corpus"
python3 - "$target" "$seeds" "${FIXTURES:-$root/Tests/Fixtures}" <<'PY'
import json, glob, os, sys
target, seeds, fixtures = sys.argv[1:]
n = 0
def put(data):
    global n
    n += 1
    with open(os.path.join(seeds, f"seed-{n:03d}"), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
if target == "request":
    for path in sorted(glob.glob(f"{fixtures}/claude-code/*.json")):
        body = json.load(open(path))["body"]
        put(body if isinstance(body, str) else json.dumps(body, separators=(",", ":")))
else:
    for path in sorted(glob.glob(f"{fixtures}/upstream/*.sse")):
        frames = [l[6:] for l in open(path).read().split("\n") if l.startswith("data: ")]
        put("\n".join(frames))
        for frame in frames[:40]: put(frame)
    for path in sorted(glob.glob(f"{fixtures}/upstream/*.json")):
        put(json.dumps(json.load(open(path)), separators=(",", ":")))
    c = lambda delta, fin=None, **kw: json.dumps({"id": "c", "choices": [{"index": 0, "delta": delta, "finish_reason": fin}], **kw})
    put("\n".join([c({"role": "assistant", "reasoning_content": "hmm"}), c({"content": "<think>a</think>b"}),
        c({"tool_calls": [{"index": 0, "id": "t1", "type": "function", "function": {"name": "Read", "arguments": "{\"pa"}}]}),
        c({"tool_calls": [{"index": 0, "function": {"arguments": "th\": 1}"}}]}),
        c({"tool_calls": [{"index": 1, "id": "t2", "function": {"name": "Bash", "arguments": "{}"}}]}),
        c({}, "tool_calls", usage={"prompt_tokens": 10, "completion_tokens": 5}), "[DONE]"]))
    put(c({"content": "hi"}) + "\n" + json.dumps({"error": {"message": "boom", "type": "server_error", "code": 500}}))
    put(c({"content": "x"}, "stop", matched_stop="END"))
print(f"{n} seeds in {seeds}", file=sys.stderr)
PY

crashes=$root/Fuzz/crashes
mkdir -p "$crashes"
log=$out/fuzz-$target.log
echo "running $bin for ${seconds}s (log: $log)" >&2
set +e
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} "$bin" "$corpus" "$seeds" \
    -max_total_time="$seconds" -print_final_stats=1 -max_len=${MAX_LEN:-65536} -timeout=20 -rss_limit_mb=4096 \
    -artifact_prefix="$crashes/$target-" "$@" 2>&1 | tee "$log" | grep -E '^#[0-9]+.*(pulse|DONE|NEW)' | awk 'NR % 50 == 1' >&2
status=${PIPESTATUS[0]}
set -e
echo "--- $target: exit $status" 
grep -E 'stat::|cov:' "$log" | tail -n 12
execs=$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$log" | awk '{print $2}')
rate=$(grep -oE 'stat::average_exec_per_sec: +[0-9]+' "$log" | awk '{print $2}')
found=$(grep -cE '^(==[0-9]+==ERROR|SUMMARY: |FUZZ INVARIANT)' "$log" || true)
echo "executions: ${execs:-?}  exec/s: ${rate:-?}  crash reports: $found  artifacts: $(ls "$crashes" | grep -c "^$target-" || true)"
exit $status
