#!/usr/bin/env python3
"""Tests of `kuan repl`, driven from outside the process.

1. Transcripts, tests/repl/*.txt, each run through one pipe (stdin not a
   terminal: no prompt, no banner). In a transcript:
     > LINE          a line typed (continuation lines of a multi-line entry too)
     #! args: …      arguments after `kuan repl` (run from the project root)
     #! status: N    expected exit status (default 0)
     #! stderr: TEXT the standard error must contain TEXT (default: be empty)
     ## …            a comment
     [...]           any number of output lines (for long, evolving output);
     TEXT[...]       a line that starts with TEXT
   every other line is expected standard output, in order.
2. :reload: a copy of tests/repl/policy is edited while the REPL runs.
3. A real terminal (pty): tab completion of a Chinese name, up-arrow history
   recall, history kept across runs in $KUAN_HISTORY, Ctrl-C; a second Tab
   lists names in columns aligned by display width. :explain names files
   relative to the policy folder, run from elsewhere with an absolute path.
4. Robustness: a few thousand random lines must never crash it.

Prints one line per failure and, last, "N passed, M failed"; exit 1 on failure.
"""
import os
import pathlib
import queue
import random
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

from kuan_suite import Suite

ROOT = None
KUAN = None
HISTORY = None  # a temporary history file: never the user's


def env(**extra):
    e = dict(os.environ)
    e["KUAN_HISTORY"] = HISTORY
    e.update(extra)
    return e


# ---------------------------------------------------------------- transcripts

def parse_transcript(path):
    inputs, expected, args, status, stderr = [], [], [], 0, None
    for raw in path.read_text(encoding="utf-8").split("\n"):
        if raw.startswith("> ") or raw == ">":
            inputs.append(raw[2:])
        elif raw.startswith("#! args:"):
            args = raw[len("#! args:"):].split()
        elif raw.startswith("#! status:"):
            status = int(raw[len("#! status:"):])
        elif raw.startswith("#! stderr:"):
            stderr = raw[len("#! stderr:"):].strip()
        elif raw.startswith("##"):
            continue
        else:
            expected.append(raw)
    while expected and expected[-1] == "":
        expected.pop()
    return inputs, expected, args, status, stderr


def lines_match(expected, actual):
    """Expected lines against actual ones; "[...]" matches any run of lines."""
    def match(i, j):
        while i < len(expected):
            if expected[i] == "[...]":
                return any(match(i + 1, k) for k in range(j, len(actual) + 1))
            if j >= len(actual):
                return False
            e = expected[i]
            if e.endswith("[...]") and not actual[j].startswith(e[:-5]):
                return False
            if not e.endswith("[...]") and e != actual[j]:
                return False
            i, j = i + 1, j + 1
        return j == len(actual)
    return match(0, 0)


def run_transcript(path):
    inputs, expected, args, status, stderr = parse_transcript(path)
    p = subprocess.run([KUAN, "repl", *args], input="\n".join(inputs) + "\n", capture_output=True,
                       text=True, encoding="utf-8", errors="replace", cwd=ROOT, env=env(), timeout=60)
    actual = p.stdout.split("\n")
    while actual and actual[-1] == "":
        actual.pop()
    problems = []
    if not lines_match(expected, actual):
        problems.append("output differs:\n--- expected\n" + "\n".join(expected) + "\n--- actual\n" + "\n".join(actual))
    if p.returncode != status:
        problems.append(f"exit status {p.returncode}, expected {status}")
    if stderr is None and p.stderr:
        problems.append("unexpected stderr:\n" + p.stderr)
    if stderr is not None and stderr not in p.stderr:
        problems.append(f"stderr lacks {stderr!r}:\n" + p.stderr)
    return problems


# ---------------------------------------------------------------- a session over pipes

class Piped:
    """`kuan repl` over pipes, one reply at a time (each line's output is flushed)."""

    def __init__(self, args, cwd):
        self.p = subprocess.Popen([KUAN, "repl", *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, cwd=cwd, env=env(), text=True, encoding="utf-8")
        self.lines = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.p.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def send(self, line, until, timeout=20):
        """Types a line; returns the output lines up to and including one containing `until`."""
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()
        got, deadline = [], time.time() + timeout
        while time.time() < deadline:
            try:
                out = self.lines.get(timeout=0.1)
            except queue.Empty:
                continue
            if out is None:
                break
            got.append(out)
            if until in out:
                return got
        raise AssertionError(f"no line containing {until!r} after {line!r}; got {got!r}")

    def close(self):
        self.p.stdin.close()
        return self.p.wait(timeout=20)


def test_reload():
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="kuan-repl-"))
    try:
        shutil.copytree(pathlib.Path(ROOT) / "tests/repl/policy", tmp / "policy")
        rule = tmp / "policy" / "试验.kuan"
        s = Piped([str(tmp / "policy")], cwd=ROOT)
        s.send("投资额 = 100万元", "投资额 = 1000000元")
        assert "  金额:100000.00 元" in s.send("设备补贴", "金额:")
        s.send("参数 加倍 = 2", "已加入 参数 加倍")
        # The rule file changes on disk while the REPL runs.
        rule.write_text(rule.read_text(encoding="utf-8").replace("参数 补贴比例 = 10%", "参数 补贴比例 = 20%"),
                        encoding="utf-8")
        s.send(":reload", "已重读")
        assert "  金额:200000.00 元" in s.send("设备补贴", "金额:")
        assert s.send("补贴比例 × 加倍", "%") == ["40%"], "inline definitions survive :reload"
        # A broken edit is reported with its caret, and the previous rules stay.
        rule.write_text(rule.read_text(encoding="utf-8").replace("参数 补贴比例 = 20%", "参数 补贴比例 = 20元"),
                        encoding="utf-8")
        out = s.send(":reload", "重读失败")
        assert any("试验.kuan:" in l and "error:" in l for l in out), out
        assert any(l.strip().startswith("^") for l in out), out
        assert "  金额:200000.00 元" in s.send("设备补贴", "金额:")
        # Fixed again: a fact whose declaration disappeared is dropped with a note.
        rule.write_text(rule.read_text(encoding="utf-8").replace("参数 补贴比例 = 20元", "参数 补贴比例 = 30%"),
                        encoding="utf-8")
        s.send(":reload", "已重读")
        assert "  金额:300000.00 元" in s.send("设备补贴", "金额:")
        status = s.close()
        assert status == 1, f"exit status {status}, expected 1 (one :reload failed)"
        return []
    except AssertionError as e:
        return [str(e)]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------- a real terminal

class Terminal:
    def __init__(self, args):
        import pty
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.chdir(ROOT)
            e = env(TERM="xterm")
            os.execve(KUAN, [KUAN, "repl", *args], e)
        self.out = b""

    def read(self, until=None, timeout=10, start=0):
        """Reads until `until` appears in the output after `start` (or for `timeout` seconds)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if until is not None and until.encode() in self.out[start:]:
                return True
            r, _, _ = select.select([self.fd], [], [], 0.05)
            if r:
                try:
                    data = os.read(self.fd, 4096)
                except OSError:
                    break
                if not data:
                    break
                self.out += data
        return until is None or until.encode() in self.out[start:]

    def type(self, keys, until=None):
        # At a person's pace: keys sent while libedit is still switching the
        # terminal mode after printing its prompt could be flushed.
        self.read(timeout=0.15)
        start = len(self.out)
        os.write(self.fd, keys.encode() if isinstance(keys, str) else keys)
        ok = self.read(until, timeout=10 if until else 0.5, start=start)
        return ok, self.out[start:].decode("utf-8", "replace")

    def wait(self, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            self.read(timeout=0.1)
            pid, st = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(st)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        return None


def test_terminal():
    problems = []
    if os.path.exists(HISTORY):
        os.remove(HISTORY)
    t = Terminal(["policies/hangzhou-ai", "--version", "2025年版"])
    if not t.read("kuan> "):
        return ["no banner/prompt in a terminal: " + t.out.decode("utf-8", "replace")]
    if "Kuan REPL" not in t.out.decode("utf-8", "replace"):
        problems.append("no banner in a terminal")
    # Tab completes a Chinese fact name from its first characters.
    t.type("合同")
    ok, echo = t.type("\t", "金额")
    if not ok:
        problems.append("合同 + Tab was not completed to 合同金额: " + repr(echo))
    ok, out = t.type("= 120万元\r", "合同金额 = 1200000元\r\nkuan> ")
    if not ok:
        problems.append("the completed line did not set 合同金额: " + repr(out))
    # Commands complete too.
    _, echo = t.type(":fa\t", "cts")
    ok, out = t.type("\r", "合同金额 = 1200000元\r\nkuan> ")  # what :facts prints
    if not ok or "未知命令" in out:
        problems.append(":fa + Tab did not complete to :facts: " + repr(echo + out))
    ok, out = t.type("800万元 × 30%\r", "2400000元\r\nkuan> ")
    if not ok:
        problems.append("800万元 × 30% did not print 2400000元: " + repr(out))
    # Up-arrow recalls the previous line; Enter runs it again.
    ok, out = t.type("\x1b[A\r", "2400000元\r\nkuan> ")
    if not ok or "800万元 × 30%" not in out:
        problems.append("up-arrow did not recall 800万元 × 30%: " + repr(out))
    # Ctrl-C abandons a half-typed multi-line entry; the REPL carries on.
    ok, out = t.type("措施 半截 {\r", "...   ")
    if not ok:
        problems.append("no ... prompt inside an open {: " + repr(out))
    ok, out = t.type("\x03", "kuan> ")
    if not ok:
        problems.append("Ctrl-C did not bring back the prompt: " + repr(out))
    ok, out = t.type("1 + 2\r", "\n3\r\nkuan> ")
    if not ok:
        problems.append("after Ctrl-C the REPL did not carry on: " + repr(out))
    t.type("\x04")  # Ctrl-D at an empty prompt ends it
    status = t.wait()
    if status != 0:
        problems.append(f"exit status {status} after Ctrl-D")
    # The history was kept: the next run recalls it with up-arrow.
    if not os.path.exists(HISTORY):
        problems.append("no history file written to $KUAN_HISTORY")
    t = Terminal(["policies/hangzhou-ai", "--version", "2025年版"])
    t.read("kuan> ")
    ok, out = t.type("\x1b[A\r", "\n3\r\nkuan> ")  # the last line of the previous run: 1 + 2
    if not ok or "1 + 2" not in out:
        problems.append("history was not recalled in a new run: " + repr(out))
    t.type(":quit\r")
    if t.wait() != 0:
        problems.append("exit status after :quit is not 0")
    return problems


def test_history_not_a_file():
    """$KUAN_HISTORY naming a FIFO (or a device): libedit would wait on it for ever
    before the first prompt; the REPL says so and runs without history."""
    global HISTORY
    problems = []
    saved = HISTORY
    HISTORY = os.path.join(os.path.dirname(saved), "history-fifo")
    os.mkfifo(HISTORY)
    try:
        t = Terminal([])
        if not t.read("kuan> "):
            t.wait(timeout=0)
            return ["no prompt with a FIFO as the history file: " + t.out.decode("utf-8", "replace")]
        if "历史文件" not in t.out.decode("utf-8", "replace"):
            problems.append("no word that the history file is not used: " + t.out.decode("utf-8", "replace"))
        ok, out = t.type("1 + 2\r", "\n3\r\nkuan> ")
        if not ok:
            problems.append("1 + 2 was not answered: " + repr(out))
        t.type(":quit\r")
        if t.wait() != 0:
            problems.append("exit status after :quit is not 0")
    finally:
        os.remove(HISTORY)
        HISTORY = saved
    return problems


def display_width(text):
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in text)


def test_completion_columns():
    """A second Tab lists the names in columns aligned by display width (CJK = 2)."""
    t = Terminal(["policies/hangzhou-ai", "--version", "2025年版"])
    if not t.read("kuan> "):
        return ["no prompt in a terminal"]
    t.type("算力")
    t.type("\t")
    ok, out = t.type("\t", "算力设施档位")
    t.type("\x15:quit\r")
    t.wait()
    if not ok:
        return ["a second Tab after 算力 listed nothing: " + repr(out)]
    rows = [r for r in out.replace("\x07", "").split("\r\n") if r.startswith("算力")]
    if len(rows) < 2:
        return ["the listing has fewer than two rows: " + repr(out)]
    problems = []
    words = [w for r in rows for w in r.split()]
    for w in ["算力券", "算力服务", "算力设施档位", "算力券免审配套"]:
        if w not in words:
            problems.append(f"{w} is not listed: {rows}")
    # Every row's second column starts at the same display column.
    starts = set()
    for r in rows:
        parts = r.split()
        if len(parts) > 1:
            starts.add(display_width(r[:r.index(parts[1], len(parts[0]))]))
    if len(starts) != 1:
        problems.append(f"the second column starts at display columns {sorted(starts)}:\n" + "\n".join(rows))
    return problems


def test_explanation_paths():
    """:explain names rule files relative to the policy folder, wherever the
    REPL runs and however the folder was given (an absolute path here)."""
    policy = os.path.join(ROOT, "policies", "hangzhou-ai")
    lines = ["合同金额 = 1200000", "采购类型 = 算力服务", "算力设施档位 = 一档", ":explain 算力券"]
    with tempfile.TemporaryDirectory() as elsewhere:
        p = subprocess.run([KUAN, "repl", policy + "/", "--version", "2025年版"], input="\n".join(lines) + "\n",
                           capture_output=True, text=True, encoding="utf-8", cwd=elsewhere, env=env(), timeout=60)
    problems = []
    if p.returncode != 0 or "[2025年版/01-算力券和智能券.kuan:57:6]" not in p.stdout:
        problems.append("no path relative to the policy folder: " + p.stdout[-600:] + p.stderr[-300:])
    if ROOT in p.stdout or "policies/hangzhou-ai" in p.stdout:
        problems.append("an explanation names the folder itself: " + p.stdout[-600:])
    return problems


# ---------------------------------------------------------------- robustness

def test_random_lines():
    rnd = random.Random(20250613)
    tokens = ["合同金额", "采购类型", "算力服务", "二档", "算力券", "800万元", "30%", "1.5个百分点", "0元", "×", "÷",
              "+", "-", "*", "/", "=", "==", "≤", "(", ")", "{", "}", ",", "若", "则", "否则", "按", "=>", "且", "或",
              "非", "有", "min", "max", "舍入", "abs", "是", "否", "2025-06-13", "2025-13-45", "参数", "事实", "定义",
              "措施", "条款", "例", "上限", "修订", "删除", "\"", "「", "」", "#", ":explain", ":clear", ":run",
              ":version", ":as-of", ":load", ":reload", ":facts", "99999999999999999999999999999999亿元",
              "0.0000000000000000000001元", "\xff", "\t", "x", "_", "1e9", "-5元", "．", ":", "：", ":cancel"]
    lines = []
    for _ in range(3000):
        lines.append(" ".join(rnd.choice(tokens) for _ in range(rnd.randint(0, 9))))
    lines += ["(" * 5000 + "1" + ")" * 5000, "1" + " + 1" * 20000, "{" * 300, "}" * 300, ":cancel",
              "9" * 5000 + "元 × " + "9" * 5000, "1元 ÷ 0", "1元 ÷ 0.0000000001", "参数 甲 = 乙", "参数 乙 = 甲"]
    p = subprocess.run([KUAN, "repl", "policies/hangzhou-ai", "--version", "2025年版"],
                       input="\n".join(lines).encode("utf-8", "surrogateescape") + b"\n:quit\n", capture_output=True,
                       cwd=ROOT, env=env(), timeout=300)
    if p.returncode not in (0, 1):
        return [f"random lines: exit status {p.returncode}\n" + p.stderr.decode("utf-8", "replace")[-2000:]]
    if b"\xe5\x86\x85\xe9\x83\xa8\xe9\x94\x99\xe8\xaf\xaf" in p.stdout:  # 内部错误
        return ["random lines: an internal error was reported"]
    return []


# ---------------------------------------------------------------- main

def main():
    global ROOT, KUAN, HISTORY
    suite = Suite(__doc__)
    a = suite.parse()
    ROOT, KUAN = a.root, a.kuan
    tmp = tempfile.mkdtemp(prefix="kuan-repl-history-")
    HISTORY = os.path.join(tmp, "history")
    checks = []
    for path in sorted((pathlib.Path(ROOT) / "tests" / "repl").glob("*.txt")):
        checks.append((path.stem, lambda p=path: run_transcript(p)))
    checks += [("reload", test_reload), ("terminal", test_terminal), ("completion-columns", test_completion_columns),
               ("history-not-a-file", test_history_not_a_file),
               ("explanation-paths", test_explanation_paths), ("random-lines", test_random_lines)]
    try:
        for name, check in checks:
            if not suite.selected(name):
                continue
            try:
                problems = check()
            except Exception as e:  # a crash of the check is a failure, not an abort
                problems = [f"{type(e).__name__}: {e}"]
            suite.check(name, not problems, "\n".join(problems))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return suite.finish()


if __name__ == "__main__":
    sys.exit(main())
