#!/usr/bin/env python3
"""`kuan serve` end to end, on loopback with an ephemeral port, bounded in time.

One scenario, each step reported on its own:
  - every endpoint against the `kuan` command's own output (the same bytes):
    /v1/evaluate per line and as NDJSON vs `kuan eval --batch`, /v1/match vs
    `kuan eval` without --measure, /v1/measures vs `kuan measures --format json`,
    /v1/editions, /health, /metrics, the fingerprint header;
  - bad input: a bad line (400 with the batch error object), wrong method,
    unknown path, malformed HTTP, NUL bytes, bad UTF-8;
  - limits: body size (413), header size (431), read timeout (cut), the
    connection cap (503) — and the server still answers after each;
  - --watch: a good edit is in force within seconds (new fingerprint, new
    amount), a broken edit keeps the last good policy and /health reports the
    diagnostics, fixing it recovers;
  - SIGTERM with a request in flight: it is answered, then the process exits 0.
"""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from kuan_suite import Suite

DEADLINE = 120  # seconds for the whole scenario


def start(kuan, policy, *extra):
    proc = subprocess.Popen([kuan, "serve", str(policy), "--addr", "127.0.0.1:0", "--threads", "2", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    m = re.match(r"kuan serve: http://127\.0\.0\.1:(\d+)/", line)
    if not m:
        proc.kill()
        raise RuntimeError(f"no address line: {line!r} {proc.stderr.read()}")
    return proc, int(m.group(1))


def request(port, method, path, body=None, headers=None, timeout=10):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    data = body.encode("utf-8") if isinstance(body, str) else body
    c.request(method, path, body=data, headers=headers or {})
    r = c.getresponse()
    out = r.status, dict(r.getheaders()), r.read().decode("utf-8")
    c.close()
    return out


def raw(port, data, timeout=5, shut=False):
    """Sends bytes on a fresh connection; returns what came back until close or timeout."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.sendall(data)
    if shut:
        s.shutdown(socket.SHUT_WR)
    chunks = []
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            chunks.append(b)
    except socket.timeout:
        pass
    s.close()
    return b"".join(chunks)


def answered_connection(port):
    """A keep-alive connection on which one request has been answered (its head read)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
    reply = b""
    while b"\r\n\r\n" not in reply:
        chunk = s.recv(65536)
        if not chunk:
            break
        reply += chunk
    return s


def status_of(reply):
    m = re.match(rb"HTTP/1\.1 (\d{3})", reply)
    return int(m.group(1)) if m else None


def cli(kuan, *args, stdin=None):
    p = subprocess.run([kuan, *args], input=stdin, capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def wait_for(predicate, seconds):
    end = time.time() + seconds
    while time.time() < end:
        v = predicate()
        if v:
            return v
        time.sleep(0.1)
    return predicate()


def main():
    suite = Suite(__doc__)
    args = suite.parse()
    kuan, root = args.kuan, Path(args.root)
    timer = threading.Timer(DEADLINE, lambda: os._exit(3))  # a hung server must not hang CTest
    timer.daemon = True
    timer.start()
    tmp = Path(tempfile.mkdtemp(prefix="kuan-serve-"))
    policy = tmp / "hangzhou-ai"
    shutil.copytree(root / "policies/hangzhou-ai", policy)
    proc, port = start(kuan, policy, "--watch", "--max-body", "65536", "--max-connections", "6",
                       "--read-timeout", "1500")
    step = suite.step
    try:
        # ---------------------------------------------------------------- health
        code, headers, body = request(port, "GET", "/health")
        health = json.loads(body)
        step("health: 200, ok, a 40-hex fingerprint, the editions, no errors",
             code == 200 and health["status"] == "ok" and re.fullmatch(r"[0-9a-f]{40}", health["fingerprint"])
             and health["editions"] == ["2025年版", "2026年版"] and health["errors"] == [] and health["loaded_at"],
             body)
        fingerprint = health["fingerprint"]

        # ------------------------------------------------- evaluate vs the CLI
        lines = [l for l in (root / "examples/applications.jsonl").read_text(encoding="utf-8").splitlines() if l.strip()]
        lines += [
            '{"id": "w", "facts": {"合同金额": "120万元", "采购类型": "算力服务", "算力设施档位": "一档"}}',
            '{"id": "v", "version": "2026年版", "explain": true, "measure": "算力券", "facts": {"合同金额": "80万元", "采购类型": "算力服务", "算力设施档位": "一档", "中小企业": true}}',
            '{"id": "bad1", "measure": "算力卷", "facts": {}}',
            '{"id": "bad2", "measure": "算力券", "facts": {"合同金额": -1}}',
            '{"id": "bad3", "measure": "算力券", "facts": {"合同金额": "1e400万元"}}',
            '{"id": 7, "measure": "算力券", "facts": {"合同金额": "9999999999999999999999999.99", "采购类型": "算力服务", "算力设施档位": "一档"}}',
            '{"measure": "算力券", "facts": ',
            '[1, 2, 3]',
        ]
        code, expected, err = cli(kuan, "eval", str(policy), "--batch", "-", "--no-progress", stdin="\n".join(lines) + "\n")
        expected_lines = expected.splitlines(keepends=True)
        step("cli batch ran", len(expected_lines) == len(lines), err)
        for i, line in enumerate(lines):
            code, headers, body = request(port, "POST", "/v1/evaluate", line, {"Content-Type": "application/json"})
            # the line's own number is 1 (it is the whole body), in "line" and in the message
            want = (expected_lines[i].replace(f'"line":{i + 1},', '"line":1,').replace(f"第 {i + 1} 行", "第 1 行")
                    if i < len(expected_lines) else None)
            bad = '"code":' in (want or "") and '"results"' not in (want or "")
            step(f"evaluate line {i + 1}: the batch's bytes, {'400' if bad else '200'}, fingerprint header",
                 body == want and code == (400 if bad else 200) and headers.get("Kuan-Fingerprint") == fingerprint,
                 f"{code} {body!r}\nwant {want!r}")
        code, headers, body = request(port, "POST", "/v1/evaluate", "\n".join(lines) + "\n",
                                      {"Content-Type": "application/x-ndjson"})
        step("evaluate NDJSON: the batch's output, in order, byte for byte",
             code == 200 and body == expected and headers.get("Content-Type", "").startswith("application/x-ndjson"),
             f"{code}\n{body}\nwant\n{expected}")
        code, headers, body = request(port, "POST", "/v1/evaluate", "\n".join(lines) + "\n",
                                      {"Content-Type": "Application/X-NDJSON ; charset=UTF-8"})
        step("evaluate NDJSON: the media type in any case, with white space before its parameters",
             code == 200 and body == expected, f"{code}\n{body[:300]}")
        code, headers, body = request(port, "POST", "/v1/evaluate", lines[0] + "\n" + lines[1])
        step("evaluate: two lines without the NDJSON type are a 400", code == 400 and json.loads(body)["code"] == "bad_line", body)

        # ---------------------------------------------------------------- match
        facts = {"合同金额": "100万元", "采购类型": "模型服务", "模型已备案": False, "智能券档位": "一档", "申请主体": "高校"}
        (tmp / "facts.json").write_text(json.dumps(facts, ensure_ascii=False), encoding="utf-8")
        _, whole, err = cli(kuan, "eval", str(policy), "--facts", str(tmp / "facts.json"))
        code, headers, body = request(port, "POST", "/v1/match", json.dumps({"facts": facts}, ensure_ascii=False))
        step("match: what kuan eval without --measure prints", code == 200 and body == whole,
             f"{code} {body}\nwant {whole}")
        code, headers, body = request(port, "POST", "/v1/match", json.dumps({"id": 1, "version": "2026年版", "facts": facts}))
        step("match: id and version", code == 200 and json.loads(body)["id"] == "1" and json.loads(body)["version"] == "2026年版", body)
        code, headers, body = request(port, "POST", "/v1/match", json.dumps({"measure": "算力券", "facts": facts}))
        step("match: a measure is refused (400 bad_line)", code == 400 and json.loads(body)["code"] == "bad_line", body)

        # ------------------------------------------------------ measures, editions
        _, want, _ = cli(kuan, "measures", str(policy), "--format", "json")
        code, headers, body = request(port, "GET", "/v1/measures")
        step("measures: kuan measures --format json", code == 200 and body == want, body[:300])
        _, want, _ = cli(kuan, "measures", str(policy), "--format", "json", "--version", "2026年版")
        code, headers, body = request(port, "GET", "/v1/measures?version=" + "2026%E5%B9%B4%E7%89%88")
        step("measures?version=: kuan measures --version", code == 200 and body == want, body[:300])
        code, headers, body = request(port, "GET", "/v1/measures?version=nope")
        step("measures?version=unknown: 404 no_edition", code == 404 and json.loads(body)["code"] == "no_edition", body)
        reply = raw(port, b"GET /v1/measures?version=%FF%FE%1B%5B31m HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        answer = reply[reply.find(b"\r\n\r\n") + 4:]
        try:
            echoed = json.loads(answer.decode("utf-8"))["error"]
        except (UnicodeDecodeError, ValueError, KeyError):
            echoed = None
        step("measures?version= of bad UTF-8 and ESC: a 404 in UTF-8, the name escaped",
             status_of(reply) == 404 and echoed is not None and "\x1b" not in echoed and "\\xFF" in echoed, reply[:300])
        code, headers, body = request(port, "GET", "/v1/editions")
        eds = json.loads(body)
        step("editions: both, with status and dates",
             code == 200 and [e["edition"] for e in eds["editions"]] == ["2025年版", "2026年版"]
             and eds["editions"][1]["status"] == "示例" and eds["default"] == "2025年版", body)

        # --------------------------------------------------- methods and paths
        code, headers, body = request(port, "GET", "/v1/evaluate")
        step("GET /v1/evaluate: 405 with Allow", code == 405 and headers.get("Allow") == "POST", body)
        code, headers, body = request(port, "GET", "/nope")
        step("unknown path: 404", code == 404 and json.loads(body)["code"] == "not_found", body)
        code, headers, body = request(port, "GET", "/")
        step("GET /: the officer's page, no external assets",
             code == 200 and "<form" in body and "政策" in body and not re.search(r"(src|href)=\"https?:", body), body[:200])

        # ------------------------------------------------------ malformed HTTP
        for name, data in [("garbage request line", b"HELLO\r\n\r\n"),
                           ("NUL bytes", b"GET /\x00 HTTP/1.1\r\nHost: x\r\n\r\n"),
                           ("bad header", b"GET / HTTP/1.1\r\nHo st: x\r\n\r\n"),
                           ("bad content length", b"POST /v1/evaluate HTTP/1.1\r\nContent-Length: -5\r\n\r\n"),
                           ("bad chunk", b"POST /v1/evaluate HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")]:
            reply = raw(port, data, shut=True)
            step(f"malformed HTTP ({name}): 400, connection closed", status_of(reply) == 400, reply[:200])
        body = '{"measure": "算力券", "facts": {"合同金额": "@"}}'.encode("utf-8").replace(b"@", b"\xff")
        code, headers, text = request(port, "POST", "/v1/evaluate", body)
        step("bad UTF-8 in a line: 400 bad_line", code == 400 and json.loads(text)["code"] == "bad_line", text)

        # -------------------------------------------------------------- limits
        big = '{"measure": "算力券", "facts": {"合同金额": "' + "1" * 70000 + '"}}'
        code, headers, body = request(port, "POST", "/v1/evaluate", big)
        step("body over --max-body: 413", code == 413 and json.loads(body)["code"] == "payload_too_large", body)
        reply = raw(port, b"POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
                    (b"8000\r\n" + b"x" * 0x8000 + b"\r\n") * 3 + b"0\r\n\r\n")
        step("chunked body over --max-body: 413", status_of(reply) == 413, reply[:200])
        reply = raw(port, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
        step("header over the limit: 431", status_of(reply) == 431, reply[:200])
        t0 = time.time()
        reply = raw(port, b"POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"a\"", timeout=6)
        step("a body that stops coming: cut after --read-timeout", reply == b"" and 1.2 < time.time() - t0 < 5,
             f"{reply[:200]} after {time.time() - t0:.1f}s")
        t0 = time.time()
        reply = raw(port, b"GET /health HTTP/1.1\r\nHo", timeout=6)
        step("a head that stops coming: cut after --read-timeout", reply == b"" and 1.2 < time.time() - t0 < 5,
             f"{reply[:200]} after {time.time() - t0:.1f}s")
        # Each held connection is answered once first, so the server has surely accepted and
        # counted it before the 7th arrives (a bare connect may still sit in the backlog under load).
        held = [answered_connection(port) for _ in range(6)]
        reply = raw(port, b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        step("connection cap: the 7th connection gets 503", status_of(reply) == 503, reply[:200])
        for s in held:
            s.close()
        time.sleep(0.3)
        code, headers, body = request(port, "GET", "/health")
        step("after every fault the server still answers", code == 200, body)

        # ------------------------------------------------------------ metrics
        code, headers, body = request(port, "GET", "/metrics")
        step("metrics: Prometheus text with requests, latency, evaluations, reloads",
             code == 200 and headers.get("Content-Type", "").startswith("text/plain")
             and re.search(r'kuan_requests_total\{route="/v1/evaluate",status="200"\} \d+', body)
             and re.search(r'kuan_request_duration_seconds_bucket\{route="/v1/evaluate",le="\+Inf"\} \d+', body)
             and re.search(r'kuan_evaluations_total\{measure="算力券",outcome="eligible"\} \d+', body)
             and re.search(r'kuan_evaluations_total\{measure="",outcome="unknown_measure"\} \d+', body)
             and "kuan_reloads_total 0" in body and "kuan_reload_failures_total 0" in body
             and re.search(r'kuan_requests_total\{route="\(rejected\)",status="413"\} \d+', body)
             and re.search(r'kuan_requests_total\{route="\(rejected\)",status="408"\} \d+', body), body)

        # ------------------------------------------------------------- reload
        rules = policy / "2025年版" / "01-算力券和智能券.kuan"
        original = rules.read_text(encoding="utf-8")
        probe = '{"measure": "算力券", "facts": {"合同金额": "3000万元", "采购类型": "算力服务", "算力设施档位": "一档"}}'
        code, headers, before = request(port, "POST", "/v1/evaluate", probe)
        edited = original.replace("单家企业年度上限 = 800万元", "单家企业年度上限 = 700万元")
        step("reload: the edit changes the text", edited != original, "")
        rules.write_text(edited, encoding="utf-8")
        t0 = time.time()
        new = wait_for(lambda: json.loads(request(port, "GET", "/health")[2])["fingerprint"] != fingerprint, 5)
        took = time.time() - t0
        code, headers, after = request(port, "POST", "/v1/evaluate", probe)
        step("reload: a good edit is in force within 3 s", new and took < 3 and '"amount":"7000000.00"' in after
             and headers.get("Kuan-Fingerprint") != fingerprint, f"{took:.1f}s before {before} after {after}")
        good = json.loads(request(port, "GET", "/health")[2])["fingerprint"]
        rules.write_text(edited + "\n参数 坏 = 1元 ×\n", encoding="utf-8")
        degraded = wait_for(lambda: (lambda h: h if h["status"] != "ok" else None)(json.loads(request(port, "GET", "/health")[2])), 5)
        step("reload: a broken edit shows in /health (status, file:line)",
             degraded and degraded["errors"] and degraded["errors"][0]["file"].endswith("01-算力券和智能券.kuan")
             and degraded["errors"][0]["line"] > 0 and degraded["fingerprint"] == good, degraded)
        code, headers, still = request(port, "POST", "/v1/evaluate", probe)
        step("reload: the last good policy keeps serving", code == 200 and still == after
             and headers.get("Kuan-Fingerprint") == good, still)
        rules.write_text(original, encoding="utf-8")
        recovered = wait_for(lambda: (lambda h: h if h["status"] == "ok" else None)(json.loads(request(port, "GET", "/health")[2])), 5)
        code, headers, back = request(port, "POST", "/v1/evaluate", probe)
        step("reload: fixing it recovers (ok, the original fingerprint, the original amount)",
             recovered and recovered["fingerprint"] == fingerprint and back == before, f"{recovered} {back}")
        metrics = request(port, "GET", "/metrics")[2]
        step("metrics: reloads counted", "kuan_reloads_total 2" in metrics and "kuan_reload_failures_total 1" in metrics,
             [l for l in metrics.splitlines() if "reload" in l])
        rules.write_text(original + "\n参数 坏 = 1元 ×\n", encoding="utf-8")
        degraded = wait_for(lambda: (lambda h: h if h["status"] != "ok" else None)(json.loads(request(port, "GET", "/health")[2])), 5)
        rules.write_text(original, encoding="utf-8")  # undone: exactly the files in force again, nothing to reload
        recovered = wait_for(lambda: (lambda h: h if h["status"] == "ok" else None)(json.loads(request(port, "GET", "/health")[2])), 5)
        step("reload: a broken edit undone to the files in force clears /health (same fingerprint, no reload)",
             degraded and recovered and recovered["errors"] == [] and recovered["fingerprint"] == fingerprint
             and "kuan_reloads_total 2" in request(port, "GET", "/metrics")[2], f"{degraded} {recovered}")
        # The folder itself vanishes (deleted, a mount lost): degraded, saying so, the policy in force serving on.
        moved = policy.with_name(policy.name + "-moved")
        policy.rename(moved)
        gone = wait_for(lambda: (lambda h: h if h["status"] != "ok" else None)(json.loads(request(port, "GET", "/health")[2])), 5)
        code, headers, still = request(port, "POST", "/v1/evaluate", probe)
        step("reload: a policy folder that vanished shows in /health; the last good policy keeps serving",
             gone and gone["fingerprint"] == fingerprint and gone["errors"] and code == 200 and still == before, f"{gone} {still}")
        moved.rename(policy)
        recovered = wait_for(lambda: (lambda h: h if h["status"] == "ok" else None)(json.loads(request(port, "GET", "/health")[2])), 5)
        step("reload: the folder back as it was clears /health", recovered and recovered["fingerprint"] == fingerprint, recovered)

        # ---------------------------------------------- SIGTERM with requests in flight
        ndjson = ("\n".join(lines[:5]) + "\n").encode("utf-8")
        head = (f"POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\n"
                f"Content-Length: {len(ndjson)}\r\n\r\n").encode()
        busy = socket.create_connection(("127.0.0.1", port), timeout=10)
        busy.sendall(head + ndjson[:10])  # a request half sent
        idle = socket.create_connection(("127.0.0.1", port), timeout=10)
        idle.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        idle_first = idle.recv(65536)
        time.sleep(0.3)
        proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        busy.sendall(ndjson[10:])
        reply = b""
        while True:
            b = busy.recv(65536)
            if not b:
                break
            reply += b
        head_end = reply.find(b"\r\n\r\n")
        step("SIGTERM: the request in flight is answered in full, then the connection closes",
             status_of(reply) == 200 and b"Connection: close" in reply[:head_end]
             and reply[head_end + 4:].decode("utf-8") == "".join(expected_lines[:5]), reply[:400])
        step("SIGTERM: an idle keep-alive connection is closed", status_of(idle_first) == 200 and idle.recv(10) == b"", "")
        rc = proc.wait(timeout=10)
        step("SIGTERM: the process exits 0", rc == 0, proc.stderr.read())
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            refused = False
        except OSError:
            refused = True
        step("SIGTERM: no longer listening", refused, "")

        # ------------------------------------------------------------ arguments
        code, out, err = cli(kuan, "serve", str(tmp / "missing"), "--addr", "127.0.0.1:0")
        step("a policy that does not load: exit 1 with the diagnostics", code == 1 and "missing" in err, err)
        code, out, err = cli(kuan, "serve", str(policy), "--addr", "localhost")
        step("a bad --addr: exit 2", code == 2 and "--addr" in err, err)
        dated(kuan, tmp, step)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(suite.finish())


DATED_RULES = """政策 "施行"
版本 "v1"
施行 2020-01-01 起
舍入 四舍五入 至 0.01元
事实 投入: 金额
措施 奖励 "限期" {
  施行 2025-01-01 至 2027-12-31
  金额 = 投入 × 10%
}
措施 合计 { 金额 = 投入 × 20% − (若 施行中(奖励) 则 投入 × 10% 否则 0元) }
条款 (二) "新政" {
  施行 2026-01-01 起
  措施 新补助 { 金额 = 投入 × 5% }
}
"""


def dated(kuan, tmp, step):
    """The applications' date: a line's "as_of" (with or without "version") decides which measures and
    clauses are in force, in /v1/evaluate (one line, NDJSON) and /v1/match, exactly as `kuan eval --batch`
    decides it; a malformed one is a 400 with the batch's error object, never a crash."""
    folder = tmp / "in-force"
    folder.mkdir()
    (folder / "rules.kuan").write_text(DATED_RULES, encoding="utf-8")
    proc, port = start(kuan, folder)
    try:
        facts = {"投入": "1万元"}
        lines = [json.dumps(x, ensure_ascii=False) for x in [
            {"id": "in", "measure": "奖励", "as_of": "2027-12-31", "facts": facts},
            {"id": "out", "measure": "奖励", "as_of": "2028-01-01", "facts": facts},
            {"id": "named", "version": "v1", "measure": "合计", "as_of": "2028-01-01", "facts": facts},
            {"id": "clause", "measure": "新补助", "as_of": "2025-12-31", "facts": facts},
            {"id": "w-in", "as_of": "2026-06-01", "facts": facts},
            {"id": "w-out", "version": "v1", "as_of": "2028-01-01", "facts": facts},
        ]]
        code, expected, err = cli(kuan, "eval", str(folder), "--batch", "-", "--no-progress", stdin="\n".join(lines) + "\n")
        want = expected.splitlines(keepends=True)
        step("dated: the command ran", code == 0 and len(want) == len(lines), err)
        checks = {"in": '"amount":"1000.00"', "out": "措施 奖励 的施行期为 2025-01-01 至 2027-12-31,申请日期不在其中",
                  "named": '"amount":"2000.00"', "clause": "条款 (二) 的施行期为 2026-01-01 起",
                  "w-in": '"amount":"1000.00"', "w-out": "措施 奖励 的施行期为"}
        for line, expect in zip(lines, want):
            x = json.loads(line)
            path = "/v1/evaluate" if "measure" in x else "/v1/match"
            code, headers, body = request(port, "POST", path, line, {"Content-Type": "application/json"})
            step(f"dated {path} {x['id']}: as_of decides, the batch's bytes",
                 code == 200 and body == expect and checks[x["id"]] in body, f"{code} {body!r}\nwant {expect!r}")
        code, headers, body = request(port, "POST", "/v1/evaluate", "\n".join(lines) + "\n",
                                      {"Content-Type": "application/x-ndjson"})
        step("dated NDJSON: each line's own date, the command's output", code == 200 and body == expected, body)
        for bad in ["2027-02-30", "2027-1-1", "", "明天", "2027-12-31\u0000", "9" * 100000, 20271231, None, ["2027-12-31"]]:
            for path, line in [("/v1/evaluate", {"id": "b", "measure": "奖励", "as_of": bad, "facts": facts}),
                               ("/v1/match", {"id": "b", "as_of": bad, "facts": facts}),
                               ("/v1/evaluate", {"id": "b", "version": "v1", "measure": "奖励", "as_of": bad, "facts": facts})]:
                code, headers, body = request(port, "POST", path, json.dumps(line, ensure_ascii=False))
                try:
                    answer = json.loads(body)
                except ValueError:
                    answer = {}
                step(f"dated {path}: as_of {str(bad)[:20]!r} is a 400 bad_line naming as_of",
                     code == 400 and answer.get("code") == "bad_line" and "as_of" in answer.get("error", "")
                     and answer.get("id") == "b", f"{code} {body[:300]!r}")
        code, _, body = request(port, "GET", "/health")
        step("dated: still healthy after the bad dates", code == 200 and json.loads(body)["status"] == "ok", body)
    finally:
        proc.kill()
        proc.wait()


if __name__ == "__main__":
    main()
