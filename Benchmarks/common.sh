# Sourced by the benchmark scripts: release builds, and the scripted upstream and `nebius-chat
# serve` started in the background with their output in $work (which the caller creates).

build_release() {
  swift build -c release --product nebius-chat >&2
  swift build -c release --product ScriptedUpstreamServer >&2
}

# The first http://host:port that file $1 prints after "listening on" (waits for it).
listening_url() {
  until grep -q 'listening on' "$1" 2>/dev/null; do sleep 0.1; done
  grep -o 'http://[0-9.:]*' "$1" | head -1
}

# Starts the scripted upstream; sets up_pid and up (its base URL).
start_upstream() {
  .build/release/ScriptedUpstreamServer --port 0 --max-records 100 --any-model >"$work/up.out" 2>/dev/null &
  up_pid=$!
  up=$(listening_url "$work/up.out")
}

# Starts serve in front of it with the NAME=value settings given; sets serve_pid and proxy.
start_serve() {
  env NEBIUS_API_KEY=bench OPENAI_BASE_URL="$up/v1" PORT=0 LOG_LEVEL=error "$@" \
    .build/release/nebius-chat serve >"$work/serve.out" 2>"$work/serve.err" &
  serve_pid=$!
  proxy=$(listening_url "$work/serve.out")
}
