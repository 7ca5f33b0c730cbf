"""A small MCP server on stdio, written with the official Python SDK, for the end-to-end tests.

Tools: add (a + b), crash (the process exits mid-call), hang (never answers), fail (the tool
reports an error), dot (a 1x1 PNG image). `--crash-on-start` exits before the handshake.
Whatever the server receives in the environment variable CALC_SECRET is never printed.
"""
import base64
import os
import sys

if os.environ.get("CALC_PID_FILE"):
    with open(os.environ["CALC_PID_FILE"], "w") as pid_file:
        pid_file.write(str(os.getpid()))

if "--crash-on-start" in sys.argv:
    print("calc: refusing to start", file=sys.stderr)
    sys.exit(3)

from mcp.server.mcpserver import Image, MCPServer  # noqa: E402
from calc_tools import add_calc_tools  # noqa: E402

server = MCPServer("calc")

# A 1x1 transparent PNG.
DOT = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")


add_calc_tools(server, "calc")


@server.tool()
def crash() -> str:
    """Exits the server process in the middle of the call."""
    print("calc: crashing on purpose", file=sys.stderr, flush=True)
    os._exit(7)


@server.tool()
def dot() -> Image:
    """A one-pixel PNG image."""
    return Image(data=DOT, format="png")


if __name__ == "__main__":
    server.run()
