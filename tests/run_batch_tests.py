#!/usr/bin/env python3
"""`kuan eval --batch` as a stream: results come before the input
ends, the order is the input's whatever --jobs is, and --jobs is checked; and
CSV as people have it (§4): in and out, Excel's BOM, 是/否, thousands
separators, quoted line breaks, a GBK file named as such.

Usage: run_batch_tests.py --kuan PATH --root REPO [NAME...]   (tests/kuan_suite.py)
Prints one line per failure and finally "N passed, M failed"; exit 1 on failure.
"""
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading

from kuan_suite import Suite

SUITE = Suite(__doc__)
check = SUITE.step  # the checks are steps of scenarios run whole


def line(i, amount):
    return json.dumps({"id": f"s{i}", "measure": "智能券",
                       "facts": {"合同金额": amount, "申请主体": "企业", "智能券档位": "一档" if i % 2 else "二档"}},
                      ensure_ascii=False) + "\n"


def tricky_lines():
    """Lines at the edges of JSON and of the fast reader: numbers in exponent form,
    beyond int64 and beyond double, escapes in keys and values, repeated keys, a
    BOM, blank lines, and invalid lines among valid ones. (No unknown top-level
    key: --pass-through, the precise run, would keep it.)"""
    facts = '"合同金额": %s, "采购类型": "算力服务", "算力设施档位": "一档"'
    app = lambda id_, money: '{"id": %s, "measure": "算力券", "facts": {%s}}' % (id_, facts % money)
    lines = [app('"n%d"' % i, m) for i, m in enumerate([
        "1234.5", '"1234.50"', "1.2345E+3", "1.2345e3", "12345e-1", "0.0125e5", "1e400", "1E+2", "0e0", "1e-0",
        "123456789012345678901234567890.12", "9223372036854775807", "9223372036854775808", "18446744073709551616",
        "-0", "-0.0", "0", "-5", '"-5"', "01", "1.", ".5", "+1", '"120万元"', '"2.5亿元"', '"800元"', '"1,000"',
        "null", "true", "[1]", '{"a": 1}', '"\\u0031\\u0032"', "9" * 400, '"' + "9" * 5000 + '"'])]
    lines += [app(i, "100") for i in ("-0", "123", "12345678901234567890123", "1.5", "1e2",
                                       '"a\\"b\\\\c\\n\\u4e2d\\ud83d\\ude00"', '"lone\\ud800"')]
    lines += [
        app('"ctl\x01"', "100"), app('"tab\t"', "100"), app('"nul\x00"', "100"),
        "\ufeff" + app('"bom"', "100"), "   ", "", app('"ws"', "100") + "  \t",
        app('"trail"', "100") + " x", app('"trail2"', "100") + "}", app('"trail3"', "100") + " {}",
        '{"id": "dupkey", "id": "x", "measure": "算力券", "facts": {%s}}' % (facts % "100"),
        '{"id": "dupfact", "measure": "算力券", "facts": {"合同金额": 1, %s}}' % (facts % "2"),
        '{"id": "dupfact-esc", "measure": "算力券", "facts": {"\\u5408同金额": 1, %s}}' % (facts % "2"),
        '{"id": "esc-key", "measure": "算力券", "facts": {"\\u5408\\u540c\\u91d1\\u989d": 100, "采购类型": "\\u7b97力服务", "算力设施档位": "一档"}}',
        '{"id": "unknown-fact", "measure": "算力券", "facts": {"无此事实": 1, %s}}' % (facts % "100"),
        '{"id": "asof", "as_of": "2025-07-01", "measure": "算力券", "facts": {%s}}' % (facts % "100"),
        '{"id": "applicant", "applicant": "甲公司", "measure": "算力券", "facts": {%s}}' % (facts % "100"),
        '{"id": "no-facts", "measure": "算力券"}', '{"id": "m", "measure": "无此措施", "facts": {}}', "[1,2]",
        '{"id": "missing", "measure": "算力券", "facts": {"合同金额": 100}}',
        '{"id": "null-opt", "measure": "算力券", "facts": {"核定年度上限": null, %s}}' % (facts % "100"),
        '{"id": "null-dup", "measure": "算力券", "facts": {"核定年度上限": null, "核定年度上限": 5, %s}}' % (facts % "100"),
        '{"id": "tru", "measure": "算力券", "facts": {"合同金额": 100, "采购类型": "模型服务", "模型已备案": tru}}',
        '{"id": "nocomma" "measure": "算力券", "facts": {}}',
        '{"id": "unclosed", "measure": "算力券", "facts": {"合同金额": 100',
        '{"id": "eval-miss", "measure": "算力券", "facts": {"同一合同智能券金额": 5, %s}}' % (facts % "100"),
        '{"id": "zero-room", "measure": "算力券", "facts": {"本年度已申领算力券": "800万元", %s}}' % (facts % "100"),
        '{"id":"compact","measure":"算力券","facts":{"合同金额":"13869413.77","采购类型":"模型服务","模型已备案":false}}',
        '{"id": 5, "measure": "智能券", "facts": {"合同金额": 5000000, "申请主体": "企业", "智能券档位": "一档"}}',
    ]
    out = [x.encode("utf-8", "surrogatepass") for x in lines]
    out.append(app('"bad-utf8 ', "100").encode() .replace(b'"bad-utf8 ', b'"bad-utf8 \xff"'))
    return out


def main():
    a = SUITE.parse()
    policy = os.path.join(a.root, "policies/hangzhou-ai")
    cmd = [a.kuan, "eval", policy, "--version", "2025年版", "--batch", "-"]

    # 1. A result for the first line arrives while the input is still open,
    #    whether lines are evaluated on the reading thread (--jobs 1) or on others.
    for jobs in ([], ["--jobs", "1"]):
        p = subprocess.Popen(cmd + jobs, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        p.stdin.write(line(1, 100).encode())
        p.stdin.flush()
        got = []
        reader = threading.Thread(target=lambda: got.append(p.stdout.readline()))
        reader.start()
        reader.join(timeout=30)
        check(f"first result before the input ends {jobs}", got and json.loads(got[0])["id"] == "s1", f"got {got}")
        p.stdin.write(line(2, 200).encode())
        p.stdin.close()
        rest = p.stdout.read().decode()
        p.wait(timeout=30)
        check(f"the rest after the input ends {jobs}", p.returncode == 0 and json.loads(rest)["id"] == "s2", rest)

    # 2. Input order kept, identical output for 1 thread and many.
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "in.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            for i in range(20000):
                f.write(line(i, 1000 + i * 7) if i % 997 else '{"id": "bad%d", "measure": 1}\n' % i)
        runs = {}
        for jobs in ("1", "2", "7"):
            r = subprocess.run([a.kuan, "eval", policy, "--version", "2025年版", "--batch", path, "--jobs", jobs],
                               capture_output=True, timeout=300)
            runs[jobs] = r
        check("bad lines give exit 2", all(r.returncode == 2 for r in runs.values()), [r.returncode for r in runs.values()])
        check("same bytes for --jobs 1, 2, 7", runs["1"].stdout == runs["2"].stdout == runs["7"].stdout)
        ids = [json.loads(x)["id"] for x in runs["1"].stdout.decode().splitlines()]
        want = [f"s{i}" if i % 997 else f"bad{i}" for i in range(20000)]
        check("input order", ids == want, f"{len(ids)} lines")
        with open(path, "rb") as f:
            piped = subprocess.run(cmd, stdin=f, capture_output=True, timeout=300)
        check("a pipe gives the same as a file", piped.stdout == runs["1"].stdout)

    # 2b. On a terminal: a running count, then the total (script gives the command a pty).
    if shutil.which("script"):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "in.jsonl")
            with open(path, "w", encoding="utf-8") as f:
                for i in range(50000):
                    f.write(line(i, 1000 + i))
            shown = " ".join(cmd[:-1] + [path])
            r = subprocess.run(["script", "-qec", shown + " > " + os.path.join(tmp, "out.jsonl"), "/dev/null"],
                               capture_output=True, timeout=300)
            text = r.stdout.decode("utf-8", "replace")
            check("progress on a terminal", r.returncode == 0 and "已计算 50000 项" in text, text[-300:])
            with open(os.path.join(tmp, "out.jsonl"), "rb") as f:
                check("results unaffected by the progress line", sum(1 for _ in f) == 50000)
            r = subprocess.run(["script", "-qec", shown + " --no-progress > /dev/null", "/dev/null"],
                               capture_output=True, timeout=300)
            check("--no-progress", r.returncode == 0 and "已计算" not in r.stdout.decode("utf-8", "replace"), r.stdout[-200:])

    # 3. --jobs is checked.
    for bad in ("0", "x", "-1", "1000"):
        r = subprocess.run(cmd[:-1] + ["-", "--jobs", bad], input=b"", capture_output=True, timeout=30)
        check(f"--jobs {bad} refused", r.returncode == 2 and b"--jobs" in r.stderr and r.stdout == b"", r.stderr[:200])

    # 4. CSV.
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "in.csv")
        rows = ("\ufeffid,measure,合同金额,采购类型,算力设施档位,中小企业,模型已备案\r\n"
                'c1,算力券,"1,200,000",算力服务,二档,否,\r\n'
                "c2,算力券,40万元,算力服务,一档,是,TRUE\r\n"
                'c3,算力券,"1,20,000",算力服务,二档,,\r\n'
                '"c4\nx",算力券,100,模型服务,,,false\r\n'
                'c5,算力券,1"00,算力服务,一档,,\r\n'
                "c6,算力券,100,模型服务,,,FALSE\r\n")
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(rows)
        base = [a.kuan, "eval", policy, "--version", "2025年版", "--batch", path]
        r = subprocess.run(base, capture_output=True, timeout=60)
        check("a BOM and CRLF in, a BOM and CRLF out (Excel's CSV)", r.stdout.startswith(b"\xef\xbb\xbfid,") and b",error\r\n" in r.stdout,
              r.stdout[:80])
        out = r.stdout.decode("utf-8-sig")
        got = list(csv.DictReader(io.StringIO(out)))
        check("CSV in → CSV out, exit 2 for bad rows", r.returncode == 2 and len(got) == 6, out)
        by = {row["line"] or row["id"]: row for row in got}
        check("thousands separators in money", by["c1"]["amount"] == "240000.00", by.get("c1"))
        check("是 and TRUE are booleans", by["c2"]["amount"] == "200000.00", by.get("c2"))  # 中小企业 40万 ≤ 50万: 50%
        check("a bad grouping is a bad fact", by["4"]["code"] == "bad_fact" and "1,20,000" in by["4"]["error"], by.get("4"))
        check("a quoted line break; false is a boolean", by["c4\nx"]["eligible"] == "false" and by["c4\nx"]["code"] == "", by.get("c4\nx"))
        check("a stray quote names its line", by["7"]["code"] == "bad_line" and "引号" in by["7"]["error"], by.get("7"))
        check("FALSE: not filed → ineligible", by["c6"]["eligible"] == "false" and "备案" in by["c6"]["reasons"], by.get("c6"))
        r = subprocess.run(base + ["--out-format", "jsonl"], capture_output=True, timeout=60)
        js = [json.loads(x) for x in r.stdout.decode().splitlines()]
        check("CSV in → JSONL out", len(js) == 6 and js[0]["amount"] == "240000.00" and js[2]["code"] == "bad_fact", js[:3])
        r = subprocess.run(base + ["--excel"], capture_output=True, timeout=60)
        check("--excel starts with a UTF-8 BOM", r.stdout.startswith(b"\xef\xbb\xbfid,measure,"), r.stdout[:20])
        with open(path, "wb") as f:
            f.write("id,measure,合同金额,申请主体,智能券档位\nz1,智能券,100,企业,一档\n".encode("gbk"))
        r = subprocess.run(base, capture_output=True, timeout=60)
        check("a GBK file is named as such", r.returncode == 2 and "GBK" in r.stderr.decode() and r.stdout == b"", r.stderr[:300])
        with open(path, "w", encoding="utf-8") as f:
            f.write("id,measure,不存在的事实\nz1,智能券,1\n")
        r = subprocess.run(base, capture_output=True, timeout=60)
        check("a column that is not a fact is passed through with one warning",
              r.stdout.decode().splitlines()[0].endswith(",不存在的事实") and r.stderr.decode().count("不存在的事实") == 1,
              (r.stdout[:300], r.stderr[:300]))
        with open(path, "w", encoding="utf-8") as f:
            f.write("id,measure,合同金頟\nz1,智能券,1\n")
        r = subprocess.run(base, capture_output=True, timeout=60)
        check("a column one character from a fact is refused", r.returncode == 2 and "是不是 合同金额?" in r.stderr.decode(), r.stderr[:300])
        # A list fact has no CSV flattening: the row is a bad fact saying so (docs/cli-json.md).
        with open(path, "w", encoding="utf-8") as f:
            f.write('id,measure,经营,经营月数\nt1,汇算,"[{""收入总额"": 1}]",12\n')
        tax = os.path.join(a.root, "examples", "个人所得税经营所得")
        r = subprocess.run([a.kuan, "eval", tax, "--version", "2023年版", "--batch", path], capture_output=True, timeout=60)
        got = list(csv.DictReader(io.StringIO(r.stdout.decode())))
        check("a list fact in CSV is refused as not supported", r.returncode == 2 and len(got) == 1 and got[0]["code"] == "bad_fact" and
              "CSV、kuan allocate 与逐个设置不支持列表" in got[0]["error"], (r.stdout[:300], r.stderr[:300]))

    # 5. The fast front end (simdjson) gives the bytes of the precise
    #    reader on tricky lines: --pass-through reads every line the precise way.
    tricky = tricky_lines()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "tricky.jsonl")
        with open(path, "wb") as f:
            f.write(b"\n".join(tricky) + b"\n")
        fast = subprocess.run(cmd[:-1] + [path], capture_output=True, timeout=120)
        precise = subprocess.run(cmd[:-1] + [path, "--pass-through"], capture_output=True, timeout=120)
        out = fast.stdout.decode("utf-8", "replace").splitlines()
        check("tricky lines: same bytes as the precise reader", fast.stdout == precise.stdout,
              "\n".join(f"{a}\n   vs {b}" for a, b in zip(out, precise.stdout.decode("utf-8", "replace").splitlines()) if a != b)[:3000])
        blank = sum(1 for x in tricky if not x.strip(b" \t\r"))
        check("tricky lines: one result a line, exit 2", fast.returncode == 2 and len(out) == len(tricky) - blank, len(out))
        results = sum(1 for x in out if '"amount"' in x)
        check("tricky lines: the good ones evaluated", 20 <= results < len(out), results)
        # CRLF and the same lines through a pipe, on two threads: still the same.
        with open(path, "wb") as f:
            f.write(b"\r\n".join(tricky) + b"\r\n")
        with open(path, "rb") as f:
            crlf = subprocess.run(cmd + ["--jobs", "2"], stdin=f, capture_output=True, timeout=120)
        check("tricky lines with CRLF, piped, 2 threads", crlf.stdout == precise.stdout)

    sys.exit(SUITE.finish())


if __name__ == "__main__":
    main()
