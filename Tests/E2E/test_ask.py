"""`nebius-chat ask` and `nebius-chat models`, end to end against the scripted upstream."""
import json
import os

from conftest import BIG_MODEL, user_texts


def test_success_streams_answer_to_stdout_and_usage_to_stderr(upstream, isolated_env):
    upstream.enqueue({"type": "text", "text": "Canberra is the capital.", "chunks": 4})
    result = isolated_env.run(["ask", "What", "is", "the", "capital", "of", "Australia?"])
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Canberra is the capital.\n"
    assert BIG_MODEL in result.stderr and " out " in result.stderr, "the usage line goes to stderr"
    request = upstream.chat_requests()[-1]
    assert request["body"]["model"] == BIG_MODEL
    assert request["body"]["stream"] is True
    assert user_texts(request) == ["What is the capital of Australia?"]


def test_piped_stdin_follows_the_arguments(upstream, isolated_env):
    upstream.enqueue({"type": "text", "text": "Looks fine."})
    diff = "diff --git a/x b/x\n+added line\n"
    result = isolated_env.run(["ask", "review this"], input=diff)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Looks fine.\n"
    assert user_texts(upstream.chat_requests()[-1]) == ["review this\n\ndiff --git a/x b/x\n+added line"]


def test_stdin_alone_is_the_prompt(upstream, isolated_env):
    result = isolated_env.run(["ask"], input="just stdin\n")
    assert result.returncode == 0, result.stderr
    assert user_texts(upstream.chat_requests()[-1]) == ["just stdin"]


def test_json_prints_the_final_claude_message(upstream, isolated_env):
    upstream.enqueue({"type": "reasoning", "reasoning": "Two plus two.", "text": "It is 4.", "chunks": 3})
    result = isolated_env.run(["ask", "--json", "--system", "Be terse.", "--max-tokens", "50", "2+2?"])
    assert result.returncode == 0, result.stderr
    message = json.loads(result.stdout)
    assert message["type"] == "message"
    assert message["role"] == "assistant"
    texts = [b["text"] for b in message["content"] if b["type"] == "text"]
    thinking = [b["thinking"] for b in message["content"] if b["type"] == "thinking"]
    assert texts == ["It is 4."]
    assert thinking == ["Two plus two."]
    assert message["stop_reason"] == "end_turn"
    assert message["usage"]["output_tokens"] > 0
    body = upstream.chat_requests()[-1]["body"]
    assert body["messages"][0] == {"role": "system", "content": "Be terse."}
    assert body["max_tokens"] == 50


def test_think_shows_reasoning_on_stderr_only(upstream, isolated_env):
    upstream.enqueue({"type": "reasoning", "reasoning": "Thinking hard.", "text": "Done."})
    result = isolated_env.run(["ask", "--think", "q"])
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Done.\n"
    assert "Thinking hard." in result.stderr
    assert "\x1b" not in result.stdout + result.stderr, "no escape codes when not on a terminal"


def test_no_stream_prints_the_whole_answer(upstream, isolated_env):
    upstream.enqueue({"type": "text", "text": "all at once", "chunks": 3})
    result = isolated_env.run(["ask", "--no-stream", "q"])
    assert result.returncode == 0, result.stderr
    assert result.stdout == "all at once\n"


def test_image_goes_to_the_vision_model(upstream, isolated_env, tmp_path):
    png = tmp_path / "dot.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    upstream.enqueue({"type": "image_count"})
    result = isolated_env.run(["ask", "--image", str(png), "what is this?"])
    assert result.returncode == 0, result.stderr
    assert "1 image" in result.stdout
    body = upstream.chat_requests()[-1]["body"]
    assert body["model"] == isolated_env.vision_model
    parts = body["messages"][-1]["content"]
    assert any(p["type"] == "image_url" and p["image_url"]["url"].startswith("data:image/png;base64,") for p in parts)


def test_upstream_401_exits_1(upstream, isolated_env):
    upstream.enqueue({"type": "error", "status": 401, "message": "Invalid API key provided."})
    result = isolated_env.run(["ask", "hello"])
    assert result.returncode == 1
    assert result.stdout == ""
    assert "error:" in result.stderr
    assert "key" in result.stderr.lower()


def test_unknown_model_404_falls_back_and_says_so(upstream, isolated_env):
    # The scripted upstream answers 404 itself for an id outside its catalogue, as Nebius does.
    upstream.enqueue({"type": "text", "text": "answered anyway"})
    result = isolated_env.run(["ask", "--model", "retired/Old-Model", "hello"])
    assert result.returncode == 0, result.stderr
    assert result.stdout == "answered anyway\n"
    first, second = upstream.chat_requests()[-2:]
    assert first["body"]["model"] == "retired/Old-Model"
    stand_in = second["body"]["model"]
    assert stand_in != "retired/Old-Model"
    assert f"note: retired/Old-Model failed upstream (not found or down); {stand_in} answered" in result.stderr


def test_unknown_model_404_everywhere_exits_1_and_names_alternatives(upstream, isolated_env):
    upstream.enqueue(*[{"type": "error", "status": 404, "message": "not found"}] * 4)
    result = isolated_env.run(["ask", "--model", "retired/Old-Model", "hello"])
    assert result.returncode == 1
    assert "model retired/Old-Model is not in the Nebius catalogue (retired?); try one of:" in result.stderr
    models = [r["body"]["model"] for r in upstream.chat_requests()]
    assert models[0] == "retired/Old-Model"
    assert len(models) == len(set(models)), "each model is tried once"


def test_bad_image_is_a_usage_error(upstream, isolated_env, tmp_path):
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    result = isolated_env.run(["ask", "--image", str(text), "what?"])
    assert result.returncode == 2
    assert "not a png, jpeg, gif or webp image" in result.stderr
    assert upstream.chat_requests() == []


def test_nothing_to_ask_is_a_usage_error(isolated_env):
    result = isolated_env.run(["ask"])
    assert result.returncode == 2
    assert "nothing to ask" in result.stderr


def test_unknown_flag_is_a_usage_error(isolated_env):
    result = isolated_env.run(["ask", "--bogus", "hi"])
    assert result.returncode == 2, (
        "ArgumentParser exits 64 (EX_USAGE) on a parse error; the root command's main must map "
        "exitCode(for: error) == .validationFailure to 2, as `ask --help` documents")
    assert "Unknown option '--bogus'" in result.stderr


def test_no_key_exits_2_and_says_where_to_set_it(upstream, isolated_env):
    result = isolated_env.run(["ask", "hello"], env=isolated_env.without("NEBIUS_API_KEY"))
    assert result.returncode == 2
    assert "NEBIUS_API_KEY" in result.stderr
    assert ".env" in result.stderr
    assert isolated_env.config_home + "/nebius-chat/config.env" in result.stderr
    assert upstream.chat_requests() == []


def test_help_documents_exit_codes_and_examples(isolated_env):
    result = isolated_env.run(["ask", "--help"])
    assert result.returncode == 0
    for line in ["0    the answer was printed", "1    the upstream", "2    usage error", "130  interrupted"]:
        assert line in result.stdout
    assert 'git diff | nebius-chat ask "review this"' in result.stdout


def test_models_table_and_json(upstream, isolated_env):
    result = isolated_env.run(["models"])
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:4] == ["MODEL", "ROLE", "VISION", "CONTEXT"]
    vl = next(line for line in lines if line.startswith(isolated_env.vision_model))
    assert " yes " in vl
    result = isolated_env.run(["models", "--json"])
    assert result.returncode == 0, result.stderr
    entries = json.loads(result.stdout)
    by_id = {e["id"]: e for e in entries}
    assert by_id[isolated_env.vision_model]["vision"] is True
    assert by_id[BIG_MODEL]["vision"] is False
    assert by_id[BIG_MODEL]["context_length"] > 0
    assert by_id[BIG_MODEL]["input_usd_per_million_tokens"] > 0
    assert any(r["path"].startswith("/v1/models") for r in upstream.requests())


COMPLETIONS = {"bash": "nebius-chat.bash", "zsh": "_nebius-chat", "fish": "nebius-chat.fish"}


def test_committed_completion_scripts_are_current(isolated_env):
    """completions/ must match what the binary generates. To refresh them after changing a
    command or flag:
        for s in bash zsh fish; do .build/debug/nebius-chat --generate-completion-script $s; done
    writing bash to completions/nebius-chat.bash, zsh to completions/_nebius-chat and fish to
    completions/nebius-chat.fish."""
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    for shell, name in COMPLETIONS.items():
        generated = isolated_env.run(["--generate-completion-script", shell])
        assert generated.returncode == 0, generated.stderr
        with open(os.path.join(root, "completions", name)) as f:
            committed = f.read()
        assert committed == generated.stdout, (
            f"completions/{name} is stale: regenerate it with "
            f"`.build/debug/nebius-chat --generate-completion-script {shell} > completions/{name}`")
