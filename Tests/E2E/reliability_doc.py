"""Shared helpers of the reliability tests: printing past pytest's capture, and rewriting one
marked section of docs/RELIABILITY.md."""
import contextlib
import os
import re
import sys

DOC_PATH = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "docs", "RELIABILITY.md"))


def show(request, text):
    """Prints past pytest's output capture (so that the table shows even under -q)."""
    capture = request.config.pluginmanager.getplugin("capturemanager")
    context = capture.global_and_fixture_disabled() if capture else contextlib.nullcontext()
    with context:
        print(text, file=sys.__stdout__, flush=True)


def whole_module_selected(request):
    """True when no -k or -m filter narrowed the run (a partial run must not rewrite the doc)."""
    return not request.config.option.keyword and not request.config.option.markexpr


def update_doc_section(section, content, doc_path=DOC_PATH):
    """Replaces the `section` block of docs/RELIABILITY.md (creating the file when needed)."""
    begin, end = f"<!-- {section}:begin -->", f"<!-- {section}:end -->"
    block = f"{begin}\n{content.rstrip()}\n{end}\n"
    os.makedirs(os.path.dirname(doc_path), exist_ok=True)
    text = open(doc_path).read() if os.path.exists(doc_path) else (
        "# Reliability\n\nHow `nebius-chat serve` behaves under faults, measured by the tests "
        "that produced each section below.\n\n")
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end) + r"\n?", re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + block
    with open(doc_path, "w") as f:
        f.write(text)
