"""Shared helpers of the reliability tests: printing past pytest's capture, and writing one
marked section of the reliability report.

A run writes its section to .build/reports/<section>.md; docs/RELIABILITY.md is rewritten only
with UPDATE_RELIABILITY_DOC=1, so that an ordinary test run leaves the tracked docs alone."""
import contextlib
import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DOC_PATH = os.path.join(ROOT, "docs", "RELIABILITY.md")
REPORTS = os.path.join(ROOT, ".build", "reports")


def show(request, text):
    """Prints past pytest's output capture (so that the table shows even under -q)."""
    capture = request.config.pluginmanager.getplugin("capturemanager")
    context = capture.global_and_fixture_disabled() if capture else contextlib.nullcontext()
    with context:
        print(text, file=sys.__stdout__, flush=True)


def markdown_table(results, columns):
    """The report rows as a markdown table with `columns` (keys of each row, in order)."""
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for r in results:
        cells = (str(r[c]).replace("|", "\\|").replace("\n", " ") for c in columns)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def whole_module_selected(request):
    """True when no -k or -m filter narrowed the run (a partial run must not rewrite the doc)."""
    return not request.config.option.keyword and not request.config.option.markexpr


def update_doc_section(section, content, doc_path=None):
    """Writes the `section` block to .build/reports/<section>.md, or, with
    UPDATE_RELIABILITY_DOC=1 (or an explicit `doc_path`), replaces it in the doc (creating the
    file when needed). Returns the path written."""
    begin, end = f"<!-- {section}:begin -->", f"<!-- {section}:end -->"
    block = f"{begin}\n{content.rstrip()}\n{end}\n"
    if doc_path is None:
        if os.environ.get("UPDATE_RELIABILITY_DOC") != "1":
            os.makedirs(REPORTS, exist_ok=True)
            path = os.path.join(REPORTS, f"{section}.md")
            with open(path, "w") as f:
                f.write(block)
            return path
        doc_path = DOC_PATH
    os.makedirs(os.path.dirname(doc_path), exist_ok=True)
    text = open(doc_path).read() if os.path.exists(doc_path) else (
        "# Reliability\n\nHow `nebius-chat serve` behaves under faults, measured by the tests "
        "that produced each section below.\n\n")
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end) + r"\n?", re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + block
    with open(doc_path, "w") as f:
        f.write(text)
    return doc_path
