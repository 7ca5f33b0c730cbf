"""The terminal faces (`ask`, `models`, the chat) on the live catalogue: replacements of retired
models said once, roles marked, unknown vision shown as unknown, the model that answered."""
import base64
import json
import os

import pytest

from conftest import VISION_MODEL
from repl_support import ask, start_chat

RETIRED = "zai-org/GLM-4.7-FP8"
CATALOGUE = [
    {"id": "zai-org/GLM-5.2", "object": "model", "created": 1780000000, "context_length": 432000,
     "architecture": {"modality": "text->text"}, "pricing": {"prompt": "0.0000014", "completion": "0.0000044"},
     "status": "active"},
    {"id": "moonshotai/Kimi-K2.7-Code", "object": "model", "created": 1780000000, "context_length": 262144,
     "architecture": {"modality": "text+image->text"}, "status": "active"},
    {"id": "openai/gpt-oss-120b", "object": "model", "created": 1780000000, "context_length": 131072},
    {"id": VISION_MODEL, "object": "model", "created": 1780000000, "context_length": 131072,
     "architecture": {"modality": "text+image->text"}, "pricing": {"prompt": "0.00000025", "completion": "0.00000075"}},
]
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


@pytest.fixture
def catalogue(upstream):
    """The scripted upstream lists CATALOGUE during the test, and what it listed before after."""
    before = upstream._call("GET", "/v1/models?verbose=true")["data"]
    upstream.set_catalogue(CATALOGUE)
    yield upstream
    upstream.set_catalogue(before)


def test_ask_says_a_replacement_once_and_uses_it(catalogue, isolated_env):
    env = dict(isolated_env.env, BIG_MODEL=RETIRED)
    catalogue.enqueue({"type": "text", "text": "hello"})
    result = isolated_env.run(["ask", "hi"], env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "hello"
    notice = f"BIG_MODEL {RETIRED} is not in the Nebius catalogue; using zai-org/GLM-5.2"
    assert result.stderr.count(notice) == 1, result.stderr
    assert notice not in result.stdout
    assert catalogue.chat_requests()[-1]["body"]["model"] == "zai-org/GLM-5.2"


def test_ask_json_with_an_image_reports_the_vision_model(catalogue, isolated_env, tmp_path):
    image = tmp_path / "dot.png"
    image.write_bytes(PNG)
    catalogue.enqueue({"type": "text", "text": "a dot"})
    result = isolated_env.run(["ask", "--image", str(image), "--json", "what is it?"])
    assert result.returncode == 0, result.stderr
    message = json.loads(result.stdout)
    assert message["model"] == VISION_MODEL, "the model that answered, not the default"
    assert catalogue.chat_requests()[-1]["body"]["model"] == VISION_MODEL


def test_models_marks_the_roles_and_unknown_vision(catalogue, isolated_env):
    env = dict(isolated_env.env, BIG_MODEL=RETIRED, SMALL_MODEL="openai/gpt-oss-120b")
    result = isolated_env.run(["models"], env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["MODEL", "ROLE", "VISION"]
    row = {line.split()[0]: line for line in lines[1:]}
    assert " big " in row["zai-org/GLM-5.2"], "BIG_MODEL resolves to the replacement"
    assert " middle " in row["moonshotai/Kimi-K2.7-Code"]
    assert " vision " in row[VISION_MODEL]
    assert " unknown " in row["openai/gpt-oss-120b"], "no modality in the catalogue is not 'no'"
    assert " no " in row["zai-org/GLM-5.2"]
    entries = {e["id"]: e for e in json.loads(isolated_env.run(["models", "--json"], env=env).stdout)}
    assert entries["openai/gpt-oss-120b"]["vision"] is None
    assert entries["openai/gpt-oss-120b"]["roles"] == ["small"]
    assert entries["zai-org/GLM-5.2"]["roles"] == ["big"]
    assert entries[VISION_MODEL]["vision"] is True


def test_the_chat_banner_names_the_model_and_the_replacement(catalogue, terminal, isolated_env):
    env = dict(isolated_env.env, BIG_MODEL=RETIRED)
    term = start_chat(terminal, env=env)
    term.wait_for("zai-org/GLM-5.2")
    term.wait_for(f"BIG_MODEL {RETIRED} is not in the Nebius catalogue; using zai-org/GLM-5.2")
    catalogue.enqueue({"type": "text", "text": "First answer."})
    ask(term, "first")
    term.wait_for("First answer.")
    term.wait_for_prompt()
    ask(term, "/exit")
    assert term.wait_exit() == 0

    # A resumed conversation: the banner names its model too.
    term = start_chat(terminal, "--continue", env=env)
    term.wait_for("Continuing")
    banner = next(line for line in term.screen().splitlines() if line.startswith("nebius-chat"))
    assert "zai-org/GLM-5.2" in banner, banner
