"""The kuan Python module: loading, editions, exact money in and out, errors as
exceptions, evaluate_many and allocate — checked against the `kuan` command."""
import datetime
import json
import threading
from decimal import Decimal

import pytest

import kuan
from conftest import POLICY, ROOT, run_kuan

VOUCHER = {"合同金额": "120万元", "采购类型": "算力服务", "算力设施档位": "一档"}


def test_load_and_editions():
    policy = kuan.load(str(POLICY))
    assert policy.editions == ["2025年版", "2026年版"]
    assert policy.edition("2025年版").name == "2025年版"
    assert policy.edition_on("2025-07-01") == policy.edition("2025年版")
    assert policy.edition_on(datetime.date(2026, 3, 1)).name == "2025年版"  # 2026年版 is 示例: never by date
    assert policy.edition("2026年版").status == "示例"
    with pytest.raises(kuan.EditionError):
        policy.edition("1999年版")
    with pytest.raises(kuan.EditionError):
        policy.edition_on("2001-01-01")
    with pytest.raises(ValueError):
        policy.edition_on("2025-13-40")


def test_a_lone_surrogate_is_python_s_own_encode_error(ed):
    # Text that has no UTF-8 form: UnicodeEncodeError (a ValueError) naming the
    # character, wherever a str is read — not pybind11's unexplained RuntimeError.
    policy = kuan.load(str(POLICY))
    with pytest.raises(UnicodeEncodeError, match="surrogate"):
        policy.edition_on("2025-07-0\ud800")
    with pytest.raises(UnicodeEncodeError, match="surrogate"):
        ed.evaluate_many([{"measure": "算力券\udc00", "facts": VOUCHER}])
    with pytest.raises(UnicodeEncodeError, match="surrogate"):
        ed.evaluate_many([{"measure": "算力券", "facts": VOUCHER, "id": "a\ud800"}])
    with pytest.raises(UnicodeEncodeError, match="surrogate"):
        ed.evaluate_many([{"measure": "算力券", "facts": VOUCHER, "as_of": "\ud800"}])
    with pytest.raises(UnicodeEncodeError, match="surrogate"):
        kuan.load_texts({"a\ud800.kuan": "参数 a = 1元\n"})


def test_evaluate_amount_is_exact_decimal(ed):
    r = ed.evaluate("算力券", VOUCHER)
    assert r["eligible"] is True
    assert isinstance(r["amount"], Decimal) and r["amount"] == Decimal("360000.00")
    assert str(r["amount"]) == "360000.00"  # two places kept, as the command writes it
    assert r["reasons"] == [] and r["bound"] is None and r["version"] == "2025年版"


@pytest.mark.parametrize("amount", [Decimal("1200000"), Decimal("1.2E+6"), 1200000, "1200000.00", "120万元"])
def test_money_facts_in_every_exact_form(ed, amount):
    assert ed.evaluate("算力券", {**VOUCHER, "合同金额": amount})["amount"] == Decimal("360000.00")


def test_sub_cent_money_is_rounded_once_half_up(ed):
    # 30% × 1234567.895 = 370370.3685 → 370370.37; a float could not even hold the input
    r = ed.evaluate("算力券", {**VOUCHER, "合同金额": Decimal("1234567.895")})
    assert r["amount"] == Decimal("370370.37")
    assert ed.evaluate("算力券", {**VOUCHER, "合同金额": Decimal("1234567.885")})["amount"] == Decimal("370370.37")
    assert ed.evaluate("算力券", {**VOUCHER, "合同金额": Decimal("1234567.8")})["amount"] == Decimal("370370.34")


def test_rates_bools_and_integers(ed):
    facts = {"合规": True, "项目总投资": "5000万元", "年度贷款平均余额": "1亿元", "贴息点数": "1.2个百分点",
             "年度实付利息": "400万元"}
    assert ed.evaluate("算力设施贷款贴息", facts)["amount"] == Decimal("1200000.00")
    assert ed.evaluate("算力设施贷款贴息", {**facts, "贴息点数": Decimal("0.012")})["amount"] == Decimal("1200000.00")
    r = ed.evaluate("算力设施贷款贴息", {**facts, "合规": False})
    assert r["eligible"] is False and r["reasons"] == ["算力设施项目须合规"] and r["amount"] == 0


@pytest.mark.parametrize("value", [1200000.0, 0.5])
def test_float_is_refused_with_type_error(ed, value):
    with pytest.raises(TypeError, match="float.*exact"):
        ed.evaluate("算力券", {**VOUCHER, "合同金额": value})
    with pytest.raises(TypeError, match="float"):
        ed.evaluate_many([("算力券", {**VOUCHER, "合同金额": value})])
    with pytest.raises(TypeError, match="float"):
        ed.allocate([{"id": "1", "applicant": "A", "measure": "算力券", "facts": {**VOUCHER, "合同金额": value}}])


def test_non_finite_decimal_is_refused(ed):
    with pytest.raises(ValueError):
        ed.evaluate("算力券", {**VOUCHER, "合同金额": Decimal("NaN")})


@pytest.mark.parametrize("value", ["1E+999999999", "1E-999999999", "1E+4096", "7" * 4097])
def test_decimal_beyond_the_digit_limit_is_refused_before_it_is_written_out(ed, value):
    # Written without its exponent, 1E+999999999 would be a gigabyte of zeros (seconds, memory)
    with pytest.raises(ValueError, match="过长:数字至多 4096 位") as e:
        ed.evaluate("算力券", {**VOUCHER, "合同金额": Decimal(value)})
    assert len(str(e.value)) < 300


def test_decimal_at_the_digit_limit_is_read(ed):
    assert ed.evaluate("算力券", {**VOUCHER, "合同金额": Decimal("1E-4095")})["amount"] == Decimal("0.00")
    assert ed.evaluate("算力券", {**VOUCHER, "合同金额": Decimal("1.5E+3")})["amount"] == Decimal("450.00")


def test_fact_errors_name_the_fact(ed):
    with pytest.raises(kuan.FactError) as e:
        ed.evaluate("算力券", {**VOUCHER, "合同额": "1元"})
    assert e.value.fact == "合同额" and e.value.code == "unknown_fact"
    with pytest.raises(kuan.FactError) as e:
        ed.evaluate("算力券", {**VOUCHER, "合同金额": "-5元"})
    assert e.value.fact == "合同金额" and e.value.code == "bad_fact" and "合同金额" in str(e.value)
    with pytest.raises(kuan.FactError) as e:
        ed.evaluate("算力券", {"合同金额": "1元"})
    assert e.value.code == "missing_fact" and e.value.missing == ["采购类型"]
    with pytest.raises(kuan.FactError) as e:
        ed.evaluate("算力券", {**VOUCHER, "算力设施档位": "三档"})
    assert e.value.fact == "算力设施档位"
    assert isinstance(e.value, kuan.KuanError) and isinstance(e.value, ValueError)
    with pytest.raises(kuan.MeasureError):
        ed.evaluate("不存在的措施", {})


def test_policy_path_with_nul_or_controls(tmp_path):
    # The system would cut "folder\0/elsewhere" at the NUL and load another folder than the one named.
    with pytest.raises(kuan.PolicyError, match="NUL"):
        kuan.load(str(ROOT / "policies" / "hangzhou-ai") + "\0/elsewhere")
    with pytest.raises(kuan.PolicyError) as e:
        kuan.load(str(tmp_path / "no\x1b]0;x\x07where"))
    assert "\x1b" not in str(e.value) and "\x07" not in str(e.value)


def test_policy_error_carries_file_line_column(tmp_path):
    bad = ROOT / "tests" / "golden" / "errors" / "check_compare_money_rate.kuan"
    copy = tmp_path / "bad.kuan"
    copy.write_text(bad.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(kuan.PolicyError) as e:
        kuan.load(str(copy))
    assert (e.value.file, e.value.line, e.value.column) == (str(copy), 9, 6)
    assert e.value.message == "不能比较 金额 与 比例"
    assert str(e.value) == f"{copy}:9:6: 不能比较 金额 与 比例"
    assert e.value.diagnostics[0]["rendered"].startswith(f"{copy}:9:6: error:")
    with pytest.raises(kuan.PolicyError):
        kuan.load(str(tmp_path / "missing"))


def test_result_and_explanation_equal_the_command(ed, kuan_binary, tmp_path):
    facts = tmp_path / "app.json"
    facts.write_text(json.dumps(VOUCHER | {"同一合同智能券金额": 300000, "智能券档位": "二档"}, ensure_ascii=False))
    out = run_kuan(kuan_binary, "eval", str(POLICY), "--version", "2025年版", "--measure", "算力券",
                   "--facts", str(facts), "--format", "json", "--explain")
    assert out.returncode == 0, out.stderr
    cli = json.loads(out.stdout)
    mine = ed.evaluate("算力券", json.loads(facts.read_text()), explain=True)
    assert mine["amount"] == Decimal(cli.pop("amount"))
    mine.pop("amount")
    assert mine == cli
    assert mine["explanation"]["bound"] == "智能券叠加上限" and mine["explanation"]["conditions"]


def test_evaluate_many_equals_evaluate(ed):
    apps = [json.loads(line) for line in (ROOT / "examples" / "applications.jsonl").read_text(encoding="utf-8").splitlines()]
    many = ed.evaluate_many(apps * 50, threads=2)
    assert len(many) == len(apps) * 50
    for app, r in zip(apps, many):
        assert r == {"id": app["id"], **ed.evaluate(app["measure"], app["facts"])}
    pairs = ed.evaluate_many([(a["measure"], a["facts"]) for a in apps])
    assert [p["amount"] for p in pairs] == [r["amount"] for r in many[:len(apps)]]


def test_evaluate_many_errors(ed):
    items = [("算力券", VOUCHER), {"id": "x", "measure": "算力券", "facts": {"合同金额": "1元"}}, ("无此措施", {})]
    with pytest.raises(kuan.FactError) as e:
        ed.evaluate_many(items)
    assert e.value.index == 1
    rows = ed.evaluate_many(items, on_error="return")
    assert rows[0]["amount"] == Decimal("360000.00")
    assert rows[1] == {"id": "x", "code": "missing_fact", "error": rows[1]["error"], "fact": "采购类型"}
    assert rows[2]["code"] == "unknown_measure"
    with pytest.raises(ValueError, match=r'第 2 项\(下标 1\)缺少 "measure"'):
        ed.evaluate_many([("算力券", VOUCHER), {"id": "y", "facts": VOUCHER}])


def test_evaluate_many_releases_the_gil(ed):
    # While a long evaluate_many runs, another Python thread keeps running.
    ticks = []
    done = threading.Event()

    def tick():
        while not done.is_set():
            ticks.append(1)
            done.wait(0.001)

    items = [("算力券", VOUCHER)] * 200_000
    t = threading.Thread(target=tick)
    t.start()
    try:
        before = len(ticks)
        ed.evaluate_many(items, threads=1)
        during = len(ticks) - before
    finally:
        done.set()
        t.join()
    assert during > 5  # with the GIL held throughout, the ticker could not have run


def test_allocate_equals_the_command(ed, kuan_binary, tmp_path):
    year = ROOT / "examples" / "year-2025.jsonl"
    out = tmp_path / "decisions.jsonl"
    run = run_kuan(kuan_binary, "allocate", str(POLICY), "--version", "2025年版", "--in", str(year), "--out", str(out))
    assert run.returncode == 0, run.stderr
    cli = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    rows = [json.loads(line, parse_float=Decimal) for line in year.read_text(encoding="utf-8").splitlines() if line.strip()]
    mine = ed.allocate(rows)
    assert len(mine) == len(cli) > 0
    for m, c in zip(mine, cli):
        assert isinstance(m["allocated"], Decimal)
        assert m == {**c, "amount": Decimal(c["amount"]), "allocated": Decimal(c["allocated"])}
    # JSON text rows give the same
    assert ed.allocate(year.read_text(encoding="utf-8").splitlines()) == mine


def test_allocate_with_opening_balances_equals_the_command(ed, kuan_binary, tmp_path):
    year = ROOT / "examples" / "year-2025.jsonl"
    rows = [json.loads(line, parse_float=Decimal) for line in year.read_text(encoding="utf-8").splitlines() if line.strip()]
    who = rows[0]["applicant"]
    opening = [{"applicant": who, "facts": {"本年度已申领算力券": "750万元"}}]
    (tmp_path / "open.jsonl").write_text(json.dumps(opening[0], ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "decisions.jsonl"
    run = run_kuan(kuan_binary, "allocate", str(POLICY), "--version", "2025年版", "--in", str(year), "--out", str(out),
                   "--opening", str(tmp_path / "open.jsonl"), "--carry-stated")
    assert run.returncode == 0, run.stderr
    cli = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    mine = ed.allocate(rows, opening=opening, carry_stated=True)
    assert [str(m["allocated"]) for m in mine] == [c["allocated"] for c in cli]
    assert mine != ed.allocate(rows)  # the opening balance changed something
    with pytest.raises(kuan.AllocationError) as e:
        ed.allocate(rows, opening=[{"applicant": who, "facts": {"本年度已申领算力券": "-1"}}])
    assert e.value.line == 1 and "不能为负" in str(e.value)


def test_allocate_refuses_a_bad_row(ed):
    rows = [{"id": "1", "applicant": "A", "measure": "算力券", "facts": VOUCHER},
            {"id": "2", "applicant": "A", "measure": "算力券", "facts": {**VOUCHER, "合同金额": "x"}}]
    with pytest.raises(kuan.AllocationError) as e:
        ed.allocate(rows)
    assert e.value.line == 2 and e.value.field == "facts.合同金额" and e.value.id == "2"


def test_evaluate_many_leaves_the_garbage_collector_as_it_found_it(ed):
    import gc
    assert gc.isenabled()
    ed.evaluate_many([("算力券", VOUCHER)] * 5000)
    assert gc.isenabled()
    with pytest.raises(TypeError):
        ed.evaluate_many([("算力券", VOUCHER)] * 3000 + [("算力券", {**VOUCHER, "合同金额": 1.5})])
    assert gc.isenabled()
    gc.disable()
    try:
        ed.evaluate_many([("算力券", VOUCHER)] * 10)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_evaluate_all_is_kuan_eval_without_measure(ed, kuan_binary, tmp_path):
    facts = {"合同金额": "100万元", "采购类型": "模型服务", "模型已备案": False, "智能券档位": "一档", "申请主体": "高校"}
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(facts, ensure_ascii=False), encoding="utf-8")
    out = run_kuan(kuan_binary, "eval", str(POLICY), "--version", "2025年版", "--facts", str(path))
    assert out.returncode == 0, out.stderr
    expected = json.loads(out.stdout, parse_float=Decimal)
    for entry in expected["results"]:
        entry["amount"] = Decimal(entry["amount"])
    got = ed.evaluate_all(facts)
    assert got == expected
    assert [r["status"] for r in got["results"]] == ["eligible", "eligible", "not_eligible"]
    assert got["results"][0]["amount"] == Decimal("300000.00")
    needs = ed.evaluate_all(VOUCHER)["results"]
    assert [(r["measure"], r.get("needs")) for r in needs if r["status"] == "needs_facts"] == [
        ("智能券", ["申请主体"]), ("算力券免审配套", ["智能券档位"])]
    assert "explanation" in ed.evaluate_all(VOUCHER, explain=True)["results"][0]
    with pytest.raises(kuan.FactError):
        ed.evaluate_all({"合同金额": "-1元"})


def test_evaluate_many_binds_every_value_as_evaluate_does(ed):
    """evaluate_many binds str/bool/int facts with the typed setters their JSON form reaches, and falls
    back to the JSON path for anything else or any refusal: random facts of every declared type, with
    values of every kind (good, bad, out of range), give evaluate()'s result or error, item for item."""
    import random
    rng = random.Random(23)
    facts = ["合同金额", "本年度已申领算力券", "采购类型", "算力设施档位", "模型已备案", "中小企业", "评审得分",
             "贴息点数", "已获建设补助年数", "模型参数量", "不存在的事实", "合同金"]
    values = ["120万元", "1,200,000", "-5万元", "abc", "30%", "0.3", "1.2个百分点", "是", "否", "true", "2025-07-01",
              "一档", "二档", "算力服务", "模型服务", "", " 1 ", "1e3", "5", "07", "１２", 0, 5, -5, 1200000, 2**63,
              2**70, -(2**63), True, False, None, Decimal("1.5"), Decimal("-0"), datetime.date(2025, 7, 1)]
    measures = ["算力券", "通用大模型训练补助", "中试基地建设补助", "开放数据集奖励", "无此措施"]
    items = []
    bases = [{}, VOUCHER, {**VOUCHER, "模型已备案": True, "中小企业": False, "本年度已申领算力券": 100000},
             {"合同金额": 3000000, "采购类型": "模型服务", "模型已备案": True},
             {"合同金额": 3000000, "采购类型": "模型服务", "模型已备案": False}]
    for i in range(3000):
        chosen = rng.sample(facts, rng.randint(0, 6 if i % 2 else 2))
        items.append({"id": str(i), "measure": rng.choice(measures) if i % 2 else "算力券",
                      "facts": {**rng.choice(bases), **{name: rng.choice(values) for name in chosen}}})
    rows = ed.evaluate_many(items, on_error="return", threads=2)
    outcomes = set()
    for item, row in zip(items, rows):
        try:
            want = {"id": item["id"], **ed.evaluate(item["measure"], item["facts"])}
        except kuan.KuanError as e:
            want = {"id": item["id"], "code": e.code, "error": e.message}
            if e.fact:
                want["fact"] = e.fact
        assert row == want, item
        outcomes.add(row["code"] if "code" in row else "eligible" if row["eligible"] else "not_eligible")
    assert {"eligible", "not_eligible", "bad_fact", "unknown_fact", "unknown_measure"} <= outcomes, outcomes


def test_allocate_dates_rows_by_as_of():
    """as_of (`--as-of`) dates rows without their own "as_of": 施行 on a measure decides, on both sides of its end."""
    dated = kuan.load_texts({"2025年版/rules.kuan": (
        "政策 \"测试\"\n版本 \"2025年版\"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n事实 申请金额: 金额\n"
        "措施 甲 {\n  施行 2025-01-01 至 2025-06-30\n  金额 = 申请金额\n}\n")}).latest()
    rows = [{"id": "a", "applicant": "E", "measure": "甲", "facts": {"申请金额": "60"}},
            {"id": "b", "applicant": "E", "measure": "甲", "facts": {"申请金额": "60"}, "as_of": "2025-06-30"}]
    assert [d["eligible"] for d in dated.allocate(rows, as_of="2025-06-30")] == [True, True]
    assert [d["eligible"] for d in dated.allocate(rows, as_of="2025-07-01")] == [False, True]
    assert [d["eligible"] for d in dated.allocate(rows, as_of=datetime.date(2025, 7, 1))] == [False, True]
    with pytest.raises(ValueError, match="as_of 的日期无效"):
        dated.allocate(rows, as_of="2025-02-30")


def test_allocate_uses_the_opening_balances_of_the_runs_period(ed):
    """An opening row's "period": the run's year (as_of) picks it, another year's is not used."""
    row = {"id": "A1", "applicant": "E1", "measure": "算力券",
           "facts": {"合同金额": "2500万元", "采购类型": "算力服务", "算力设施档位": "二档"}}
    opening = [{"applicant": "E1", "period": "2025", "facts": {"本年度已申领算力券": "700万元"}},
               {"applicant": "E1", "period": 2026, "facts": {"本年度已申领算力券": "200万元"}}]
    assert str(ed.allocate([row], opening=opening, as_of="2025-09-01")[0]["amount"]) == "1000000.00"
    assert str(ed.allocate([row], opening=opening, as_of="2026-09-01")[0]["amount"]) == "5000000.00"
    with pytest.raises(kuan.AllocationError) as e:
        ed.allocate([row], opening=[{"applicant": "E1", "period": "2025-13", "facts": {}}])
    assert e.value.line == 1 and "期间" in str(e.value)
