#!/usr/bin/env python3
"""The officer's page of `kuan serve` (GET /) in a real browser: headless
Chromium driven over the DevTools protocol (--remote-debugging-pipe, no
extra packages). It loads the page, fills the form generated from the
measure's declared facts, submits, and reads the result — amount,
eligibility, the clause-citing explanation — comparing it with `kuan eval`;
then "all measures"; then a bad amount, whose error must appear beside the
field it concerns. Skipped (77) when Chromium is not installed.
"""
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from kuan_suite import Suite

DEADLINE = 120


class Browser:
    """Chromium with the DevTools protocol on fds 3 (commands in) and 4 (replies out)."""

    def __init__(self, exe, profile):
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        # The child gets the pipes as fds 3 and 4 (dup2 in preexec_fn; pass_fds keeps them open).
        def child_fds():
            high_r = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)  # out of the way of 3 and 4 first
            high_w = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)
        self.proc = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=child_fds, pass_fds=(3, 4))  # the dup2s above, kept through close_fds
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buffer = b""
        self.next_id = 0
        self.session = None

    def send(self, method, params=None, session=True):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self.to_chrome, json.dumps(msg).encode() + b"\0")
        while True:
            while b"\0" not in self.buffer:
                chunk = os.read(self.from_chrome, 1 << 16)
                if not chunk:
                    raise RuntimeError("Chromium closed the pipe")
                self.buffer += chunk
            raw, self.buffer = self.buffer.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def open(self, url):
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True}, session=False)["sessionId"]
        self.send("Page.enable")
        self.send("Runtime.enable")
        self.send("Page.navigate", {"url": url})

    def js(self, expression):
        r = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expression[:80]}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def wait(self, expression, seconds=15):
        end = time.time() + seconds
        while time.time() < end:
            try:
                v = self.js(expression)
            except RuntimeError:  # the page is still being replaced (navigation): ask again
                v = None
            if v:
                return v
            time.sleep(0.1)
        return None

    def close(self):
        try:
            self.send("Browser.close", session=False)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# Fills one fact's field the way a person would end up with it: the value set,
# then the input and change events the page listens to.
FILL = """
(function(name, value, unit) {
  const row = [...document.querySelectorAll('#facts .row')].find(r => r.dataset.fact === name);
  if (!row) return 'no field ' + name;
  const el = row.querySelector('input, select');
  el.focus(); el.value = value;
  el.dispatchEvent(new Event('input', {bubbles: true})); el.dispatchEvent(new Event('change', {bubbles: true}));
  if (unit) { const u = row.querySelector('select[aria-label=单位]'); u.value = unit; u.dispatchEvent(new Event('change', {bubbles: true})); }
  return el.value === value ? 'ok' : 'not set: ' + name;
})(%s, %s, %s)
"""

CHOOSE = """
(function(id, value) {
  const el = document.getElementById(id); el.value = value; el.dispatchEvent(new Event('change', {bubbles: true}));
  return el.value;
})(%s, %s)
"""


def main():
    suite = Suite(__doc__)
    args = suite.parse()
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        sys.exit(suite.skip("chromium is not installed"))
    timer = threading.Timer(DEADLINE, lambda: os._exit(3))
    timer.daemon = True
    timer.start()
    kuan, root = args.kuan, Path(args.root)
    policy = root / "policies/hangzhou-ai"
    tmp = Path(tempfile.mkdtemp(prefix="kuan-page-"))
    server = subprocess.Popen([kuan, "serve", str(policy), "--addr", "127.0.0.1:0", "--threads", "2"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    browser = None
    step = suite.step
    try:
        port = int(re.match(r"kuan serve: http://127\.0\.0\.1:(\d+)/", server.stdout.readline()).group(1))
        browser = Browser(exe, tmp / "profile")
        browser.open(f"http://127.0.0.1:{port}/")
        step("page: loads and builds its form", browser.wait("!!document.body && document.body.dataset.ready === '1'"), "")
        step("page: Chinese, no external resources",
             browser.js("document.documentElement.lang") == "zh-CN"
             and browser.js("[...document.querySelectorAll('[src],[href]')].length") == 0, "")
        browser.js(CHOOSE % (json.dumps("edition"), json.dumps("2025年版")))
        browser.js(CHOOSE % (json.dumps("measure"), json.dumps("算力券")))
        labels = browser.js("[...document.querySelectorAll('#facts .row')].map(r => r.innerText.replace(/\\s+/g, ' '))")
        step("page: the form is the measure's declared facts (money with units, enums as selects, optional marked)",
             any(l.startswith("合同金额*") for l in labels)
             and browser.js("!!document.querySelector('#facts .row[data-fact=合同金额] select[aria-label=单位]')")
             and browser.js("[...document.querySelectorAll('#facts .row[data-fact=采购类型] option')].map(o => o.value).join(',')") == ",模型服务,算力服务"
             and any(l.startswith("算力设施档位(可选)") for l in labels)
             and browser.js("document.querySelector('#facts .row[data-fact=模型已备案] select option[value=是]') !== null"),
             labels)
        facts = {"合同金额": ("120", "万元"), "采购类型": ("算力服务", None), "算力设施档位": ("一档", None)}
        filled = [browser.js(FILL % (json.dumps(k), json.dumps(v), json.dumps(u))) for k, (v, u) in facts.items()]
        step("page: fields filled", filled == ["ok"] * 3, filled)
        browser.js("document.getElementById('submit').click()")
        verdict = browser.wait("(document.getElementById('verdict') || {}).innerText")
        amount = browser.js("(document.querySelector('.card .amount .value') || {}).innerText")
        explanation = browser.js("(document.querySelector('.card pre.explain') || {}).innerText") or ""
        (tmp / "f.json").write_text(json.dumps({"合同金额": "120万元", "采购类型": "算力服务", "算力设施档位": "一档"},
                                               ensure_ascii=False), encoding="utf-8")
        cli = json.loads(subprocess.run([kuan, "eval", str(policy), "--version", "2025年版", "--measure", "算力券",
                                         "--facts", str(tmp / "f.json")], capture_output=True, text=True).stdout)
        step("page: one measure — the amount kuan eval gives, eligible, the explanation citing the clause",
             verdict and amount == cli["amount"] == "360000.00"
             and browser.js("document.querySelector('.card .verdict').innerText") == "适用"
             and "条款 (一)" in explanation and "结论:适用,金额 360000.00 元" in explanation
             and re.search(r"\[.*01-算力券和智能券\.kuan:\d+:\d+\]", explanation), f"{verdict} {amount} {explanation}")

        browser.js(CHOOSE % (json.dumps("measure"), json.dumps("")))
        filled = [browser.js(FILL % (json.dumps(k), json.dumps(v), json.dumps(u))) for k, (v, u) in facts.items()]
        browser.js("document.getElementById('result').innerHTML = ''")
        browser.js("document.getElementById('submit').click()")
        browser.wait("(document.getElementById('verdict') || {}).innerText")
        cards = browser.js("[...document.querySelectorAll('.card')].map(c => [c.dataset.measure, c.className, c.innerText])")
        headings = browser.js("[...document.querySelectorAll('#result h2')].map(h => h.innerText)")
        step("page: all measures — eligible first with the amount, then those needing facts with the names",
             filled == ["ok"] * 3 and cards and cards[0][0] == "算力券" and "eligible" in cards[0][1] and "360000.00" in cards[0][2]
             and any(c[0] == "智能券" and "需要:申请主体" in c[2] for c in cards)
             and headings == ["可申请", "缺少事实"], f"{headings} {cards}")

        # The application's date goes with the request (as_of: with the edition chosen, only the date).
        browser.js("window.sent = []; const f = window.fetch; window.fetch = (u, o) => (window.sent.push(o && o.body), f(u, o));")
        browser.js(CHOOSE % (json.dumps("measure"), json.dumps("算力券")))
        browser.js(CHOOSE % (json.dumps("as_of"), json.dumps("2025-07-01")))
        filled = [browser.js(FILL % (json.dumps(k), json.dumps(v), json.dumps(u))) for k, (v, u) in facts.items()]
        browser.js("document.getElementById('result').innerHTML = ''")
        browser.js("document.getElementById('submit').click()")
        browser.wait("(document.getElementById('verdict') || {}).innerText")
        sent = browser.js("window.sent.length ? JSON.parse(window.sent[window.sent.length - 1]) : null") or {}
        step("page: the application's date is sent as as_of, the result as without it",
             filled == ["ok"] * 3 and sent.get("as_of") == "2025-07-01" and sent.get("version") == "2025年版"
             and browser.js("(document.querySelector('.card .amount .value') || {}).innerText") == "360000.00", sent)
        browser.js(CHOOSE % (json.dumps("as_of"), json.dumps("")))

        browser.js(CHOOSE % (json.dumps("measure"), json.dumps("算力券")))
        browser.js(FILL % (json.dumps("合同金额"), json.dumps("一百二十"), json.dumps("万元")))
        browser.js(FILL % (json.dumps("采购类型"), json.dumps("算力服务"), "null"))
        browser.js("document.getElementById('submit').click()")
        beside = browser.wait("document.querySelector('#facts .row.bad') && "
                              "[document.querySelector('#facts .row.bad').dataset.fact, "
                              "document.querySelector('#facts .row.bad .err').innerText]")
        step("page: a bad amount — the error beside its field", beside and beside[0] == "合同金额" and "合同金额" in beside[1]
             and browser.js("document.getElementById('verdict').innerText") == "未能计算", beside)
    except Exception as e:  # a step that could not run is a failure, not a crash
        step("page: scenario ran", False, repr(e))
    finally:
        if browser:
            browser.close()
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(suite.finish())


if __name__ == "__main__":
    main()
