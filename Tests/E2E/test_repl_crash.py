"""The interactive chat killed with SIGKILL: the saved session must survive.

Sessions are written after each finished turn (Sources/Terminal/Sessions: encode, write
`.<id>.json.tmp-<pid>`, fsync, rename over `<id>.json`, fsync the directory). A kill -9 can come at
any moment; whatever it interrupts, the file must parse and hold every turn finished before it.

    test_kill_during_a_streaming_answer   in tmux, as a user would: two finished turns, a third
                                          answer streaming, kill -9, then `--continue`
    test_kill_during_session_writes       a large session (several MB) and many kills aimed at
                                          the save of an instantly answered prompt
    test_a_later_save_removes_...         the temporary file a killed save leaves is removed by
                                          the next save

The second test is bounded by CRASH_ITERATIONS (default 60) and CRASH_SECONDS (default 150) and
prints what the kills hit (run pytest with -s to see it; it is also emitted as a warning).
"""
import json
import os
import random
import signal
import subprocess
import time
import warnings

from conftest import user_texts, wait_until
from repl_support import ask, start_chat


def pane_program_pid(term):
    """The pid of nebius-chat in the pane (the child of the wrapper shell tmux started)."""
    shell = int(term._tmux("display-message", "-p", "-t", term.target, "#{pane_pid}").stdout.strip())

    def child():
        try:
            with open(f"/proc/{shell}/task/{shell}/children") as f:
                pids = f.read().split()
        except FileNotFoundError:
            return None
        return int(pids[0]) if pids else None
    return wait_until(child, timeout=10, message="the nebius-chat process in the pane")


def session_files(directory):
    return sorted(os.listdir(directory)) if os.path.isdir(directory) else []


def texts(message):
    content = message["content"]
    if isinstance(content, str):
        return content
    return "".join(block.get("text", "") for block in content if block.get("type") == "text")


def test_kill_during_a_streaming_answer(upstream, terminal, isolated_env):
    upstream.enqueue({"type": "text", "text": "First answer.", "chunks": 3},
                     {"type": "text", "text": "Second answer.", "chunks": 3},
                     # Longer than the start a GLM answer is held back for (a bare `</think>` may
                     # still end it), so words are on screen while the stream still runs.
                     {"type": "text", "text": " ".join(f"slow{n}" for n in range(240)), "delay": 0.05})
    term = start_chat(terminal, "--session", "crash")
    ask(term, "first question")
    term.wait_for("First answer.")
    term.wait_for_prompt()
    ask(term, "second question")
    term.wait_for("Second answer.")
    term.wait_for_prompt()
    ask(term, "third question, never finished")
    term.wait_for("slow3 ")
    pid = pane_program_pid(term)
    os.kill(pid, signal.SIGKILL)
    assert term.wait_exit() == 128 + signal.SIGKILL

    # The file parses and holds both finished turns, and nothing of the third.
    path = os.path.join(isolated_env.sessions_dir, "crash.json")
    with open(path) as f:
        session = json.load(f)
    assert [m["role"] for m in session["messages"]] == ["user", "assistant"] * 2
    assert [texts(m) for m in session["messages"]] == [
        "first question", "First answer.", "second question", "Second answer."]
    # The kill came while streaming, not while writing: no temporary file is left.
    assert session_files(isolated_env.sessions_dir) == ["crash.json"]

    # `--continue` picks it up and the next request carries the finished turns.
    upstream.enqueue({"type": "text", "text": "Fourth answer."})
    term = start_chat(terminal, "--continue")
    term.wait_for("Continuing 'crash': 2 exchanges")
    ask(term, "fourth question")
    term.wait_for("Fourth answer.")
    term.wait_for_prompt()
    request = upstream.wait_for_chat_requests(4)[-1]
    assert user_texts(request) == ["first question", "second question", "fourth question"]
    assistant = [m["content"] for m in request["body"]["messages"] if m["role"] == "assistant"]
    assert assistant == ["First answer.", "Second answer."]
    with open(path) as f:
        session = json.load(f)
    assert [texts(m) for m in session["messages"]][-2:] == ["fourth question", "Fourth answer."]
    ask(term, "/exit")
    assert term.wait_exit() == 0


# ---------------------------------------------------------------------------------------------
# Kills aimed at the session write


SESSION = "big"
# The session is far larger than any real window (a slow write is the point): it runs on a model
# whose window holds it, so the chat does not compact it.
HUGE = "scripted/huge-window"
RUN_HUGE = ["--session", SESSION, "--model", HUGE]
FILLER_TURNS = 60           # x 2 messages of ~100 KB: a session file of about 12 MB


def make_big_session(isolated_env):
    """One real turn (so the file has the shape the program writes), then inflated with filler
    turns in front of it. Returns the list of (user, assistant) texts in the file."""
    result = isolated_env.run(RUN_HUGE,
                              input='seed question [[script:text text="seed answer"]]\n')
    assert result.returncode == 0, result.stderr
    path = os.path.join(isolated_env.sessions_dir, SESSION + ".json")
    with open(path) as f:
        session = json.load(f)
    filler = []
    for n in range(FILLER_TURNS):
        filler.append({"role": "user", "content": [{"type": "text", "text": f"filler question {n} " + "lorem ipsum dolor sit " * 4500}]})
        filler.append({"role": "assistant", "content": [{"type": "text", "text": f"filler answer {n} " + "amet consectetur adipiscing " * 3600}]})
    session["messages"] = filler + session["messages"]
    with open(path, "w") as f:
        json.dump(session, f, indent=2)
    return [(texts(a), texts(b)) for a, b in zip(session["messages"][::2], session["messages"][1::2])]


def read_turns(path):
    """The (user, assistant) texts of the session file; fails the test if it does not parse."""
    with open(path) as f:
        raw = f.read()
    try:
        session = json.loads(raw)
    except json.JSONDecodeError as error:
        raise AssertionError(f"{path} is not valid JSON after a kill ({len(raw)} bytes): {error}")
    messages = session["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant"] * (len(messages) // 2), "roles out of order"
    return [(texts(a), texts(b)) for a, b in zip(messages[::2], messages[1::2])], os.stat(path).st_ino


def test_kill_during_session_writes(upstream, isolated_env):
    catalogue = upstream.catalogue()
    upstream.set_catalogue(catalogue + [{"id": HUGE, "object": "model", "context_length": 1_000_000_000}])
    try:
        kill_during_session_writes(upstream, isolated_env)
    finally:
        upstream.set_catalogue(catalogue)


def kill_during_session_writes(upstream, isolated_env):
    iterations = int(os.environ.get("CRASH_ITERATIONS", "60"))
    budget = float(os.environ.get("CRASH_SECONDS", "150"))
    rng = random.Random(int(os.environ.get("CRASH_SEED", "5")))
    directory = isolated_env.sessions_dir
    path = os.path.join(directory, SESSION + ".json")
    known = make_big_session(isolated_env)
    size = os.path.getsize(path)

    def start():
        return subprocess.Popen([isolated_env.binary, *RUN_HUGE], stdin=subprocess.PIPE,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env=isolated_env.env, cwd=isolated_env.home)

    # One clean turn first: how long a turn takes, and how long the temporary file lives.
    proc = start()
    started = time.monotonic()
    temporary = os.path.join(directory, f".{SESSION}.json.tmp-{proc.pid}")
    proc.stdin.write(b'clean question [[script:text text="clean answer"]]\n')
    proc.stdin.flush()
    old_inode = os.stat(path).st_ino
    seen_at = gone_at = None
    while gone_at is None and time.monotonic() - started < 60:
        exists = os.path.exists(temporary)
        if exists and seen_at is None:
            seen_at = time.monotonic()
        if seen_at is not None and not exists:
            gone_at = time.monotonic()
    assert gone_at is not None, "the clean turn never wrote the session"
    wait_until(lambda: os.stat(path).st_ino != old_inode, message="the renamed session file")
    proc.stdin.write(b"/exit\n")
    proc.stdin.close()
    assert proc.wait(timeout=30) == 0
    turn_seconds = gone_at - started
    write_window = gone_at - seen_at
    known.append(("clean question [[script:text text=\"clean answer\"]]", "clean answer"))
    turns, _ = read_turns(path)
    assert turns == known
    assert [f for f in session_files(directory) if f != SESSION + ".json"] == [], "a clean exit left files behind"

    stats = {"kills": 0, "kill_with_temp_present": 0, "turn_saved_before_kill": 0,
             "turn_in_file": 0, "turn_not_in_file": 0}
    killed = set()
    deadline = time.monotonic() + budget
    for n in range(iterations):
        if time.monotonic() > deadline:
            break
        upstream.reset()  # the requests carry the whole session: keep the records small
        before_inode = os.stat(path).st_ino
        prompt = f'crash turn {n} [[script:text text="crash answer {n}"]]'
        proc = start()
        temporary = os.path.join(directory, f".{SESSION}.json.tmp-{proc.pid}")
        sent = time.monotonic()
        proc.stdin.write(prompt.encode() + b"\n")
        proc.stdin.flush()
        mode = n % 3
        if mode == 0:
            # As soon as the temporary file exists: mid-write.
            target = None
        elif mode == 1:
            # A random moment of the write: write, fsync, rename, directory fsync.
            target = rng.uniform(0, write_window * 1.5)
        else:
            # Blind: anywhere in the turn, from start-up to the prompt after the save.
            target = rng.uniform(turn_seconds * 0.5, turn_seconds * 1.3)
        seen = None
        while True:
            now = time.monotonic()
            if now - sent > 60:
                break
            if mode == 2:
                if now - sent >= target:
                    break
                continue
            if seen is None and os.path.exists(temporary):
                seen = now
                if mode == 0:
                    break
            if seen is not None and now - seen >= target:
                break
            if seen is None and os.stat(path).st_ino != before_inode:
                break  # the whole write happened between two polls
        saved_before = os.stat(path).st_ino != before_inode
        temp_present = os.path.exists(temporary)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stdin.close()
        killed.add(proc.pid)
        stats["kills"] += 1
        stats["kill_with_temp_present"] += temp_present
        stats["turn_saved_before_kill"] += saved_before

        turns, _ = read_turns(path)
        finished = known + [(prompt, f"crash answer {n}")]
        if saved_before:
            assert turns == finished, f"iteration {n}: a turn saved before the kill is missing"
        else:
            assert turns in (known, finished), f"iteration {n}: the file holds neither the old nor the new conversation"
        stats["turn_in_file" if turns == finished else "turn_not_in_file"] += 1
        known = turns
        corrupt = [f for f in session_files(directory) if ".corrupt-" in f]
        assert corrupt == [], f"the program found the file damaged: {corrupt}"

    # What is left besides the session: only temporary files of killed processes, one each.
    leftovers = [f for f in session_files(directory) if f != SESSION + ".json"]
    prefix = f".{SESSION}.json.tmp-"
    assert all(f.startswith(prefix) for f in leftovers), leftovers
    pids = [int(f[len(prefix):]) for f in leftovers]
    assert set(pids) <= killed, "a temporary file of a process that was not killed"
    partial = 0
    leftover_bytes = 0
    for name in leftovers:
        with open(os.path.join(directory, name), "rb") as f:
            data = f.read()
        leftover_bytes += len(data)
        try:
            json.loads(data)
        except ValueError:
            partial += 1

    # A clean run afterwards loads the file, sends every turn upstream, saves, and exits.
    upstream.reset()
    result = isolated_env.run(RUN_HUGE, input='after the crashes [[script:text text="still here"]]\n')
    assert result.returncode == 0, result.stderr
    request = upstream.wait_for_chat_requests(1)[-1]
    assert user_texts(request) == [u for u, _ in known] + ['after the crashes [[script:text text="still here"]]']
    turns, _ = read_turns(path)
    assert turns == known + [('after the crashes [[script:text text="still here"]]', "still here")]
    # Its save removes what the killed processes left (their pids no longer run).
    remaining = [f for f in session_files(directory) if f != SESSION + ".json"]
    assert remaining == [], f"temporary files of killed processes survived a clean save: {remaining}"

    summary = (f"session file {size / 1e6:.1f} MB; clean turn {turn_seconds * 1000:.0f} ms, temporary file alive "
               f"{write_window * 1000:.0f} ms; {stats['kills']} kills: {stats['kill_with_temp_present']} with the "
               f"temporary file present, {stats['turn_saved_before_kill']} after the rename; the turn was in the file "
               f"after {stats['turn_in_file']}, not after {stats['turn_not_in_file']}; file always valid. Left behind: "
               f"{len(leftovers)} temporary files ({partial} partial JSON), {leftover_bytes / 1e6:.1f} MB, "
               f"all removed by the next clean save")
    print("\n" + summary)
    warnings.warn(summary)


def test_a_later_save_removes_the_temporary_file_a_killed_process_left(upstream, isolated_env):
    result = isolated_env.run(["--session", "stale"], input='one [[script:text text="first"]]\n')
    assert result.returncode == 0, result.stderr
    dead = subprocess.Popen(["true"])  # a pid that no longer runs
    dead.wait()
    # What a process killed between creating and renaming its temporary file leaves behind.
    leftover = os.path.join(isolated_env.sessions_dir, f".stale.json.tmp-{dead.pid}")
    with open(leftover, "w") as f:
        f.write('{"messages": [')
    result = isolated_env.run(["--session", "stale"], input='two [[script:text text="second"]]\n')
    assert result.returncode == 0, result.stderr
    assert session_files(isolated_env.sessions_dir) == ["stale.json"]
