#!/usr/bin/env python3
"""`kuan allocate --report year.html` rendered in headless Chromium.

Checks that the page is self-contained (nothing fetched), that Chromium renders it
with no console error, that its font stack draws Chinese glyphs and not boxes (a
screenshot of 款 and of 配 in the page's fonts differs from one of U+E000, a character
no font has, and from a blank one), that the bars carry their values and the pool its
scale as a percentage, that the capped list is grouped, that the rendered text carries the year's figures (the
same as --summary's JSON), and that a click on a column heading sorts the table.
The console check is proven live by a probe page that logs an error on purpose.

Usage: run_report_tests.py --kuan PATH --root REPO [NAME...]   (tests/kuan_suite.py)
Prints one line per failure and finally "N passed, M failed"; exit 1 on failure;
exit 77 (CTest: skipped) when Chromium is not installed.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zlib

from kuan_suite import Suite

SUITE = Suite(__doc__, max_detail=400)
check = SUITE.step  # the checks are steps of scenarios run whole


def render(chromium, page):
    """(DOM after scripts ran, console lines) of a page."""
    r = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
                        "--dump-dom", "file://" + page], capture_output=True, timeout=120)
    err = r.stderr.decode("utf-8", "replace")
    return r.stdout.decode("utf-8", "replace"), [l for l in err.splitlines() if "CONSOLE" in l]


def png_pixels(path):
    """The decompressed image data of a PNG: equal for equal pictures from one encoder."""
    data = open(path, "rb").read()
    pos, idat = 8, b""
    while pos < len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind = data[pos + 4:pos + 8]
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    return zlib.decompress(idat)


def glyph_shot(chromium, tmp, family, text, name):
    page = os.path.join(tmp, name + ".html")
    with open(page, "w", encoding="utf-8") as f:
        f.write('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0;background:#fff">'
                f'<div style="font-family:{family};font-size:96px;line-height:1.2;color:#000">{text}</div></body></html>')
    shot = os.path.join(tmp, name + ".png")
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=240,160",
                    "--screenshot=" + shot, "file://" + page], capture_output=True, timeout=120)
    return png_pixels(shot) if os.path.exists(shot) else None


def main():
    a = SUITE.parse()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        sys.exit(SUITE.skip("chromium not installed"))
    with tempfile.TemporaryDirectory() as tmp:
        year = os.path.join(tmp, "year.jsonl")
        with open(year, "w") as f:
            subprocess.run([sys.executable, os.path.join(a.root, "tools/bench/gen_allocate.py"), "3000", "--seed", "7"],
                           stdout=f, check=True)
        page, summary = os.path.join(tmp, "year.html"), os.path.join(tmp, "s.json")
        r = subprocess.run([a.kuan, "allocate", os.path.join(a.root, "policies/hangzhou-ai"), "--version", "2025年版",
                            "--in", year, "--out", os.path.join(tmp, "d.jsonl"), "--summary", summary, "--report", page],
                           capture_output=True, timeout=300)
        check("allocate --report", r.returncode == 0, r.stderr.decode()[:300])
        html = open(page, encoding="utf-8").read()
        s = json.load(open(summary, encoding="utf-8"))
        fetched = re.findall(r'\b(?:src|href)\s*=|@import|url\(', html)
        check("self-contained: nothing is fetched", not fetched, fetched)
        check("no address but the SVG namespace", set(re.findall(r'https?://[^"\s<]+', html)) <= {"http://www.w3.org/2000/svg"})

        # Chinese glyphs, not boxes: the page's own font stack against a character no font has.
        family = re.search(r"body\{font-family:([^;]+);", html)
        check("the page names a CJK font stack", family and "Noto Sans CJK SC" in family.group(1), html[:400])
        if family:
            tofu = glyph_shot(chromium, tmp, family.group(1), "&#xE000;", "tofu")
            blank = glyph_shot(chromium, tmp, family.group(1), "&nbsp;", "blank")
            for ch in "款配":
                seen = glyph_shot(chromium, tmp, family.group(1), ch, "glyph-%x" % ord(ch))
                check(f"{ch} renders as a glyph, not a box", seen is not None and tofu is not None and seen != tofu
                      and seen != blank, "a CJK font (fonts-noto-cjk) is missing: the glyph is drawn like U+E000")
        # The values on the bars are the summary's, to the fen; the percentage is allocated/requested
        # rounded down to hundredths, computed here in integers. (Fullwidth parentheses, as the page writes.)
        def grouped(plain):
            whole, _, frac = plain.partition(".")
            return f"{int(whole):,}" + ("." + frac if frac else "")

        def percent(part, whole):
            fen = lambda v: int(v.replace(".", ""))
            b = fen(part) * 10000 // fen(whole)
            return f"{b // 100}.{b % 100:02d}%"

        on_bars = re.findall(r'class="on[^"]*">([^<]*)<', html)
        for m in s["measures"]:
            want = [f"申请 {grouped(m['amount'])}"]
            if int(m["amount"].replace(".", "")) > 0:
                want.append(f"分配 {grouped(m['allocated'])}({percent(m['allocated'], m['amount'])})")
            check(f"values printed on the bars: {m['measure']}", all(w in on_bars for w in want), (want, on_bars[:6]))
        for p in s["pools"]:
            if p["scaled"]:
                want = percent(p["amount"], p["requested"])
                check(f"pool {p['pool']}: the scale as a percentage ({want})", f'class="scale">{want}<' in html,
                      re.findall(r'class="scale">[^<]*<', html))
        rows = re.findall(r'<table class="sortable" id="capped">.*?</table>', html, re.S)
        if rows:
            body = rows[0].split("<tbody>")[1]
            keys = re.findall(r'<tr><td data-v="([^"]*)">[^<]*</td><td data-v="([^"]*)">', body)
            check("the capped list has one row per measure and cap", len(keys) == len(set(keys)) and keys, keys[:5])

        dom, console = render(chromium, page)
        check("no console message", console == [], console)
        check("Chinese title", "年度分配报告" in dom and s["version"] in dom)
        for m in s["measures"]:
            allocated = m["allocated"]
            whole, frac = allocated.split(".")
            grouped = f"{int(whole):,}.{frac}"
            check(f"measure {m['measure']} with its allocated amount", m["measure"] in dom and grouped in dom, grouped)
        for p in s["pools"]:
            check(f"pool {p['pool']} and its scaling", p["pool"] in dom and (not p["scaled"] or p["pro_rata"] in dom), p)
        for q in s["quotas"]:
            check(f"quota cut-off of {q['measure']}", q["cutoff_score"] is None or
                  re.search(r">%s</td>" % re.escape(q["cutoff_score"]), dom), q)
        check("applications count", f">{s['applications']} 项<" in dom)

        # A click on 申请金额 twice: descending order of the plain amounts.
        probe = page.replace(".html", "-probe.html")
        with open(probe, "w", encoding="utf-8") as f:
            f.write(html.replace("</body>", """<script>
var th = document.querySelectorAll('#measures th')[4]; th.click(); th.click();
document.body.setAttribute('data-order', [].map.call(document.querySelectorAll('#measures tbody tr'),
  function (r) { return r.cells[4].getAttribute('data-v'); }).join('|'));
console.error('probe: the console is read');
</script></body>"""))
        dom, console = render(chromium, probe)
        order = re.search(r'data-order="([^"]*)"', dom)
        values = [float(x) for x in order.group(1).split("|")] if order else []
        check("sorting by a column", values and values == sorted(values, reverse=True) and len(values) == len(s["measures"]),
              order.group(1) if order else dom[-300:])
        check("the console check is live", any("probe: the console is read" in l for l in console), console)

        # A hostile year: a policy title with markup, ids and applicants with <, & and ", and a pool
        # so small against the requests that the share rounds down to nothing.
        policy = os.path.join(tmp, "tiny", "2025年版")
        os.makedirs(policy)
        with open(os.path.join(policy, "p.kuan"), "w", encoding="utf-8") as f:
            f.write('政策 "<script>alert(1)</script> & 巨额"\n版本 "2025年版"\n状态 示例\n施行 2025-01-01\n舍入 四舍五入 至 0.01元\n'
                    '参数 池额 = 1元\n事实 投入: 金额\n措施 奖励 "奖励" {\n  比例 = 50%\n  基数 = 投入\n'
                    '  限额 奖励池 {\n    计 金额\n    全部\n    期间 每年\n    不超过 池额\n    超出 按比例\n  }\n}\n')
        tiny = os.path.join(tmp, "tiny.jsonl")
        with open(tiny, "w", encoding="utf-8") as f:
            for i, v in enumerate(["1000000000000元", "1元", "0元"]):
                f.write(json.dumps({"id": f"<x{i}>", "applicant": '<a>&"', "measure": "奖励", "facts": {"投入": v}},
                                   ensure_ascii=False) + "\n")
        tiny_page = os.path.join(tmp, "tiny.html")
        r = subprocess.run([a.kuan, "allocate", os.path.dirname(policy), "--version", "2025年版", "--in", tiny,
                            "--out", os.path.join(tmp, "tiny-d.jsonl"), "--report", tiny_page], capture_output=True, timeout=120)
        check("hostile year: allocate --report", r.returncode == 0, r.stderr.decode()[:300])
        if r.returncode == 0:
            text = open(tiny_page, encoding="utf-8").read()
            check("hostile year: markup from the input is escaped",
                  "<script>alert" not in text and "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in text, text[:600])
            check("hostile year: a share too small to show is <0.01%, not 0.00%",
                  'class="scale">&lt;0.01%<' in text and "0.00%" not in text, re.findall(r'class="(?:on|scale)[^"]*">[^<]*<', text))
    sys.exit(SUITE.finish())


if __name__ == "__main__":
    main()
