"""Messages for common mistakes: a port already taken, a mistyped subcommand.

Each names the problem in words and the way out, instead of a system call's error or the
chat's usage.
"""
import socket

import pytest


@pytest.fixture
def taken_port():
    """A loopback port with a listener on it (closed after the test)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    yield s.getsockname()[1]
    s.close()


def test_serve_on_a_port_in_use_says_so(isolated_env, taken_port):
    result = isolated_env.run(["serve", "--port", str(taken_port)], timeout=30)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"nebius-chat: port {taken_port} is already in use (another serve?); "
        "pick another with --port N or PORT=N")
    assert "errno" not in result.stderr
    assert "bind(descriptor" not in result.stderr


def test_serve_on_a_port_in_use_from_the_environment(isolated_env, taken_port):
    env = dict(isolated_env.env, PORT=str(taken_port))
    result = isolated_env.run(["serve"], env=env, timeout=30)
    assert result.returncode == 1
    assert f"port {taken_port} is already in use" in result.stderr


@pytest.mark.parametrize("typed, meant", [("modles", "models"), ("srve", "serve"), ("ak", "ask")])
def test_a_mistyped_subcommand_names_the_closest(isolated_env, typed, meant):
    result = isolated_env.run([typed])
    assert result.returncode == 2
    assert result.stderr == f"nebius-chat: unknown command '{typed}'. Did you mean '{meant}'?\n"
    assert "Usage: nebius-chat chat" not in result.stderr


def test_an_unknown_word_lists_the_commands(isolated_env):
    result = isolated_env.run(["hello", "there"])
    assert result.returncode == 2
    assert result.stderr.startswith("nebius-chat: unknown command 'hello'. The commands are chat, ask, serve")
    assert "Did you mean" not in result.stderr


def test_options_and_real_subcommands_keep_their_own_errors(isolated_env):
    result = isolated_env.run(["--bogus"])
    assert result.returncode == 2
    assert "unknown command" not in result.stderr
    assert "--bogus" in result.stderr
    result = isolated_env.run(["models", "--bogus"])
    assert result.returncode == 2
    assert "unknown command" not in result.stderr
