#!/usr/bin/env python3
"""End-to-end runs of `kuan allocate` (spec "Batch-level rules").

Each case runs the command in a fresh temporary folder and checks the exit
status, the decisions (JSONL or CSV, compared as text: amounts are strings),
the summary, and — for bad input — that stdout is empty, the message names the
line, an existing output file is left as it was and no temporary file remains.

Usage: run_allocate_tests.py --kuan PATH --root REPO [NAME-SUBSTRING]
Prints one line per failure and finally "N passed, M failed"; exit 1 on failure.
"""
import csv
import decimal
import io
import json
import os
import subprocess
import sys
import tempfile

from kuan_suite import Suite

ARGS = None
CASES = []


def case(fn):
    CASES.append(fn)
    return fn


class Failure(Exception):
    pass


def check(cond, message):
    if not cond:
        raise Failure(message)


def kuan(work, *args, stdin=None, policy="policies/hangzhou-ai"):
    cmd = [ARGS.kuan, "allocate", os.path.join(ARGS.root, policy), "--version", "2025年版", *args]
    r = subprocess.run(cmd, cwd=work, input=(stdin or "").encode(), capture_output=True, timeout=120)
    return r.returncode, r.stdout.decode("utf-8"), r.stderr.decode("utf-8")


def write(work, name, lines):
    with open(os.path.join(work, name), "w", encoding="utf-8") as f:
        for line in lines:
            f.write((line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n")


def app(id, applicant, measure, **facts):
    return {"id": id, "applicant": applicant, "measure": measure, "facts": facts}


SUANLI = dict(合同金额="2500万元", 采购类型="算力服务", 算力设施档位="二档")  # 500万 each
THREE = [app("A1", "企业甲", "算力券", **SUANLI), app("A2", "企业甲", "算力券", **SUANLI),
         app("A3", "企业甲", "算力券免审配套", 合同金额="100万元", 智能券档位="一档"),
         app("Q1", "企业乙", "优秀专用模型", 研发成本="100万元", 评审得分=88.5)]


def jsonl(text):
    return [json.loads(l, parse_float=str) for l in text.splitlines() if l.strip()]


@case
def help_text(work):
    code, out, _ = kuan(work, "--help")
    check(code == 0 and "--in" in out and "--summary" in out, f"--help: exit {code}")


@case
def caps_across_three_applications(work):
    write(work, "in.jsonl", THREE)
    code, out, err = kuan(work, "--in", "in.jsonl", "--out", "out.jsonl")
    check(code == 0, f"exit {code}: {err}")
    check(out == "", "nothing but decisions on stdout, and here they go to the file")
    d = jsonl(open(os.path.join(work, "out.jsonl"), encoding="utf-8").read())
    check([x["id"] for x in d] == ["A1", "A2", "A3", "Q1"], "output order is the input order")
    check([x["amount"] for x in d] == ["5000000.00", "3000000.00", "0.00", "300000.00"], f"amounts {d}")
    check([x["allocated"] for x in d] == ["5000000.00", "3000000.00", "0.00", "300000.00"], "allocated")
    check("cap_room_used" not in d[0] and "5000000.00" in d[1]["cap_room_used"], "cap_room_used on A2")
    check(d[2]["eligible"] is True and "已用尽" in d[2]["notes"][0], "A3: room used up, with a note")
    check(d[3]["quota_rank"] == 1, "quota rank")
    for x in d:
        check(set(["id", "applicant", "measure", "eligible", "amount", "allocated", "reasons"]) <= set(x), f"fields {x}")
    check("分配汇总" in err and "杭州算力券" in err, "summary on stderr")


@case
def stdout_when_no_out(work):
    write(work, "in.jsonl", THREE)
    code, out, err = kuan(work, "--in", "in.jsonl")
    check(code == 0, f"exit {code}: {err}")
    d = jsonl(out)
    check(len(d) == 4 and all("allocated" in x for x in d), "every stdout line is a decision")
    code2, out2, _ = kuan(work, "--in", "-", stdin="".join(json.dumps(a, ensure_ascii=False) + "\n" for a in THREE))
    check(code2 == 0 and out2 == out, "stdin gives the same decisions")


@case
def pool_total_exact(work):
    gen = os.path.join(ARGS.root, "tools/bench/gen_allocate.py")
    with open(os.path.join(work, "in.jsonl"), "w") as f:
        subprocess.run([sys.executable, gen, "3000", "--seed", "7"], stdout=f, check=True)
    code, _, err = kuan(work, "--in", "in.jsonl", "--out", "out.jsonl", "--summary", "s.json")
    check(code == 0, f"exit {code}: {err}")
    check(err == "", "with --summary nothing goes to stderr")
    s = json.load(open(os.path.join(work, "s.json"), encoding="utf-8"), parse_float=str)
    pool = s["pools"][0]
    check(pool["pool"] == "杭州算力券" and pool["scaled"], f"the pool should be exceeded: {pool}")
    total = sum(decimal.Decimal(x["allocated"]) for x in jsonl(open(os.path.join(work, "out.jsonl")).read())
                if x["measure"] in ("算力券", "算力券免审配套"))
    check(total == decimal.Decimal("250000000.00") and pool["allocated"] == "250000000.00", f"pool total {total}")
    for q in s["quotas"]:
        check(q["funded"] == min(q["quota"], q["candidates"]), f"quota {q}")


@case
def csv_round_trip(work):
    facts = ["合同金额", "采购类型", "算力设施档位", "智能券档位", "研发成本", "评审得分"]
    with open(os.path.join(work, "in.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "applicant", "measure"] + facts)
        for a in THREE:
            w.writerow([a["id"], a["applicant"], a["measure"]] + [str(a["facts"].get(k, "")) for k in facts])
    write(work, "in.jsonl", THREE)
    code, _, err = kuan(work, "--in", "in.csv", "--out", "out.csv")
    check(code == 0, f"exit {code}: {err}")
    code, _, err = kuan(work, "--in", "in.jsonl", "--out", "out.jsonl")
    check(code == 0, f"exit {code}: {err}")
    rows = list(csv.DictReader(open(os.path.join(work, "out.csv"), encoding="utf-8", newline="")))
    d = jsonl(open(os.path.join(work, "out.jsonl"), encoding="utf-8").read())
    check(len(rows) == len(d) == 4, "row count")
    for row, x in zip(rows, d):
        check(row["id"] == x["id"] and row["applicant"] == x["applicant"] and row["measure"] == x["measure"], "ids")
        check(row["eligible"] == ("true" if x["eligible"] else "false"), "eligible")
        check(row["amount"] == x["amount"] and row["allocated"] == x["allocated"], "amounts")
        check(row["reasons"] == "; ".join(x["reasons"]), "reasons")
        check(row["cap_room_used"] == x.get("cap_room_used", ""), "cap_room_used")
        check(row["quota_rank"] == str(x.get("quota_rank", "")), "quota_rank")
    # --in-format/--out-format override the extension.
    code, out, err = kuan(work, "--in", "in.csv", "--out-format", "jsonl")
    check(code == 0 and jsonl(out) == d, f"CSV in, JSONL out: {err}")


BAD = [
    ("bad JSON", '{"id":"b","applicant":"E","measure":"智能券","facts":{"合同金额":1000,}}', ":2:", "JSON"),
    ("unknown measure", app("b", "E", "不存在"), ":2:", "measure"),
    ("bad fact", app("b", "E", "智能券", 合同金额="-5", 申请主体="企业", 智能券档位="一档"), ":2:", "facts.合同金额"),
    ("bad enum", app("b", "E", "智能券", 合同金额=5, 申请主体="企业", 智能券档位="三档"), ":2:", "facts.智能券档位"),
    ("unknown fact", app("b", "E", "智能券", 合同额=5), ":2:", "facts.合同额"),
    ("missing fact", app("b", "E", "智能券", 申请主体="企业", 智能券档位="一档"), ":2:", "合同金额"),
    ("missing score", app("b", "E", "优秀专用模型", 研发成本=5), ":2:", "评审得分"),
    ("duplicate id", app("g", "E", "智能券", 合同金额=5, 申请主体="企业", 智能券档位="一档"), ":2:", "重复"),
    ("missing applicant", {"id": "b", "measure": "智能券", "facts": {}}, ":2:", "applicant"),
    ("missing id", {"applicant": "E", "measure": "智能券", "facts": {}}, ":2:", "id"),
    ("missing required fact", app("b", "E", "科技保险保费补助", 研发类科技保险=True), ":2:", "年度实际保费"),
]
GOOD = app("g", "E", "智能券", 合同金额=1000, 申请主体="企业", 智能券档位="一档")


def bad_case(name, line, where, mention):
    def run(work):
        write(work, "in.jsonl", [GOOD, line, GOOD | {"id": "h"}])
        with open(os.path.join(work, "out.jsonl"), "w") as f:
            f.write("previous year\n")
        code, out, err = kuan(work, "--in", "in.jsonl", "--out", "out.jsonl")
        check(code == 2, f"exit {code}, expected 2")
        check(out == "", "nothing on stdout")
        check("in.jsonl" + where in err and mention in err, f"message should name the line and {mention}: {err}")
        check(open(os.path.join(work, "out.jsonl")).read() == "previous year\n", "output file must be untouched")
        check(sorted(os.listdir(work)) == ["in.jsonl", "out.jsonl"], f"left behind: {os.listdir(work)}")
        # Without --out: still nothing on stdout.
        code, out, _ = kuan(work, "--in", "in.jsonl")
        check(code == 2 and out == "", "stdout mode: nothing printed")
    run.__name__ = "bad line: " + name
    return run


for b in BAD:
    CASES.append(bad_case(*b))


@case
def bad_csv_cell(work):
    with open(os.path.join(work, "in.csv"), "w", encoding="utf-8") as f:
        f.write("id,applicant,measure,合同金额,申请主体,智能券档位\na,E,智能券,100,企业,一档\nb,E,智能券,abc,企业,一档\n")
    code, out, err = kuan(work, "--in", "in.csv", "--out", "out.csv")
    check(code == 2 and out == "" and "in.csv:3:" in err and "合同金额" in err, f"exit {code}: {err}")
    check(not os.path.exists(os.path.join(work, "out.csv")), "no output file")


@case
def unreadable_input_and_bad_options(work):
    code, out, err = kuan(work, "--in", "missing.jsonl", "--out", "out.jsonl")
    check(code == 2 and out == "" and "missing.jsonl" in err, f"missing input: exit {code}")
    code, _, _ = kuan(work, "--in", "x.jsonl", "--out-format", "xml")
    check(code == 2, "bad --out-format")


@case
def deterministic(work):
    gen = os.path.join(ARGS.root, "tools/bench/gen_allocate.py")
    with open(os.path.join(work, "in.jsonl"), "w") as f:
        subprocess.run([sys.executable, gen, "500", "--seed", "3"], stdout=f, check=True)
    a = kuan(work, "--in", "in.jsonl")
    b = kuan(work, "--in", "in.jsonl")
    check(a[0] == 0 and a == b, "same input, same decisions")


def decide(work, lines):
    write(work, "in.jsonl", lines)
    code, out, err = kuan(work, "--in", "in.jsonl")
    check(code == 0, f"exit {code}: {err}")
    return {x["id"]: x for x in jsonl(out)}


# Spec (amended) "Per-enterprise yearly caps across applications": every cap the
# text states per enterprise per year; the second claim is capped by the first.
@case
def yearly_rooms_of_every_capped_measure(work):
    tiexi = dict(合规=True, 项目总投资="20亿元", 年度贷款平均余额="10亿元", 贴息点数="1.5个百分点", 年度实付利息="4000万元")
    d = decide(work, [
        app("I1", "企业甲", "科技保险保费补助", 研发类科技保险=True, 年度实际保费="80万元"),     # 40万
        app("I2", "企业甲", "科技保险保费补助", 研发类科技保险=True, 年度实际保费="40万元"),     # 20万, room 10万
        app("I3", "企业乙", "科技保险保费补助", 研发类科技保险=True, 年度实际保费="40万元"),     # another enterprise: 20万
        app("P1", "企业甲", "数据基础设施试点补贴", 服务合同年度累计金额="200万元"),             # 60万
        app("P2", "企业甲", "数据基础设施试点补贴", 服务合同年度累计金额="200万元"),             # 60万, room 40万
        app("D1", "企业甲", "开放数据集奖励", 实际投入="200万元", 评审得分=90),                  # 60万
        app("D2", "企业甲", "开放数据集奖励", 实际投入="200万元", 评审得分=80),                  # 60万, room 40万
        app("L1", "企业丙", "算力设施贷款贴息", **tiexi),                                        # 1500万 → 1000万
        app("L2", "企业丙", "算力设施贷款贴息", **tiexi),                                        # room 0
        app("L3", "企业丙", "算力设施贷款贴息", **tiexi, 本年度已获贴息="400万元"),               # given: its own figure
    ])
    want = {"I1": "400000.00", "I2": "100000.00", "I3": "200000.00", "P1": "600000.00", "P2": "400000.00",
            "D1": "600000.00", "D2": "400000.00", "L1": "10000000.00", "L2": "0.00", "L3": "6000000.00"}
    for k, v in want.items():
        check(d[k]["amount"] == v and d[k]["allocated"] == v, f"{k}: {d[k]}")
    check(d["I2"]["bound"] == "科技保险保费补助上限" and "400000.00" in d["I2"]["cap_room_used"], f"I2 {d['I2']}")
    check(d["P2"]["bound"] == "数据基础设施试点补贴上限" and "600000.00" in d["P2"]["cap_room_used"], f"P2 {d['P2']}")
    check(d["D2"]["bound"] == "开放数据集年度余额" and "本年度已获数据集奖励" in d["D2"]["cap_room_used"], f"D2 {d['D2']}")
    check(d["L2"]["eligible"] is True and "已用尽" in d["L2"]["notes"][0], f"L2 {d['L2']}")
    check("cap_room_used" not in d["L3"], "a room the line gives is not computed")
    check("cap_room_used" not in d["I3"] and "cap_room_used" not in d["I1"], "first claims use no earlier room")


@case
def quota_loser_uses_no_room(work):
    # 开放数据集奖励: 5 a year by 评审得分. 企业甲's first dataset ranks 6th: not funded, so its
    # second (ranked 1st) has the whole 100万 room: 60万, not min(60万, 100万 − 60万).
    lines = [app("D1", "企业甲", "开放数据集奖励", 实际投入="200万元", 评审得分=10)]
    lines += [app(f"X{i}", f"企业{i}", "开放数据集奖励", 实际投入="100万元", 评审得分=50 + i) for i in range(4)]
    lines += [app("D2", "企业甲", "开放数据集奖励", 实际投入="200万元", 评审得分=99),
              app("X9", "企业9", "开放数据集奖励", 实际投入="100万元", 评审得分=20)]
    d = decide(work, lines)
    check(d["D1"]["eligible"] is False and d["D1"]["allocated"] == "0.00" and d["D1"]["quota_rank"] == 7,
          f"D1 is outside the quota: {d['D1']}")
    check(d["D2"]["amount"] == "600000.00" and d["D2"]["allocated"] == "600000.00" and "cap_room_used" not in d["D2"],
          f"D2 keeps the whole room: {d['D2']}")
    check(d["X9"]["quota_rank"] == 6 and d["X9"]["eligible"] is False, f"X9 {d['X9']}")


@case
def year_contract_total_turns_off_the_sme_rate(work):
    sme = dict(采购类型="算力服务", 算力设施档位="二档", 中小企业=True)
    d = decide(work, [
        app("S1", "企业甲", "算力券", 合同金额="40万元", **sme),           # the year: 40万 + 20万 = 60万 > 50万
        app("S2", "企业甲", "算力券", 合同金额="20万元", **sme),
        app("S3", "企业乙", "算力券", 合同金额="40万元", **sme),           # alone: 40万 ≤ 50万 → 50%
        app("S4", "企业丙", "算力券", 合同金额="30万元", **sme),           # 30万 + 免审配套 30万 = 60万
        app("S5", "企业丙", "算力券免审配套", 合同金额="30万元", 智能券档位="一档"),
        app("S6", "企业丁", "算力券", 合同金额="40万元", 年度智算合同累计金额="40万元", **sme),
        app("S7", "企业丁", "算力券", 合同金额="40万元", **sme),           # given on S6 only: 40万 + 40万
    ])
    want = {"S1": "80000.00", "S2": "40000.00", "S3": "200000.00", "S4": "60000.00", "S5": "45000.00",
            "S6": "200000.00", "S7": "80000.00"}
    for k, v in want.items():
        check(d[k]["amount"] == v, f"{k}: {d[k]['amount']} != {v}")


@case
def csv_stray_quote_names_its_line(work):
    head = "id,applicant,measure,合同金额,申请主体,智能券档位\n"
    with open(os.path.join(work, "in.csv"), "w", encoding="utf-8") as f:
        f.write(head + "a,E,智能券,100,企业,一档\nb,E,智能券,1\"00,企业,一档\nc,E,智能券,100,企业,一档\n"
                "d,E,智能券,100,企业,一档\n")
    code, out, err = kuan(work, "--in", "in.csv", "--out", "out.csv")
    check(code == 2 and out == "" and "in.csv:3:10:" in err and "引号" in err, f"stray quote: exit {code}: {err}")
    with open(os.path.join(work, "in.csv"), "w", encoding="utf-8") as f:
        f.write(head + "a,E,智能券,100,企业,一档\nb,E,\"智能券,100,企业,一档\nc,E,智能券,100,企业,一档\n")
    code, out, err = kuan(work, "--in", "in.csv", "--out", "out.csv")
    check(code == 2 and "in.csv:3:5:" in err and "没有闭合" in err, f"unclosed quote: exit {code}: {err}")
    with open(os.path.join(work, "in.csv"), "w", encoding="utf-8") as f:
        f.write(head + "a,E,智能券,\"1\"\"0\" ,企业,一档\n")
    code, out, err = kuan(work, "--in", "in.csv", "--out", "out.csv")
    check(code == 2 and "in.csv:2:" in err and "引号" in err, f"text after a closing quote: exit {code}: {err}")
    with open(os.path.join(work, "in.csv"), "w", encoding="utf-8") as f:  # a quoted cell over two lines is fine
        f.write("id,applicant,measure,合同金额,申请主体,智能券档位\n\"a\n1\",\"E,\"\"x\"\"\",智能券,100,企业,一档\n")
    code, out, err = kuan(work, "--in", "in.csv", "--out", "out.csv")
    check(code == 0, f"quoted newline and quotes: exit {code}: {err}")


@case
def interrupt_while_writing_leaves_no_temporary_file(work):
    # Issue 11 (10): SIGINT/SIGTERM during the write must not leave .out.jsonl.tmp-* behind.
    import signal
    import time
    gen = os.path.join(ARGS.root, "tools/bench/gen_allocate.py")
    with open(os.path.join(work, "in.jsonl"), "w") as f:
        subprocess.run([sys.executable, gen, "300000", "--seed", "5"], stdout=f, check=True)
    cmd = [ARGS.kuan, "allocate", os.path.join(ARGS.root, "policies/hangzhou-ai"), "--version", "2025年版",
           "--in", "in.jsonl", "--out", "out.jsonl", "--no-progress"]
    for sig in (signal.SIGINT, signal.SIGTERM):
        for attempt in range(5):
            p = subprocess.Popen(cmd, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            seen = False
            while p.poll() is None:
                if any(n.startswith(".out.jsonl.tmp-") for n in os.listdir(work)):
                    seen = True
                    p.send_signal(sig)
                    break
                time.sleep(0.0005)
            p.wait(timeout=60)
            if seen:
                break
        check(seen, f"never caught the write in progress ({sig.name})")
        check(p.returncode == -sig, f"{sig.name}: exit {p.returncode}, expected death by the signal")
        left = [n for n in os.listdir(work) if ".tmp-" in n]
        check(not left, f"{sig.name} left {left}")
        out = os.path.join(work, "out.jsonl")
        if os.path.exists(out):  # the signal came after the rename: then the file is whole
            with open(out, "rb") as f:
                check(sum(1 for _ in f) == 300000, "an output file exists only when complete")
            os.remove(out)


RESEARCH = "examples/科研项目限项"


def research(id, unit, direction, score, budget="100万元", **more):
    return app(id, unit, "科研项目资助", 专业方向=direction, 核定预算=budget, 评审得分=score, **more)


@case
def count_limits_per_applicant_and_direction(work):
    """限额 of 件数: per unit and direction (拒绝, in order, before the ranking), and per direction over
    everyone (择优 by score). A refused application takes no place in the ranking."""
    lines = [research("A1", "甲", "生物医药", 90), research("A2", "甲", "生物医药", 70),
             research("A3", "甲", "生物医药", 99),  # the unit's third in a 2-project direction: refused
             *[research(f"B{i}", "甲", "人工智能", 80 + i) for i in range(1, 6)],  # 4 allowed in a key direction
             research("C1", "乙", "生物医药", 85), research("C2", "乙", "生物医药", 60),
             research("C3", "乙", "新材料", 60, 本年度同方向已立项数=2),  # a given count stands
             research("D1", "丙", "新材料", 50, 本年度同方向已立项数=1)]
    write(work, "in.jsonl", lines)
    code, out, err = kuan(work, "--in", "in.jsonl", "--summary", "s.json", policy=RESEARCH)
    check(code == 0, f"exit {code}: {err}")
    d = {x["id"]: x for x in jsonl(out)}
    refused = "每个单位每个专业方向每年最多立项2个(重点方向4个)"
    for i in ("A3", "B5", "C3"):
        check(not d[i]["eligible"] and d[i]["reasons"] == [refused] and "quota_rank" not in d[i], f"{i} refused: {d[i]}")
    funded = {i for i, x in d.items() if x["eligible"]}
    check(funded == {"A1", "C1", "A2", "B4", "B3", "B2", "D1"}, f"funded {sorted(funded)}")
    check([d[i]["quota_rank"] for i in ("A1", "C1", "A2", "C2")] == [1, 2, 3, 4], "生物医药 ranked by score, A3 not among them")
    check(d["C2"]["reasons"] == ["未入选:限额 方向立项名额 每年 3 个(每个专业方向分别计),本申请评审得分排第 4"], d["C2"]["reasons"])
    check(d["B1"]["allocated"] == "0.00" and d["B1"]["quota_rank"] == 4, f"B1 {d['B1']}")
    check(d["B4"]["allocated"] == "500000.00", "50% of 100万")
    s = json.load(open(os.path.join(work, "s.json"), encoding="utf-8"))
    check(s["quotas"][0]["per"] == "专业方向" and s["quotas"][0]["funded"] == 7 and s["quotas"][0]["candidates"] == 9,
          f"summary {s['quotas']}")
    # The same year in another order: the unit's first two 生物医药 lines are the ones admitted.
    write(work, "in2.jsonl", [lines[2], lines[0], lines[1]])
    code, out, err = kuan(work, "--in", "in2.jsonl", policy=RESEARCH)
    d2 = [x["eligible"] for x in jsonl(out)]
    check(code == 0 and d2 == [True, True, False], f"order decides who is refused: {d2} {err}")


@case
def opening_balances_money(work):
    """--opening: each applicant's usage before this run starts its running total (期初余额)."""
    write(work, "in.jsonl", THREE)
    write(work, "open.jsonl", [{"applicant": "企业甲", "facts": {"本年度已申领算力券": "600万元"}},
                               {"applicant": "企业丙", "facts": {"本年度已申领算力券": "1万元"}}])  # no application
    code, out, err = kuan(work, "--in", "in.jsonl", "--opening", "open.jsonl")
    check(code == 0, f"exit {code}: {err}")
    d = jsonl(out)
    # 800万 a year: 600万 used before, so A1 gets 200万 of its 500万 and A2 nothing.
    check([x["amount"] for x in d[:3]] == ["2000000.00", "0.00", "0.00"], f"amounts {[x['amount'] for x in d]}")
    check("期初已用" in d[0]["cap_room_used"] and "6000000.00" in d[0]["cap_room_used"], d[0].get("cap_room_used"))
    check("8000000.00" in d[1]["cap_room_used"], d[1].get("cap_room_used"))
    check("期初余额中有 1 条属于本批没有申请的申请人" in err, f"the unknown applicant is reported: {err}")
    # The same balances as CSV.
    with open(os.path.join(work, "open.csv"), "w", encoding="utf-8") as f:
        f.write("applicant,本年度已申领算力券\n企业甲,6000000\n")
    code, out2, err = kuan(work, "--in", "in.jsonl", "--opening", "open.csv")
    check(code == 0 and jsonl(out2) == d, f"CSV opening gives the same decisions: {err}")
    # Without it: the spec's rooms (A2 bound by A1's 500万).
    code, out3, _ = kuan(work, "--in", "in.jsonl")
    check([x["amount"] for x in jsonl(out3)[:2]] == ["5000000.00", "3000000.00"], "no opening: as before")


@case
def opening_balances_counts_per_group(work):
    """A 件数 total kept per 按 专业方向: the opening line names the direction."""
    lines = [research("A1", "甲", "生物医药", 90), research("A2", "甲", "生物医药", 70),
             research("B1", "甲", "人工智能", 80)]
    write(work, "in.jsonl", lines)
    write(work, "open.jsonl", [{"applicant": "甲", "facts": {"专业方向": "生物医药", "本年度同方向已立项数": 1}}])
    code, out, err = kuan(work, "--in", "in.jsonl", "--opening", "open.jsonl", policy=RESEARCH)
    check(code == 0, f"exit {code}: {err}")
    d = {x["id"]: x["eligible"] for x in jsonl(out)}
    check(d == {"A1": True, "A2": False, "B1": True}, f"one 生物医药 place left, 人工智能 untouched: {d}")


@case
def carry_stated_figures(work):
    """--carry-stated: a line that states 本年度已申领算力券 gives the usage before it; later lines go on from it."""
    lines = [app("A1", "企业甲", "算力券", 本年度已申领算力券="700万元", **SUANLI), app("A2", "企业甲", "算力券", **SUANLI)]
    write(work, "in.jsonl", lines)
    code, out, err = kuan(work, "--in", "in.jsonl")
    check(code == 0 and [x["amount"] for x in jsonl(out)] == ["1000000.00", "5000000.00"], f"default: the figure is A1's alone {out}{err}")
    code, out, err = kuan(work, "--in", "in.jsonl", "--carry-stated")
    check(code == 0 and [x["amount"] for x in jsonl(out)] == ["1000000.00", "0.00"], f"carried: 700万 + 100万 used {out}{err}")


@case
def too_many_requirements_counts_refusal_arms(work):
    """One 要求 with 33 否则 按 arms is 34 requirements to batch allocation (the 要求 and each arm): the refusal says the arms count."""
    arms = ", ".join(["0(含) 以下 => \"得分0\""] + [f"{n}(含) 至 {n}(含) => \"得分{n}\"" for n in range(1, 32)]
                     + ["32(含) 以上 => \"—\""])
    rules = ("政策 \"测试\"\n版本 \"2025年版\"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n"
             "事实 申请金额: 金额\n事实 得分: 整数\n"
             f"措施 甲 {{\n  要求 得分 ≥ 33 否则 按 得分 {{ {arms} }}\n  金额 = 申请金额\n}}\n")
    os.makedirs(os.path.join(work, "arms", "2025年版"))
    with open(os.path.join(work, "arms", "2025年版", "rules.kuan"), "w", encoding="utf-8") as f:
        f.write(rules)
    write(work, "in.jsonl", [app("a", "E", "甲", 申请金额="60", 得分=40)])
    code, out, err = kuan(work, "--in", "in.jsonl", policy=os.path.join(work, "arms"))
    check(code == 2 and out == "" and "要求(含 否则 按 { … } 的各分支)共 34 条" in err and "超过 32 条" in err,
          f"33 arms: exit {code} {err}")


# 甲 is in force in the first half of 2025 only (施行 on the measure).
DATED_POLICY = ("政策 \"测试\"\n版本 \"2025年版\"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n"
                "事实 申请金额: 金额\n措施 甲 {\n  施行 2025-01-01 至 2025-06-30\n  金额 = 申请金额\n}\n")


@case
def as_of_dates_the_lines(work):
    """--as-of dates every line without its own as_of (施行 on a measure, both sides of its end); a line's own wins; a bad one is refused where it is."""
    os.makedirs(os.path.join(work, "dated", "2025年版"))
    with open(os.path.join(work, "dated", "2025年版", "rules.kuan"), "w", encoding="utf-8") as f:
        f.write(DATED_POLICY)
    policy = os.path.join(work, "dated")
    write(work, "in.jsonl", [app("a", "E", "甲", 申请金额="60"), dict(app("b", "E", "甲", 申请金额="60"), as_of="2025-07-01"),
                             dict(app("c", "E", "甲", 申请金额="60"), as_of="2025-06-30")])
    for day, want in (("2025-06-30", [True, False, True]), ("2025-07-01", [False, False, True])):
        code, out, err = kuan(work, "--in", "in.jsonl", "--as-of", day, policy=policy)
        check(code == 0 and [d["eligible"] for d in jsonl(out)] == want, f"--as-of {day}: {out}{err}")
    with open(os.path.join(work, "in.csv"), "w", encoding="utf-8") as f:
        f.write("id,applicant,measure,申请金额,日期\na,E,甲,60,\nb,E,甲,60,2025-07-01\n")
    code, out, err = kuan(work, "--in", "in.csv", "--as-of", "2025-01-02", "--out-format", "jsonl", policy=policy)
    check(code == 0 and [d["eligible"] for d in jsonl(out)] == [True, False], f"CSV 日期 column: {out}{err}")
    write(work, "bad.jsonl", [app("a", "E", "甲", 申请金额="60"), dict(app("b", "E", "甲", 申请金额="60"), as_of="2025-06-31")])
    code, out, err = kuan(work, "--in", "bad.jsonl", "--out", "out.jsonl", policy=policy)
    check(code == 2 and out == "" and "bad.jsonl:2:" in err and "2025-06-31" in err and not os.path.exists(os.path.join(work, "out.jsonl")),
          f"a bad as_of: exit {code} {err}")


# A measure with named results (结果), one without, and a pool too small for both.
FIGURES_POLICY = ("政策 \"测试\"\n版本 \"2025年版\"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n"
                  "事实 收入: 金额\n事实 已缴: 金额 = 0元\n资金池 年度资金 = 1000元 覆盖 汇算, 补贴\n"
                  "措施 汇算 {\n  要求 收入 ≥ 1万元 否则 \"收入不足\"\n  结果 应纳税所得额 = max(0元, 收入 − 6万元)\n"
                  "  结果 应纳税额 = 应纳税所得额 × 10%\n  金额 = 应纳税额 − 已缴\n}\n措施 补贴 { 金额 = 收入 × 1% }\n")


def figures_year(work):
    """FIGURES_POLICY as a folder, and in.jsonl: a, d eligible under 汇算 (d's pool scaled), b not eligible, c of 补贴."""
    os.makedirs(os.path.join(work, "named", "2025年版"))
    with open(os.path.join(work, "named", "2025年版", "rules.kuan"), "w", encoding="utf-8") as f:
        f.write(FIGURES_POLICY)
    policy = os.path.join(work, "named")
    lines = [app("a", "E", "汇算", 收入="7万元", 已缴="300"), app("b", "E", "汇算", 收入="5000"),
             app("c", "F", "补贴", 收入="7万元"), app("d", "F", "汇算", 收入="8万元")]
    write(work, "in.jsonl", lines)
    return policy


@case
def decisions_carry_figures(work):
    """A decision of an eligible application of a measure with 结果 has "figures", equal to `kuan eval --batch`'s for the line; none otherwise."""
    policy = figures_year(work)
    code, out, err = kuan(work, "--in", "in.jsonl", policy=policy)
    check(code == 0, f"exit {code}: {err}")
    got = {d["id"]: d for d in jsonl(out)}
    evaluated = subprocess.run([ARGS.kuan, "eval", policy, "--batch", "in.jsonl"], cwd=work, capture_output=True, timeout=120)
    want = {r["id"]: r for r in jsonl(evaluated.stdout.decode("utf-8"))}
    check(got["a"]["figures"] == want["a"]["figures"] == {"应纳税所得额": "10000.00", "应纳税额": "1000.00"}, f"a: {got['a']}")
    check(list(got["a"]["figures"]) == ["应纳税所得额", "应纳税额"], "figures in the order written")
    check(got["d"]["figures"] == want["d"]["figures"] and got["d"]["allocated"] != got["d"]["amount"], f"d (pool scaled): {got['d']}")
    check("figures" not in got["b"] and not got["b"]["eligible"], f"b, not eligible: {got['b']}")
    check("figures" not in got["c"], f"c, a measure without 结果: {got['c']}")


@case
def csv_decisions_carry_figures(work):
    """CSV decisions have a column 结果.NAME per figure name after notes, filled as the JSONL decision's figures (and eval's CSV)."""
    policy = figures_year(work)
    code, out, err = kuan(work, "--in", "in.jsonl", "--out-format", "csv", policy=policy)
    check(code == 0, f"exit {code}: {err}")
    rows = list(csv.reader(io.StringIO(out)))
    check(rows[0] == ["id", "applicant", "measure", "eligible", "amount", "allocated", "reasons", "bound", "cap_room_used",
                      "pro_rata", "extra_cent", "quota_rank", "notes", "结果.应纳税所得额", "结果.应纳税额"], f"header: {rows[0]}")
    check(all(len(r) == len(rows[0]) for r in rows), f"ragged rows: {rows}")
    code, jout, err = kuan(work, "--in", "in.jsonl", policy=policy)
    decisions = {d["id"]: d for d in jsonl(jout)}
    for r in rows[1:]:
        figures = decisions[r[0]].get("figures", {})
        check(r[13:] == [figures.get("应纳税所得额", ""), figures.get("应纳税额", "")], f"row {r} against {decisions[r[0]]}")
    check(rows[1][13:] == ["10000.00", "1000.00"] and rows[2][13:] == ["", ""] and rows[3][13:] == ["", ""], f"rows: {rows}")
    evaluated = subprocess.run([ARGS.kuan, "eval", policy, "--batch", "in.jsonl", "--out-format", "csv"], cwd=work,
                               capture_output=True, timeout=120)
    want = list(csv.reader(io.StringIO(evaluated.stdout.decode("utf-8"))))
    check([c for c in want[0] if c.startswith("结果.")] == rows[0][13:], f"eval's columns: {want[0]}")
    write(work, "plain.jsonl", THREE[:1])  # the shipped policy has no 结果: no such column
    code, out, err = kuan(work, "--in", "plain.jsonl", "--out-format", "csv")
    check(code == 0 and out.splitlines()[0].endswith(",quota_rank,notes"), f"no 结果: {out}{err}")


@case
def opening_balances_by_period(work):
    """--opening with a period per line: the run's year (--as-of) picks its balances; others are unused with a warning; a bad period is refused where it is."""
    write(work, "in.jsonl", THREE[:1])
    write(work, "open.jsonl", [{"applicant": "企业甲", "period": "2025", "facts": {"本年度已申领算力券": "700万元"}},
                               {"applicant": "企业甲", "period": "2026", "facts": {"本年度已申领算力券": "200万元"}}])
    for day, amount in (("2025-09-01", "1000000.00"), ("2026-03-01", "5000000.00")):
        code, out, err = kuan(work, "--in", "in.jsonl", "--opening", "open.jsonl", "--as-of", day)
        check(code == 0 and [x["amount"] for x in jsonl(out)] == [amount] and "1 条属于其他期间" in err, f"{day}: {out}{err}")
    with open(os.path.join(work, "bad.csv"), "w", encoding="utf-8") as f:
        f.write("applicant,期间,本年度已申领算力券\n企业甲,2025,1\n企业甲,2025-01-01 至 2025-12-31,1\n")
    code, out, err = kuan(work, "--in", "in.jsonl", "--opening", "bad.csv")
    check(code == 2 and out == "" and "bad.csv:3:5: error:" in err and "按年计" in err, f"bad period: exit {code} {err}")
    for period, col in (("0000", 5), ("1899", 5), ("0000-01-01 至 2025-12-31", 5)):
        with open(os.path.join(work, "bad.csv"), "w", encoding="utf-8") as f:
            f.write(f"applicant,期间,本年度已申领算力券\n企业甲,2025,1\n企业甲,{period},1\n")
        code, out, err = kuan(work, "--in", "in.jsonl", "--opening", "bad.csv")
        check(code == 2 and out == "" and f"bad.csv:3:{col}: error:" in err and "1900 至 9999" in err,
              f"period {period}: exit {code} {err}")
    with open(os.path.join(work, "edge.csv"), "w", encoding="utf-8") as f:
        f.write("applicant,期间,本年度已申领算力券\n企业甲,1900,1\n企业甲,9999,1\n")
    code, out, err = kuan(work, "--in", "in.jsonl", "--opening", "edge.csv", "--as-of", "2025-09-01")
    check(code == 0 and "2 条属于其他期间" in err, f"1900 and 9999 are years: exit {code} {err}")


@case
def opening_balances_bad_files(work):
    """A bad opening file refuses the run: file:line:col, exit 2, nothing written, OUT unchanged."""
    write(work, "in.jsonl", THREE)
    with open(os.path.join(work, "out.jsonl"), "w") as f:
        f.write("old\n")
    bad = [
        ('{"applicant": "企业甲", "facts": {"本年度已申领算力券": "-1"}}', "open.jsonl:1:", "不能为负"),
        ('{"applicant": "企业甲", "facts": {"合同金额": "1"}}', "open.jsonl:1:", "不是累计"),
        ('{"applicant": "企业甲", "facts": {"本年度已申领算力券": "0.001"}}', "open.jsonl:1:", "整分"),
        ('{"facts": {"本年度已申领算力券": "1"}}', "open.jsonl:1:", "applicant"),
        ('{"applicant": "企业甲", "facts": {"本年度已申领算力劵": "1"}}', "open.jsonl:1:", "是不是"),
        ('{"applicant": "企业甲", "measure": "算力券", "facts": {"本年度已申领算力券": "1"}}', "open.jsonl:1:", "measure"),
        ('{"applicant": "企业甲", "facts": {"本年度已申领算力券": "1"}}\n\n'
         '{"applicant": "企业甲", "facts": {"本年度已申领算力券": "2"}}', "open.jsonl:3:", "重复(第 1 行"),
        ('{"applicant": "企业甲", "facts": {"本年度已申领算力券": "1"', "open.jsonl:1:", "JSON"),
        ('{"applicant": "企业\u0000甲", "facts": {"本年度已申领算力券": 1e999}}', "open.jsonl:1:", "JSON"),
    ]
    for text, where, mention in bad:
        with open(os.path.join(work, "open.jsonl"), "w", encoding="utf-8") as f:
            f.write(text + "\n")
        code, out, err = kuan(work, "--in", "in.jsonl", "--out", "out.jsonl", "--opening", "open.jsonl")
        check(code == 2 and out == "", f"{text!r}: exit {code}")
        check(err.startswith(where) and mention in err, f"{text!r}: {err}")
        check(open(os.path.join(work, "out.jsonl")).read() == "old\n", "OUT left as it was")
    with open(os.path.join(work, "open.jsonl"), "wb") as f:
        f.write(b'{"applicant": "\xff", "facts": {}}\n')
    code, _, err = kuan(work, "--in", "in.jsonl", "--opening", "open.jsonl")
    check(code == 2 and "open.jsonl:1" in err, f"bad UTF-8: {code} {err}")
    with open(os.path.join(work, "open.csv"), "w", encoding="utf-8") as f:
        f.write("applicant,本年度已申领算力券\n企业甲,abc\n")
    code, _, err = kuan(work, "--in", "in.jsonl", "--opening", "open.csv")
    check(code == 2 and err.startswith("open.csv:2:"), f"bad CSV cell: {code} {err}")
    with open(os.path.join(work, "open.csv"), "w", encoding="utf-8") as f:
        f.write("本年度已申领算力券\n1\n")
    code, _, err = kuan(work, "--in", "in.jsonl", "--opening", "open.csv")
    check(code == 2 and "applicant" in err, f"CSV without applicant: {code} {err}")
    code, _, err = kuan(work, "--in", "in.jsonl", "--opening", "missing.jsonl")
    check(code == 2 and "--opening" in err, f"missing file: {code} {err}")
    code, _, err = kuan(work, "--in", "in.jsonl", "--opening", "in.jsonl", "--out", "in.jsonl")
    check(code == 2, f"--out over an input: {code} {err}")
    lines = [research("A1", "甲", "生物医药", 90)]
    write(work, "r.jsonl", lines)
    write(work, "open.jsonl", [{"applicant": "甲", "facts": {"本年度同方向已立项数": 1}}])
    code, _, err = kuan(work, "--in", "r.jsonl", "--opening", "open.jsonl", policy=RESEARCH)
    check(code == 2 and "专业方向" in err, f"a grouped count without its group: {code} {err}")
    write(work, "open.jsonl", [{"applicant": "甲", "facts": {"专业方向": "生物医药", "本年度同方向已立项数": -1}}])
    code, _, err = kuan(work, "--in", "r.jsonl", "--opening", "open.jsonl", policy=RESEARCH)
    check(code == 2 and "不能为负" in err, f"a negative count: {code} {err}")


def main():
    global ARGS
    suite = Suite(__doc__)
    ARGS = suite.parse()
    for fn in CASES:
        name = fn.__name__.replace("_", " ")
        if not suite.selected(name):
            continue
        with tempfile.TemporaryDirectory() as work:
            try:
                fn(work)
                suite.ok(name)
            except Failure as e:
                suite.fail(name, str(e))
            except Exception as e:  # a crash of the runner is a failure too
                suite.fail(name, f"{type(e).__name__}: {e}")
    sys.exit(suite.finish())


if __name__ == "__main__":
    main()
