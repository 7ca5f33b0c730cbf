"""Loopback stand-ins for serve's web tools: a scripted search backend (Tavily, Brave and
SearXNG shapes) and a page server. Each runs in a thread on 127.0.0.1:0 and records what it
was asked."""
import contextlib
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HITS = [
    {"title": "Nebius ships web tools", "url": "https://news.example/nebius-web", "content": "Nebius-chat now searches the web.",
     "date": "2026-12-01"},
    {"title": "Blocked page", "url": "https://blocked.example/x", "content": "should be filtered", "date": None},
    {"title": "Second hit", "url": "https://docs.example/guide", "content": "A guide to the proxy.", "date": None},
]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class SearchBackend:
    """`mode`: ok | fail (500) | limited (429) | stall (no answer for `stall_seconds`) | garbage."""

    def __init__(self):
        self.mode = "ok"
        self.stall_seconds = 30
        self.requests = []
        backend = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, provider):
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                backend.requests.append({"method": self.command, "path": self.path, "provider": provider,
                                         "headers": {k.lower(): v for k, v in self.headers.items()},
                                         "body": json.loads(body) if body else None})
                if backend.mode == "stall":
                    time.sleep(backend.stall_seconds)
                    return
                if backend.mode == "fail":
                    return self._send(500, b'{"error":"backend down"}')
                if backend.mode == "limited":
                    return self._send(429, b'{"error":"slow down"}')
                if backend.mode == "garbage":
                    return self._send(200, b"<html>not json at all", "text/html")
                if provider == "tavily":
                    out = {"query": "q", "results": [{"title": h["title"], "url": h["url"], "content": h["content"],
                                                      "published_date": h["date"]} for h in HITS]}
                elif provider == "brave":
                    out = {"type": "search", "web": {"results": [{"title": h["title"], "url": h["url"],
                                                                  "description": h["content"], "page_age": h["date"]}
                                                                 for h in HITS]}}
                else:
                    out = {"query": "q", "results": [{"title": h["title"], "url": h["url"], "content": h["content"],
                                                      "publishedDate": h["date"]} for h in HITS]}
                self._send(200, json.dumps(out).encode())

            def _send(self, status, body, ctype="application/json"):
                self.send_response(status)
                self.send_header("content-type", ctype)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                self._answer("tavily")

            def do_GET(self):
                self._answer("brave" if self.path.startswith("/res/v1/web/search") else "searxng")

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


PAGE_HTML = (b"<html><head><title>Proxy page</title><style>body{color:red}</style></head><body>"
             b"<h1>Nebius page</h1><script>var hidden='script-text'</script>"
             b"<p>The fetched <a href='/x'>link text</a> survives.</p></body></html>")


class PageServer:
    """/page.html, /plain.txt, /data.json, /image.png, /to-private (302 to the metadata address),
    /slow (no answer for `slow_seconds`), /huge (`huge_bytes` of text)."""

    def __init__(self):
        self.requests = []
        self.slow_seconds = 30
        self.huge_bytes = 30 * 1024 * 1024
        pages = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                pages.requests.append(self.path)
                path = urllib.parse.urlparse(self.path).path
                if path == "/page.html":
                    return self._send(200, PAGE_HTML, "text/html; charset=utf-8")
                if path == "/plain.txt":
                    return self._send(200, b"plain text as it is\n", "text/plain")
                if path == "/data.json":
                    return self._send(200, b'{"answer": 42}', "application/json")
                if path == "/report.pdf":
                    import os
                    here = os.path.dirname(os.path.abspath(__file__))
                    with open(os.path.join(here, "..", "Fixtures", "documents", "text.pdf"), "rb") as f:
                        return self._send(200, f.read(), "application/pdf")
                if path == "/image.png":
                    return self._send(200, b"\x89PNG\r\n\x1a\n....", "image/png")
                if path == "/to-private":
                    self.send_response(302)
                    self.send_header("location", "http://169.254.169.254/latest/meta-data/")
                    self.send_header("content-length", "0")
                    self.end_headers()
                    return
                if path == "/slow":
                    time.sleep(pages.slow_seconds)
                    return self._send(200, b"too late", "text/plain")
                if path == "/huge":
                    self.send_response(200)
                    self.send_header("content-type", "text/plain")
                    self.send_header("content-length", str(pages.huge_bytes))
                    self.end_headers()
                    chunk = b"0123456789abcdef" * 4096
                    sent = 0
                    try:
                        while sent < pages.huge_bytes:
                            piece = chunk[: pages.huge_bytes - sent]
                            self.wfile.write(piece)
                            sent += len(piece)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    return
                self._send(404, b"not found", "text/plain")

            def _send(self, status, body, ctype):
                self.send_response(status)
                self.send_header("content-type", ctype)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@contextlib.contextmanager
def serving(*stand_ins):
    threads = [threading.Thread(target=s.server.serve_forever, daemon=True) for s in stand_ins]
    for t in threads:
        t.start()
    try:
        yield stand_ins
    finally:
        for s in stand_ins:
            s.server.shutdown()
            s.server.server_close()


def tool_call(name, **arguments):
    """A scripted-upstream directive: the model calls `name` with `arguments`."""
    return f"[[script:tool_calls name={name} arguments={json.dumps(arguments, separators=(',', ':'))}]]"


def tool_messages(chat_request):
    return [m for m in chat_request["body"]["messages"] if m["role"] == "tool"]
