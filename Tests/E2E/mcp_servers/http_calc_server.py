"""A small MCP server over Streamable HTTP, written with the official Python SDK, for the
end-to-end tests. It listens on a loopback port of its own choosing and writes that port to
`--port-file` once it accepts connections.

Tools: add (a + b), hang (never answers), fail (the tool reports an error).
Options:
  --json-response          answer with one JSON body instead of an event stream
  --require-auth TOKEN     answer 401 to any request without `Authorization: Bearer TOKEN`
  --headers-log PATH       append each request's method, path and headers as a JSON line
A GET of /forget makes the next request that carries a session id answer 404, as a server
that has forgotten the session does.
"""
import argparse
import json
import os
import socket

import uvicorn
from mcp.server.mcpserver import MCPServer

from calc_tools import add_calc_tools

parser = argparse.ArgumentParser()
parser.add_argument("--port-file", required=True)
parser.add_argument("--json-response", action="store_true")
parser.add_argument("--require-auth")
parser.add_argument("--headers-log")
options = parser.parse_args()

server = MCPServer("httpcalc")


add_calc_tools(server, "httpcalc")

app = server.streamable_http_app(json_response=options.json_response)
forget = {"next": False}


async def guarded(scope, receive, send):
    """Logs the request's headers, and refuses it without the expected bearer token."""
    if scope["type"] == "http":
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if options.headers_log:
            with open(options.headers_log, "a") as log:
                log.write(json.dumps({"method": scope["method"], "path": scope["path"], "headers": headers}) + "\n")
        if scope["path"] == "/forget":
            forget["next"] = True
            await send({"type": "http.response.start", "status": 204, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        if forget["next"] and "mcp-session-id" in headers:
            forget["next"] = False
            await send({"type": "http.response.start", "status": 404, "headers": [(b"content-type", b"application/json")]})
            await send({"type": "http.response.body", "body": b'{"jsonrpc": "2.0", "id": "server-error", '
                        b'"error": {"code": -32600, "message": "Session not found"}}'})
            return
        if options.require_auth and headers.get("authorization") != f"Bearer {options.require_auth}":
            body = b'{"error": "invalid_token"}'
            await send({"type": "http.response.start", "status": 401, "headers": [
                (b"content-type", b"application/json"), (b"www-authenticate", b"Bearer")]})
            await send({"type": "http.response.body", "body": body})
            return
    await app(scope, receive, send)


if __name__ == "__main__":
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]

    class Server(uvicorn.Server):
        async def startup(self, sockets=None):
            await super().startup(sockets=sockets)
            with open(options.port_file + ".tmp", "w") as f:
                f.write(str(port))
            os.replace(options.port_file + ".tmp", options.port_file)

    config = uvicorn.Config(guarded, log_level="warning", lifespan="on")
    Server(config).run(sockets=[sock])
