#!/usr/bin/env python3
"""Scaling: work that users meet at size must grow linearly, not
quadratically. Each case runs the same task at n and at 4n and compares the
CPU time of the `kuan` process (user + system, from wait4, so other load on
the machine does not count): linear work grows about 4×, quadratic work 16×;
a case fails when it grows more than 9× (a generous margin either way). No
absolute time is asserted. Cases (positional NAMES select them):
  lsp_diagnostics  publishing n diagnostics of a document of n × 2 KB (5,000 of 10 MB at 4n)
  edition_chain    checking a chain of n editions, each 基于 the one before (4,000 at 4n)
  repl_paste       pasting n definitions into the REPL through a pipe (10,000 at 4n)
  repl_terminal_paste  the same paste into the REPL in a terminal (a pty, libedit)
  repl_block       one entry of n lines inside an open { (10,000 at 4n)"""
import json
import os
import subprocess
import tempfile
import time

from kuan_suite import Suite

SUITE = Suite(__doc__, max_detail=1500)
check = SUITE.check
LIMIT = 9.0


def cpu_of(args, stdin_bytes=None, interact=None, timeout=600):
    """CPU seconds of one kuan process (user + system)."""
    p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = b""
    if interact:
        out = interact(p)
    else:
        def feed():
            if stdin_bytes:
                p.stdin.write(stdin_bytes)
            p.stdin.close()
        import threading
        t = threading.Thread(target=feed)
        t.start()
        out = p.stdout.read()
        t.join()
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_utime + usage.ru_stime, p.returncode, out, err


def compare(name, run, n):
    # The least of two runs each, so a pause of the machine does not count.
    (t1, detail1), (t1b, _) = run(n), run(n)
    (t4, detail4), (t4b, _) = run(4 * n), run(4 * n)
    t1, t4 = min(t1, t1b), min(t4, t4b)
    ratio = t4 / max(t1, 1e-3)
    print(f"{name}: n={n} {t1:.2f} s, 4n={4 * n} {t4:.2f} s, ratio {ratio:.1f}")
    check(f"{name}: ran at n and 4n", detail1 is None and detail4 is None, (detail1, detail4))
    check(f"{name}: 4× the input costs < {LIMIT}× the time (linear ≈ 4, quadratic ≈ 16)", ratio < LIMIT,
          f"n={n}: {t1:.2f} s, 4n: {t4:.2f} s, ratio {ratio:.1f}")


# ------------------------------------------------------------------ LSP
def frame(msg):
    body = json.dumps(msg, ensure_ascii=False).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read_frame(stream):
    length = None
    while True:
        line = stream.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(stream.read(length))


def lsp_document(n):
    pad = "# " + "填" * 660 + "\n"  # about 2 KB of comment per error line
    lines = ['政策 "规模"\n', '版本 "v"\n', "施行 2025-01-01 起\n"]
    for i in range(n):
        lines.append(f"参数 p{i} = 未定义的名称{i}\n")
        lines.append(pad)
    return "".join(lines)


def run_lsp(kuan, tmp):
    def run(n):
        path = os.path.join(tmp, f"doc{n}.kuan")  # never saved: checked alone
        text = lsp_document(n)
        uri = "file://" + path
        got = {}

        def interact(p):
            p.stdin.write(frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}}))
            p.stdin.write(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                                 "params": {"textDocument": {"uri": uri, "languageId": "kuan", "version": 1, "text": text}}}))
            p.stdin.flush()
            while True:
                m = read_frame(p.stdout)
                if m is None:
                    break
                if m.get("method") == "textDocument/publishDiagnostics":
                    got["count"] = len(m["params"]["diagnostics"])
                    break
            p.stdin.write(frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
            p.stdin.write(frame({"jsonrpc": "2.0", "method": "exit"}))
            p.stdin.close()
            return p.stdout.read()

        cpu, code, _, err = cpu_of([kuan, "lsp"], interact=interact)
        ok = code == 0 and got.get("count", 0) >= n
        print(f"  lsp n={n}: {len(text) / 1e6:.1f} MB, {got.get('count')} diagnostics, {cpu:.2f} s")
        return cpu, None if ok else (code, got, err[-300:])
    return run


# ------------------------------------------------------------------ editions
def run_chain(kuan, tmp):
    def run(n):
        root = tempfile.mkdtemp(dir=tmp)
        for i in range(n):
            folder = os.path.join(root, f"e{i:05d}")
            os.mkdir(folder)
            day = f"{2000 + i // 300:04d}-{1 + (i // 25) % 12:02d}-{1 + i % 25:02d}"
            if i == 0:
                text = ('政策 "链"\n版本 "e00000"\n施行 ' + day + ' 起\n舍入 四舍五入 至 0.01元\n'
                        "参数 比例甲 = 10%\n事实 金额甲: 金额\n措施 补贴 { 比例 = 比例甲  基数 = 金额甲 }\n")
            else:
                text = (f'版本 "e{i:05d}"\n基于 "e{i - 1:05d}"\n施行 {day} 起\n'
                        f"修订 参数 比例甲 = {10 + i % 50}%\n")
            with open(os.path.join(folder, "r.kuan"), "w", encoding="utf-8") as f:
                f.write(text)
        cpu, code, out, err = cpu_of([kuan, "check", root])
        ok = code == 0
        print(f"  chain n={n}: exit {code}, {cpu:.2f} s")
        return cpu, None if ok else (code, err.decode("utf-8", "replace")[-600:])
    return run


# ------------------------------------------------------------------ REPL
def run_repl(kuan, tmp):
    def run(n):
        text = "".join(f"参数 p{i} = {i}元\n" for i in range(n)) + "p0 + p1\n"
        cpu, code, out, err = cpu_of([kuan, "repl"], stdin_bytes=text.encode())
        out = out.decode("utf-8", "replace")
        ok = code == 0 and out.count("已加入") == n and out.rstrip().endswith("1元")
        print(f"  repl n={n}: exit {code}, {cpu:.2f} s")
        return cpu, None if ok else (code, out[-300:], err.decode("utf-8", "replace")[-300:])
    return run


def run_repl_block(kuan, tmp):
    """One entry of n lines inside an open { (a long 措施 pasted or piped)."""
    def run(n):
        text = ("事实 金额甲: 金额\n措施 大 {\n" + "".join(f'  要求 金额甲 > {i}元 否则 "不足{i}"\n' for i in range(n)) +
                "  金额 = 金额甲\n}\n金额甲 = 5元\n大\n")
        cpu, code, out, err = cpu_of([kuan, "repl"], stdin_bytes=text.encode())
        out = out.decode("utf-8", "replace")
        ok = code == 0 and "已加入 措施 大" in out and "不足5" in out
        print(f"  repl block n={n}: exit {code}, {cpu:.2f} s")
        return cpu, None if ok else (code, out[-300:], err.decode("utf-8", "replace")[-300:])
    return run


def run_repl_terminal(kuan, tmp):
    """Pasting n definitions into the REPL in a terminal (a pty: libedit reads them)."""
    import pty
    import select

    def run(n):
        text = "".join(f"参数 p{i} = {i}元\r" for i in range(n)) + "p0 + p1\r"
        pid, fd = pty.fork()
        if pid == 0:
            env = dict(os.environ, TERM="dumb", KUAN_HISTORY=os.path.join(tmp, "history"))
            os.execve(kuan, [kuan, "repl"], env)
        data = text.encode()

        def feed():
            view = memoryview(data)
            while view:
                try:
                    view = view[os.write(fd, view[:4096]):]
                except BlockingIOError:
                    time.sleep(0.01)
        import threading
        t = threading.Thread(target=feed, daemon=True)
        t.start()
        out = bytearray()
        deadline = time.time() + 600
        quit_sent = False
        while time.time() < deadline:
            r, _, _ = select.select([fd], [], [], 0.2)
            if r:
                try:
                    chunk = os.read(fd, 1 << 16)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
            if not quit_sent and not t.is_alive() and b"\n1\xe5\x85\x83" in out:  # 1元, the answer to p0 + p1
                os.write(fd, b":quit\r")
                quit_sent = True
        _, status, usage = os.wait4(pid, 0)
        os.close(fd)
        code = os.waitstatus_to_exitcode(status)
        said = out.decode("utf-8", "replace")
        added = said.count("已加入")
        ok = code == 0 and added == n and quit_sent
        print(f"  repl terminal n={n}: exit {code}, {added} added, {usage.ru_utime + usage.ru_stime:.2f} s")
        return usage.ru_utime + usage.ru_stime, None if ok else (code, added, said[-300:])
    return run


def main():
    args = SUITE.parse()
    cases = {"lsp_diagnostics": (run_lsp, 1250), "edition_chain": (run_chain, 1000), "repl_paste": (run_repl, 2500),
             "repl_terminal_paste": (run_repl_terminal, 2500), "repl_block": (run_repl_block, 2500)}
    for name, (make, n) in cases.items():
        if args.names and name not in args.names:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            compare(name, make(args.kuan, tmp), n)
    return SUITE.finish()


if __name__ == "__main__":
    raise SystemExit(main())
