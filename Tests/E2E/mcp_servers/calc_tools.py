"""The tools both test servers offer (stdio and HTTP): add, hang and fail."""
import asyncio

from mcp.server.mcpserver.exceptions import ToolError


def add_calc_tools(server, name: str) -> None:
    """Registers add (a + b), hang (never answers) and fail (the tool reports an error)."""

    @server.tool()
    def add(a: int, b: int) -> int:
        """Adds two whole numbers."""
        return a + b

    @server.tool()
    async def hang() -> str:
        """Never answers."""
        await asyncio.sleep(3600)
        return "unreachable"

    @server.tool()
    def fail(reason: str = "no reason") -> str:
        """Reports an error."""
        raise ToolError(f"{name} cannot do that: {reason}")
