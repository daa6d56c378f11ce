#!/usr/bin/env python3
"""The Excel round trip: CSV as Chinese Excel writes and reads it.

eval --batch and allocate: --excel writes a UTF-8 BOM and CRLF record ends (not
inside quoted cells); an input with a BOM or CRLF keeps them in the output;
eval's CSV has a notes column; Chinese header aliases (编号 措施 申请人 日期);
columns that are not facts are passed through (eval's CSV output) or ignored
with one warning, never a refused file; --encoding gbk/gb18030 reads what
Chinese Excel saves; CSV on standard input is recognised (or --in-format is
named); money cells like ￥480,000.00. Every check is on the output's bytes.

Usage: run_excel_tests.py --kuan PATH --root REPO [NAME...]   (tests/kuan_suite.py)
"""
import json
import os
import subprocess
import sys
import tempfile

from kuan_suite import Suite

SUITE = Suite(__doc__, max_detail=800)
BOM = b"\xef\xbb\xbf"


def run(args, stdin=b""):
    r = subprocess.run([SUITE.args.kuan] + args, input=stdin, capture_output=True, timeout=120)
    return r.returncode, r.stdout, r.stderr.decode("utf-8", "replace")


def write(tmp, name, data):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def records(data):
    """Record ends of CSV bytes: the count of CRLF and of bare LF outside quotes."""
    crlf = lf = 0
    quoted = False
    for i, b in enumerate(data):
        if b == 0x22:
            quoted = not quoted
        elif b == 0x0A and not quoted:
            if i > 0 and data[i - 1] == 0x0D:
                crlf += 1
            else:
                lf += 1
    return crlf, lf


EVAL_CSV = ("id,measure,合同金额,采购类型,算力设施档位,本年度已申领算力券\n"
            "A-1,算力券,1200000,算力服务,一档,0\n"
            "A-2,算力券,\"1,000,000\",算力服务,二档,800万元\n"
            "A-3,算力卷,1000,算力服务,一档,0\n")


def eval_batch(a, policy, tmp):
    ev = ["eval", policy, "--version", "2025年版", "--no-progress", "--batch"]
    plain = write(tmp, "plain.csv", EVAL_CSV.encode())
    code, out, err = run(ev + [plain, "--excel"])
    SUITE.check("eval --excel: BOM first", out.startswith(BOM), out[:20])
    SUITE.check("eval --excel: every record ends in CRLF", records(out) == (4, 0), (records(out), out[:300]))
    header = out[3:].split(b"\r\n")[0].decode()
    SUITE.check("eval CSV has a notes column", header.split(",")[:8] == "id,measure,version,eligible,amount,reasons,notes,bound".split(","), header)
    rows = out.decode("utf-8-sig").split("\r\n")
    SUITE.check("eval CSV: the exhausted cap's note in notes", "算力券年度余额" in rows[2].split(",")[6], rows[2])
    SUITE.check("eval CSV: a bad line keeps its did-you-mean", "是不是 算力券?" in rows[3], rows[3])
    code, out, err = run(ev + [plain])
    SUITE.check("eval: LF input, no --excel → LF output without BOM", not out.startswith(BOM) and records(out) == (0, 4), out[:100])
    excel_in = write(tmp, "excel.csv", BOM + EVAL_CSV.replace("\n", "\r\n").encode())
    code, out2, err = run(ev + [excel_in])
    SUITE.check("eval: BOM and CRLF input keep them in the output", out2.startswith(BOM) and records(out2) == (4, 0), out2[:100])
    SUITE.check("eval: the same results either way", out2[3:].replace(b"\r\n", b"\n") == out, (out2[:300], out[:300]))
    # Header aliases and a column that is not a fact; money written as Excel shows it.
    aliased = ("编号,措施,日期,企业名称,合同金额,采购类型,算力设施档位\n"
               "B-1,算力券,2025-07-01,杭州某某科技有限公司,\"￥480,000.00\",算力服务,一档\n")
    path = write(tmp, "aliased.csv", aliased.encode())
    code, out, err = run(ev + [path])
    aliased_csv = out
    text = out.decode()
    lines = text.splitlines()
    SUITE.check("eval: Chinese header aliases and ￥480,000.00", code == 0 and ",true,144000.00," in lines[1], (code, text, err))
    SUITE.check("eval: a column that is not a fact is passed through to CSV",
                lines[0].endswith(",企业名称") and lines[1].endswith(",杭州某某科技有限公司"), text)
    code, out, err = run(ev + [path, "--out-format", "jsonl"])
    res = [json.loads(l) for l in out.decode().splitlines()]
    SUITE.check("eval: with JSONL output the column is ignored with one warning",
                code == 0 and len(res) == 1 and res[0]["amount"] == "144000.00" and err.count("企业名称") == 1, (out, err))
    # 日期 is as_of: without --version each row is computed with the edition in force that day.
    dated = write(tmp, "dated.csv", ("编号,措施,日期,合同金额,采购类型,算力设施档位\n"
                                     "D-1,算力券,2025-07-01,100000,算力服务,一档\n"
                                     "D-2,算力券,2020-01-01,100000,算力服务,一档\n").encode())
    code, out, err = run(["eval", policy, "--no-progress", "--batch", dated])
    rows = out.decode().splitlines()
    SUITE.check("eval: 日期 chooses the edition in force that day",
                code == 2 and rows[1].startswith("D-1,算力券,2025年版,true,30000.00,") and ",no_edition," in rows[2], (code, out, err))
    # Spaces typed after the commas ("a, b"): layout around a bare cell, in the header as
    # in the cells; a quoted cell keeps what it holds (so " 一档" quoted is not 一档).
    spaced = write(tmp, "spaced.csv", ("编号, 措施 ,合同金额,\t采购类型, 算力设施档位\n"
                                       "S-1, 算力券, 480000 , 算力服务,一档\t\n"
                                       "S-2,算力券,\"480,000\",算力服务,\" 一档\"\n").encode())
    code, out, err = run(ev + [spaced])
    rows = out.decode().splitlines()
    SUITE.check("eval: spaces around bare CSV cells and header names are not part of them",
                code == 2 and rows[1].startswith("S-1,算力券,2025年版,true,144000.00,") and ",3,bad_fact," in rows[2]
                and "\" 一档\"" in rows[2], (code, out, err))
    # GBK, as Chinese Excel saves "CSV (逗号分隔)".
    gbk = write(tmp, "gbk.csv", aliased.encode("gbk"))
    code, out3, err = run(ev + [gbk, "--encoding", "gbk"])
    SUITE.check("eval --encoding gbk reads a GBK file: the same bytes as from UTF-8",
                code == 0 and out3 == aliased_csv, (code, out3, aliased_csv, err))
    code, out4, err = run(ev + [gbk, "--encoding", "gb18030"])
    SUITE.check("eval --encoding gb18030", code == 0 and out4 == out3, err)
    code, out5, err = run(ev + [gbk])
    SUITE.check("eval: a GBK file without --encoding says so", code == 2 and "GBK" in err and "--encoding gbk" in err, err)
    code, out5, err = run(ev + [write(tmp, "bad.csv", b"id,measure\n\x81\x20,x\n"), "--encoding", "gbk"])
    SUITE.check("eval --encoding gbk: bytes that are not GBK are an error with their place", code == 2 and "字节" in err, err)
    # CSV on standard input.
    code, out, err = run(ev + ["-"], stdin=EVAL_CSV.encode())
    SUITE.check("eval: CSV on stdin is recognised", code == 2 and out.decode().startswith("id,measure,version,") and "144000" not in err, (out[:200], err))
    code, out, err = run(ev + ["-"], stdin=BOM + EVAL_CSV.replace("\n", "\r\n").encode())
    SUITE.check("eval: Excel CSV on stdin keeps BOM and CRLF", out.startswith(BOM) and records(out) == (4, 0), out[:60])
    code, out, err = run(ev + ["-"], stdin="这不是 JSON\n".encode())
    SUITE.check("eval: neither JSONL nor CSV on stdin names --in-format", code == 2 and "--in-format" in err, (out, err))
    # Old Excel for Mac ends lines with a lone CR: refused with what to do, never read as one line.
    mac = EVAL_CSV.replace("\n", "\r").encode()
    code, out, err = run(ev + [write(tmp, "mac.csv", mac)])
    SUITE.check("eval: CR-only line ends are refused, saying so", code == 2 and out == b"" and "单独的 CR" in err, (code, out[:200], err))
    code, out, err = run(ev + ["-"], stdin=mac)
    SUITE.check("eval: CR-only line ends on stdin too", code == 2 and out == b"" and "<stdin>" in err and "单独的 CR" in err, (code, err))
    # The empty rows Excel leaves below the data where cells were touched: skipped, as blank lines are.
    trailing = BOM + (EVAL_CSV[:EVAL_CSV.index("A-3")] + ",,,,,\n , ,,\t,,\n\n,,,\n").replace("\n", "\r\n").encode()
    code, out, err = run(ev + [write(tmp, "trailing.csv", trailing)])
    rows = out.decode("utf-8-sig").split("\r\n")
    SUITE.check("eval: Excel's empty rows below the data are skipped",
                code == 0 and len(rows) == 4 and rows[3] == "" and rows[2].startswith("A-2,") and "unknown_measure" not in out.decode(),
                (code, out[:400], err))
    code, out, err = run(ev + [write(tmp, "inner.csv", (EVAL_CSV[:EVAL_CSV.index("A-3")] + ",,,,,\nA-3,算力卷,1000,算力服务,一档,0\n").encode())])
    SUITE.check("eval: an empty row between records is skipped and the next keeps its line number",
                code == 2 and len(out.decode().splitlines()) == 4 and ",5,unknown_measure," in out.decode(), (code, out, err))
    code, out, err = run(ev + ["-"], stdin=b'{"id": 1,\r "measure": "\xe7\xae\x97\xe5\x8a\x9b\xe5\x88\xb8", "facts": {}}\n')
    SUITE.check("eval: a CR inside a JSONL line that ends in LF is white space", code == 2 and b'"code":"missing_fact"' in out, (code, out, err))


ALLOC_CSV = ("编号,申请人,措施,企业名称,合同金额,采购类型,算力设施档位\n"
             "Y-1,A,算力券,甲公司,\"￥1,200,000.00\",算力服务,一档\n"
             "Y-2,A,算力券,\"乙公司, 杭州\",\"300万元\",算力服务,二档\n"
             "Y-3,B,算力券,丙公司,500000,算力服务,一档\n")


def allocate(a, policy, tmp):
    al = ["allocate", policy, "--version", "2025年版", "--no-progress"]
    path = write(tmp, "year.csv", ALLOC_CSV.encode())
    out_path = os.path.join(tmp, "out.csv")
    code, out, err = run(al + ["--in", path, "--out", out_path, "--excel"])
    data = open(out_path, "rb").read() if os.path.exists(out_path) else b""
    SUITE.check("allocate --excel: BOM and CRLF", code == 0 and data.startswith(BOM) and records(data) == (4, 0), (code, err, data[:200]))
    SUITE.check("allocate: aliases and ￥ cells read", b"Y-1,A,\xe7\xae\x97\xe5\x8a\x9b\xe5\x88\xb8,true,360000.00" in data, data[:400])
    SUITE.check("allocate: a column that is not a fact is ignored with one warning", err.count("企业名称") == 1, err)
    two = write(tmp, "two.csv", ("编号,申请人,措施,企业名称,联系人,合同金额,采购类型,算力设施档位\n"
                                 "Z-1,A,算力券,甲公司,张三,100000,算力服务,一档\n"
                                 "Z-2,B,算力券,乙公司,李四,200000,算力服务,一档\n").encode())
    code, out, err = run(al + ["--in", two])
    warnings = [l for l in err.splitlines() if "警告" in l]
    SUITE.check("allocate: two such columns, still one warning naming both",
                code == 0 and len(warnings) == 1 and "企业名称" in warnings[0] and "联系人" in warnings[0], (code, err, out[:200]))
    code, out, err = run(al + ["--in", path])
    SUITE.check("allocate: LF input → LF output", code == 0 and not out.startswith(BOM) and records(out) == (0, 4) and b'"' not in out[:5], out[:200])
    excel_in = write(tmp, "year-excel.csv", BOM + ALLOC_CSV.replace("\n", "\r\n").encode())
    code, out2, err = run(al + ["--in", excel_in])
    SUITE.check("allocate: BOM and CRLF input keep them", code == 0 and out2.startswith(BOM) and records(out2) == (4, 0), (err, out2[:100]))
    SUITE.check("allocate: the same decisions either way", out2[3:].replace(b"\r\n", b"\n") == out)
    gbk = write(tmp, "year-gbk.csv", ALLOC_CSV.encode("gbk"))
    code, out3, err = run(al + ["--in", gbk, "--encoding", "gbk"])
    SUITE.check("allocate --encoding gbk", code == 0 and out3 == out, (err, out3[:200]))
    code, out4, err = run(al + ["--in", "-"], stdin=ALLOC_CSV.encode())
    SUITE.check("allocate: CSV on stdin is recognised", code == 0 and out4 == out, (err, out4[:200]))
    code, out6, err = run(al + ["--in", write(tmp, "year-trailing.csv", (ALLOC_CSV + ",,,,,,\n,,,\n").encode())])
    SUITE.check("allocate: Excel's empty rows below the data are skipped", code == 0 and out6 == out, (code, err, out6[:200]))
    code, out6, err = run(al + ["--in", write(tmp, "year-bad.csv", (ALLOC_CSV + ",,,,,,\nY-4,,算力券,丁公司,1,算力服务,一档\n").encode())])
    SUITE.check("allocate: after an empty row an error keeps its line number", code == 2 and ":6:" in err, (code, err))
    code, out5, err = run(al + ["--in", write(tmp, "year-mac.csv", ALLOC_CSV.replace("\n", "\r").encode())])
    SUITE.check("allocate: CR-only line ends are refused, saying so", code == 2 and out5 == b"" and "单独的 CR" in err, (code, err))


def main():
    a = SUITE.parse()
    policy = os.path.join(a.root, "policies/hangzhou-ai")
    with tempfile.TemporaryDirectory() as tmp:
        eval_batch(a, policy, tmp)
        allocate(a, policy, tmp)
    sys.exit(SUITE.finish())


if __name__ == "__main__":
    main()
