"""`scripts/install` and `scripts/chat`, the two ways nebius-chat is started outside the tests.

`scripts/install` runs with a temporary PREFIX and `NEBIUS_CHAT_BINARY` pointing at the debug
build, so no release build is needed: it must put the stripped binary, the three completions and
the manual page where each tool looks, and `--uninstall` must take exactly those away again.

`scripts/chat` runs in a copy of its surroundings (a stand-in binary and a stand-in `swift`), to
check its fast path (an up-to-date binary is started at once, with nothing printed) and its one
message when no key is set.
"""
import os
import shutil
import stat
import subprocess

import pytest

from conftest import ROOT

INSTALL = os.path.join(ROOT, "scripts", "install")
CHAT = os.path.join(ROOT, "scripts", "chat")


def installed_paths(prefix):
    return {
        "bin": os.path.join(prefix, "bin", "nebius-chat"),
        "bash": os.path.join(prefix, "share", "bash-completion", "completions", "nebius-chat"),
        "zsh": os.path.join(prefix, "share", "zsh", "site-functions", "_nebius-chat"),
        "fish": os.path.join(prefix, "share", "fish", "vendor_completions.d", "nebius-chat.fish"),
        "man": os.path.join(prefix, "share", "man", "man1", "nebius-chat.1"),
    }


def run_install(args, env, timeout=900):
    return subprocess.run([INSTALL, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def install_env(tmp_path, nebius_chat_bin):
    env = dict(os.environ)
    env["HOME"] = str(tmp_path / "home")
    env["NEBIUS_CHAT_BINARY"] = nebius_chat_bin
    env.pop("PREFIX", None)
    os.makedirs(env["HOME"])
    return env


def test_install_puts_binary_completions_and_manual_in_place_and_uninstall_removes_them(tmp_path, install_env, nebius_chat_bin):
    # An existing directory with a file of someone else's: both must survive the uninstall.
    prefix = tmp_path / "prefix"
    (prefix / "bin").mkdir(parents=True)
    (prefix / "bin" / "other-tool").write_text("keep me\n")
    env = dict(install_env, PREFIX=str(prefix))

    result = run_install([], env)
    assert result.returncode == 0, result.stdout + result.stderr
    paths = installed_paths(str(prefix))
    for name, path in paths.items():
        assert os.path.isfile(path) and os.path.getsize(path) > 0, f"{name}: {path} is missing"

    binary = paths["bin"]
    assert os.stat(binary).st_mode & stat.S_IXUSR
    version = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30)
    assert version.returncode == 0 and version.stdout.strip(), version.stderr
    if shutil.which("strip"):
        assert os.path.getsize(binary) < os.path.getsize(nebius_chat_bin), "the installed binary is stripped"
        assert "(stripped)" in result.stdout

    assert "nebius-chat" in open(paths["bash"]).read()
    assert open(paths["zsh"]).read().startswith("#compdef nebius-chat")
    assert "nebius-chat" in open(paths["fish"]).read()
    manual = open(paths["man"]).read()
    assert ".Dt NEBIUS-CHAT 1" in manual and "serve" in manual

    # The report names every file and says how to put the bin folder on PATH.
    for path in paths.values():
        assert path in result.stdout
    assert f"{prefix}/bin is not on your PATH" in result.stdout
    assert f'export PATH="{prefix}/bin:$PATH"' in result.stdout

    # Installing again over the top is fine; with the folder on PATH the report says so.
    on_path = dict(env, PATH=f"{prefix}/bin:{env['PATH']}")
    again = run_install([], on_path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"{prefix}/bin is on your PATH" in again.stdout

    removed = run_install(["--uninstall"], env, timeout=60)
    assert removed.returncode == 0, removed.stdout + removed.stderr
    for path in paths.values():
        assert not os.path.exists(path), f"{path} is still there"
    # The folders the install made are gone; the one that was there before stays, with its file.
    assert not (prefix / "share").exists()
    assert (prefix / "bin" / "other-tool").read_text() == "keep me\n"

    nothing = run_install(["--uninstall"], env, timeout=60)
    assert nothing.returncode == 0 and "not installed" in nothing.stdout


def test_install_takes_the_prefix_as_an_option_and_a_missing_binary_is_an_error(tmp_path, install_env):
    prefix = tmp_path / "elsewhere"
    missing = dict(install_env, NEBIUS_CHAT_BINARY=str(tmp_path / "no-such-binary"))
    result = run_install(["--prefix", str(prefix)], missing, timeout=120)
    assert result.returncode != 0
    assert "NEBIUS_CHAT_BINARY" in result.stderr
    assert not os.path.exists(installed_paths(str(prefix))["bin"])

    bad = run_install(["--no-such-option"], install_env, timeout=60)
    assert bad.returncode == 2 and "unknown argument" in bad.stderr


# ---------------------------------------------------------------------------------------------
# scripts/chat


@pytest.fixture
def chat_checkout(tmp_path):
    """A stand-in checkout: scripts/chat itself, a no-op scripts/deps, a few sources, a release
    "binary" that prints its arguments, and a `swift` on PATH that only says it was called."""
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    shutil.copy(CHAT, repo / "scripts" / "chat")
    deps = repo / "scripts" / "deps"
    deps.write_text("#!/bin/sh\nexit 0\n")
    deps.chmod(0o755)
    (repo / "Sources" / "Thing").mkdir(parents=True)
    (repo / "Sources" / "Thing" / "Thing.swift").write_text("// source\n")
    (repo / "Package.swift").write_text("// package\n")
    (repo / "Package.resolved").write_text("{}\n")
    release = repo / ".build" / "release"
    release.mkdir(parents=True)
    binary = release / "nebius-chat"
    binary.write_text('#!/bin/sh\necho "ran $*"\n')
    binary.chmod(0o755)
    tools = tmp_path / "tools"
    tools.mkdir()
    swift = tools / "swift"
    swift.write_text(f'#!/bin/sh\necho "swift $*" >> "{tmp_path}/swift-calls"\n')
    swift.chmod(0o755)
    work = tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("NEBIUS_API_KEY", "OPENAI_API_KEY", "XDG_CONFIG_HOME")}
    env["HOME"] = str(tmp_path / "home")
    env["PATH"] = f"{tools}:{env['PATH']}"

    class Checkout:
        root = repo
        calls = tmp_path / "swift-calls"

        def run(self, *args, **extra):
            return subprocess.run([str(repo / "scripts" / "chat"), *args], env=dict(env, **extra),
                                  cwd=work, capture_output=True, text=True, timeout=60)

        def swift_calls(self):
            return self.calls.read_text().splitlines() if self.calls.exists() else []

        def touch_source(self):
            """Makes the binary older than the sources, as after an edit."""
            earlier = os.stat(repo / "Sources" / "Thing" / "Thing.swift").st_mtime - 100
            os.utime(binary, (earlier, earlier))

    return Checkout()


def test_chat_starts_an_up_to_date_binary_at_once_and_quietly(chat_checkout):
    result = chat_checkout.run("ask", "hi", NEBIUS_API_KEY="k")
    assert result.returncode == 0
    assert result.stdout == "ran ask hi\n"
    assert result.stderr == ""
    assert chat_checkout.swift_calls() == [], "no build when nothing changed"


def test_chat_rebuilds_after_a_source_change_with_one_progress_line(chat_checkout):
    chat_checkout.touch_source()
    result = chat_checkout.run("--continue", NEBIUS_API_KEY="k")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ran --continue\n"
    assert result.stderr.strip().splitlines() == ["Building nebius-chat (release) ..."]
    assert chat_checkout.swift_calls() == ["swift build -c release --static-swift-stdlib --product nebius-chat"]
    # The binary is dated to the build, so the next start is the fast one.
    again = chat_checkout.run(NEBIUS_API_KEY="k")
    assert again.stderr == "" and len(chat_checkout.swift_calls()) == 1


def test_chat_without_a_key_says_so_once_builds_anyway_and_exits_2(chat_checkout):
    chat_checkout.touch_source()
    result = chat_checkout.run()
    assert result.returncode == 2
    assert result.stdout == "", "nebius-chat itself is not started without a key"
    assert result.stderr.count("No Nebius API key is set") == 1
    assert "export NEBIUS_API_KEY=" in result.stderr and ".env" in result.stderr
    assert "10 minutes" in result.stderr
    assert chat_checkout.swift_calls() == ["swift build -c release --static-swift-stdlib --product nebius-chat"]


def test_chat_finds_the_key_in_dot_env_and_help_needs_no_key(chat_checkout, tmp_path):
    chat_checkout.touch_source()
    (tmp_path / "work" / ".env").write_text('export NEBIUS_API_KEY="nb-key"\n')
    result = chat_checkout.run("models")
    assert result.returncode == 0 and result.stdout == "ran models\n"
    assert "No Nebius API key" not in result.stderr

    (tmp_path / "work" / ".env").write_text('NEBIUS_API_KEY=""\n')
    chat_checkout.touch_source()
    helped = chat_checkout.run("--help")
    assert helped.returncode == 0 and helped.stdout == "ran --help\n"
    assert "No Nebius API key" not in helped.stderr
