#!/usr/bin/env python3
"""How close count_tokens gets to a real tokenizer's prompt_tokens, before and after calibration.

Runs `nebius-chat serve` in front of an OpenAI-compatible upstream that counts prompt tokens
with a real tokenizer, sends it the request bodies of Tests/Fixtures/claude-code (real Claude
Code and SDK shapes, images left out), and compares serve's count_tokens with the upstream's
prompt_tokens for the same body:

- before: count_tokens of every body on a fresh serve (nothing learned yet);
- after: the bodies sent one by one; from the sixth on, count_tokens just before sending.

Upstreams (UPSTREAM=...):
- `tokenizer` (default, offline): a small stand-in server (below) that renders the chat
  template and tokenizes with llama.cpp's tokenizer (llama-cpp-python, vocab_only) over the
  vocabulary files llama.cpp ships in its source (models/ggml-vocab-*.gguf of the
  llama-cpp-python sdist): `qwen2` (Qwen2/2.5, with its own chat template) and `llama-bpe`
  (Llama 3, with the Llama 3 template written out here). It answers "ok" with the usage.
- `llama-server`: llama-cpp-python's own server (`python -m llama_cpp.server`) with a full
  GGUF model given as MODEL=path.gguf, which reports prompt_tokens itself.

Setup (once; compiling llama-cpp-python takes minutes):
  python3 -m venv .venv-llama
  CMAKE_BUILD_PARALLEL_LEVEL=1 .venv-llama/bin/pip install 'llama-cpp-python[server]==0.3.36'
  .venv-llama/bin/python Benchmarks/calibration.py          # VOCABS=qwen2,llama-bpe by default

Uses .build/release/nebius-chat, else .build/debug/ (NEBIUS_CHAT_BIN overrides). Not part of CI.
"""
import glob
import hashlib
import http.server
import json
import os
import random
import re
import shutil
import socketserver
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
VOCAB_DIR = os.path.join(ROOT, ".venv-llama", "vocab")
MODEL_ID = "bench/tokenizer"

LLAMA3_TEMPLATE = (
    "{{ bos_token }}{% if tools %}<|start_header_id|>system<|end_header_id|>\n\n"
    "You have these functions: {{ tools | tojson }}<|eot_id|>{% endif %}"
    "{% for m in messages %}<|start_header_id|>{{ m['role'] }}<|end_header_id|>\n\n"
    "{{ m['content'] }}{% if m.get('tool_calls') %}{{ m['tool_calls'] | tojson }}{% endif %}<|eot_id|>{% endfor %}"
    "<|start_header_id|>assistant<|end_header_id|>\n\n")


def vocab_files():
    """ggml-vocab-*.gguf from llama.cpp's source, fetched from the llama-cpp-python sdist once."""
    if glob.glob(os.path.join(VOCAB_DIR, "ggml-vocab-*.gguf")):
        return
    os.makedirs(VOCAB_DIR, exist_ok=True)
    # The sdist straight from the package index: `pip download` would build cmake from source
    # first just to read the package's metadata.
    index = urllib.request.urlopen("https://pypi.org/simple/llama-cpp-python/", timeout=60).read().decode()
    links = re.findall(r'href="([^"]*/llama_cpp_python-0\.3\.36\.tar\.gz)(?:#sha256=([0-9a-f]+))?"', index)
    if not links:
        sys.exit("llama_cpp_python-0.3.36.tar.gz is not on the package index")
    url, sha256 = links[0]
    with tempfile.TemporaryDirectory() as tmp:
        sdist = os.path.join(tmp, "sdist.tar.gz")
        with urllib.request.urlopen(url, timeout=300) as response, open(sdist, "wb") as out:
            shutil.copyfileobj(response, out)
        with open(sdist, "rb") as f:
            if sha256 and hashlib.sha256(f.read()).hexdigest() != sha256:
                sys.exit("the downloaded sdist does not match the index's sha256")
        with tarfile.open(sdist) as tar:
            for member in tar.getmembers():
                if re.search(r"vendor/llama\.cpp/models/ggml-vocab-[^/]+\.gguf$", member.name):
                    member.name = os.path.basename(member.name)
                    tar.extract(member, VOCAB_DIR)


class Tokenizer:
    def __init__(self, vocab):
        from llama_cpp import Llama
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter
        self.llama = Llama(model_path=os.path.join(VOCAB_DIR, f"ggml-vocab-{vocab}.gguf"), vocab_only=True, verbose=False)
        template = self.llama.metadata.get("tokenizer.chat_template") or LLAMA3_TEMPLATE
        bos = self.llama.detokenize([self.llama.token_bos()]).decode(errors="replace") if self.llama.token_bos() >= 0 else ""
        eos = self.llama.detokenize([self.llama.token_eos()]).decode(errors="replace") if self.llama.token_eos() >= 0 else ""
        self.formatter = Jinja2ChatFormatter(template=template, eos_token=eos, bos_token=bos)
        self.lock = threading.Lock()

    def count(self, body):
        messages = []
        for m in body.get("messages", []):
            content = m.get("content")
            if isinstance(content, list):
                content = "\n".join(p.get("text", "") for p in content if p.get("type") == "text")
            messages.append({**m, "content": content or ""})
        tools = body.get("tools")
        if tools and "tools" not in self.formatter.template:
            # Templates without a tools section (Qwen2's): the tools as Qwen2.5 writes them.
            listed = "\n".join(json.dumps(t) for t in tools)
            messages.insert(0, {"role": "system", "content": f"# Tools\n\n<tools>\n{listed}\n</tools>"})
        prompt = self.formatter(messages=messages, tools=tools).prompt
        with self.lock:
            return len(self.llama.tokenize(prompt.encode(), add_bos=False, special=True))


def serve_tokenizer(tokenizer):
    """The stand-in upstream: /v1/models and /v1/chat/completions (streamed or not)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def reply(self, status, body, content_type="application/json"):
            data = body.encode()
            self.send_response(status)
            self.send_header("content-type", content_type)
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            self.reply(200, json.dumps({"object": "list", "data": [{"id": MODEL_ID, "object": "model"}]}))

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers.get("content-length", "0"))))
            usage = {"prompt_tokens": tokenizer.count(body), "completion_tokens": 1}
            usage["total_tokens"] = usage["prompt_tokens"] + 1
            base = {"id": "chatcmpl-1", "created": 0, "model": body.get("model", MODEL_ID)}
            if not body.get("stream"):
                message = {"role": "assistant", "content": "ok"}
                self.reply(200, json.dumps({**base, "object": "chat.completion", "usage": usage,
                                            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}]}))
                return
            frames = [
                {**base, "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"role": "assistant", "content": "ok"}}]},
                {**base, "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
                {**base, "object": "chat.completion.chunk", "choices": [], "usage": usage},
            ]
            text = "".join(f"data: {json.dumps(f)}\n\n" for f in frames) + "data: [DONE]\n\n"
            self.reply(200, text, "text/event-stream")

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/v1", server.shutdown


def start_llama_server(model):
    port = 18000 + os.getpid() % 1000
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", model, "--port", str(port),
                             "--n_ctx", "32768"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/v1"
    for _ in range(600):
        try:
            urllib.request.urlopen(url + "/models", timeout=1).read()
            return url, proc.terminate
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("llama_cpp.server did not start")


def start_serve(upstream_url, home):
    # Counts, not speed: any build gives the same figures.
    binary = os.environ.get("NEBIUS_CHAT_BIN") or next(
        (b for b in (os.path.join(ROOT, ".build", c, "nebius-chat") for c in ("release", "debug")) if os.path.exists(b)), None)
    if binary is None:
        sys.exit("build nebius-chat first (swift build)")
    env = {"PATH": os.environ.get("PATH", ""), "HOME": home, "XDG_CACHE_HOME": os.path.join(home, "cache"),
           "NEBIUS_API_KEY": "bench", "OPENAI_BASE_URL": upstream_url, "PORT": "0", "LOG_LEVEL": "error",
           "FALLBACK_MODEL": "off", "MAX_TOKENS_LIMIT": "16"}
    for role in ("BIG_MODEL", "MIDDLE_MODEL", "SMALL_MODEL", "VISION_MODEL"):
        env[role] = MODEL_ID
    proc = subprocess.Popen([binary, "serve"], cwd=home, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    while True:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError("serve did not start")
        m = re.search(r"listening on (http://\S+)", line)
        if m:
            return m.group(1), proc


def post(url, path, body):
    req = urllib.request.Request(url + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"content-type": "application/json", "x-api-key": "bench"})
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read())


def bodies():
    out = []
    for path in sorted(glob.glob(os.path.join(ROOT, "Tests", "Fixtures", "claude-code", "*.json"))):
        body = json.load(open(path))["body"]
        if '"type": "image"' in json.dumps(body).replace('":"', '": "'):
            continue  # image tokens are the vision model's business, not a tokenizer's
        body = {**body, "model": "claude-sonnet-4-5", "max_tokens": 16, "stream": False}
        out.append((os.path.basename(path)[:-5], body))
    random.Random(7).shuffle(out)
    return out


def count(url, body):
    fields = {k: v for k, v in body.items() if k in ("model", "messages", "system", "tools", "tool_choice", "thinking")}
    return post(url, "/v1/messages/count_tokens", fields)["input_tokens"]


def measure(upstream_url, label):
    work = bodies()
    home = tempfile.mkdtemp(prefix="calibration-")
    try:
        url, proc = start_serve(upstream_url, home)
        try:
            before, after, reported = [], [], {}
            for name, body in work:
                before.append((name, count(url, body)))
            for i, (name, body) in enumerate(work):
                predicted = count(url, body) if i >= 5 else None
                usage = post(url, "/v1/messages", body)["usage"]
                reported[name] = usage["input_tokens"] + usage.get("cache_read_input_tokens", 0)
                if predicted is not None:
                    after.append((name, predicted))
        finally:
            proc.terminate()
            proc.wait()
    finally:
        shutil.rmtree(home, ignore_errors=True)

    def errors(pairs):
        return [abs(c / reported[n] - 1) for n, c in pairs]

    if os.environ.get("VERBOSE"):
        for n, c0 in before:
            print(f"    {n}: upstream {reported[n]}, uncalibrated {c0}, calibrated {dict(after).get(n, '-')}")
    b, a = errors(before), errors(after)
    b_after = errors([(n, c) for n, c in before if n in dict(after)])
    print(f"{label}: {len(work)} bodies ({min(reported.values())}-{max(reported.values())} upstream tokens)")
    print(f"  before calibration: mean error {100 * sum(b) / len(b):.1f}%, worst {100 * max(b):.1f}% (all bodies)")
    print(f"  same {len(a)} bodies uncalibrated: mean error {100 * sum(b_after) / len(b_after):.1f}%, worst {100 * max(b_after):.1f}%")
    print(f"  after 5 requests:   mean error {100 * sum(a) / len(a):.1f}%, worst {100 * max(a):.1f}% (bodies 6-{len(work)})")
    for title, keep in (("of 1,000 tokens or more", lambda n: reported[n] >= 1000), ("under 1,000 tokens", lambda n: reported[n] < 1000)):
        bb = errors([(n, c) for n, c in before if keep(n) and n in dict(after)])
        aa = errors([(n, c) for n, c in after if keep(n)])
        if aa:
            print(f"    {len(aa)} bodies {title}: uncalibrated mean {100 * sum(bb) / len(bb):.1f}% -> "
                  f"calibrated mean {100 * sum(aa) / len(aa):.1f}%, worst {100 * max(aa):.1f}%")


def main():
    if os.environ.get("UPSTREAM", "tokenizer") == "llama-server":
        model = os.environ.get("MODEL") or sys.exit("UPSTREAM=llama-server needs MODEL=path/to/model.gguf")
        url, stop = start_llama_server(model)
        try:
            measure(url, f"llama_cpp.server, {os.path.basename(model)}")
        finally:
            stop()
        return
    vocab_files()
    for vocab in os.environ.get("VOCABS", "qwen2,llama-bpe").split(","):
        url, stop = serve_tokenizer(Tokenizer(vocab))
        try:
            measure(url, f"llama.cpp tokenizer, ggml-vocab-{vocab}.gguf")
        finally:
            stop()


if __name__ == "__main__":
    main()
