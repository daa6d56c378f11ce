"""The applications' date (as_of) in the Python API: which measures and clauses are
in force (施行 D1 至 D2 on them, 施行中(M)). Every evaluating call takes it
(evaluate, evaluate_all, evaluate_many, evaluate_jsonl, evaluate_csv,
kuan.pandas.evaluate), agrees with `kuan eval --as-of`, and refuses a date that is
not a day with ValueError (TypeError for a float or a datetime)."""
import datetime
import json
import subprocess
from decimal import Decimal

import pytest

import kuan
from conftest import ROOT

RULES = """政策 "施行"
版本 "v1"
施行 2020-01-01 起
舍入 四舍五入 至 0.01元
事实 投入: 金额
措施 奖励 "限期" {
  施行 2025-01-01 至 2027-12-31
  金额 = 投入 × 10%
}
措施 合计 { 金额 = 投入 × 20% − (若 施行中(奖励) 则 投入 × 10% 否则 0元) }
"""
OUT_OF_FORCE = "措施 奖励 的施行期为 2025-01-01 至 2027-12-31,申请日期不在其中"
FACTS = {"投入": "1万元"}
BAD_DATES = ["2027-02-30", "2027-13-01", "27-12-31", "2027/12/31", "today", "", " 2027-12-31", "2027-12-31\x00",
             "２０２７-12-31", "9" * 100000]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    d = tmp_path_factory.mktemp("in-force")
    (d / "rules.kuan").write_text(RULES, encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def ed(folder):
    return kuan.load(str(folder)).edition("v1")


def test_evaluate_takes_the_date(ed):
    assert ed.evaluate("奖励", FACTS, as_of="2027-12-31")["amount"] == Decimal("1000.00")
    r = ed.evaluate("奖励", FACTS, as_of=datetime.date(2028, 1, 1), explain=True)
    assert r["eligible"] is False and r["reasons"] == [OUT_OF_FORCE] and r["amount"] == Decimal("0.00")
    assert "施行 2025-01-01 至 2027-12-31" in json.dumps(r["explanation"], ensure_ascii=False)
    assert ed.evaluate("合计", FACTS, as_of="2027-12-31")["amount"] == Decimal("1000.00")
    assert ed.evaluate("合计", FACTS, as_of="2028-01-01")["amount"] == Decimal("2000.00")
    assert ed.evaluate("合计", FACTS, None, "2028-01-01")["amount"] == Decimal("2000.00")  # positional, after explain
    ed.evaluate("合计", FACTS)  # no date: today in China, whatever day that is


def test_evaluate_all_and_many_take_the_date(ed):
    whole = ed.evaluate_all(FACTS, as_of="2024-12-31")
    refused = [r for r in whole["results"] if r["measure"] == "奖励"]
    assert refused and refused[0]["reasons"] == [OUT_OF_FORCE]
    assert [r["amount"] for r in whole["results"] if r["measure"] == "奖励"] == [Decimal("0.00")]
    inside = ed.evaluate_all(FACTS, as_of="2025-01-01")
    assert [r["amount"] for r in inside["results"] if r["measure"] == "奖励"] == [Decimal("1000.00")]
    items = [("奖励", FACTS)] * 200 + [{"id": "x", "measure": "合计", "facts": FACTS}]
    many = ed.evaluate_many(items, as_of="2028-01-01", threads=2)
    assert all(r["eligible"] is False and r["reasons"] == [OUT_OF_FORCE] for r in many[:200])
    assert many[200]["amount"] == Decimal("2000.00") and many[200]["id"] == "x"
    assert all(r["amount"] == Decimal("1000.00") for r in ed.evaluate_many(items[:5], as_of="2026-06-01"))


def test_batch_bytes_take_the_date_as_the_command_does(ed, folder, kuan_binary):
    lines = (json.dumps({"id": "a", "measure": "奖励", "facts": FACTS}, ensure_ascii=False) + "\n" +
             json.dumps({"id": "b", "measure": "奖励", "as_of": "2026-06-01", "facts": FACTS}, ensure_ascii=False) + "\n" +
             json.dumps({"id": "c", "facts": FACTS}, ensure_ascii=False) + "\n").encode()
    for day in ("2028-01-01", "2027-12-31", "2024-12-31"):
        want = subprocess.run([kuan_binary, "eval", str(folder), "--version", "v1", "--as-of", day, "--batch", "-"],
                              input=lines, capture_output=True, cwd=ROOT).stdout
        assert ed.evaluate_jsonl(lines, as_of=day) == want
        assert ed.evaluate_jsonl(lines, as_of=datetime.date.fromisoformat(day), threads=2) == want
        assert ed._batch_lines([l for l in lines.split(b"\n") if l], [1, 2, 3], False, False, day) == \
            want.decode().splitlines(keepends=True)
    out = ed.evaluate_jsonl(lines, as_of="2028-01-01").decode().splitlines()
    assert json.loads(out[0])["eligible"] is False and json.loads(out[1])["amount"] == "1000.00"  # a line's own wins
    csv = "id,measure,as_of,投入\na,奖励,,1万元\nb,奖励,2026-06-01,1万元\n".encode()
    rows = ed.evaluate_csv(csv, output="jsonl", as_of="2028-01-01").decode().splitlines()
    assert json.loads(rows[0])["eligible"] is False and json.loads(rows[1])["amount"] == "1000.00"


def test_pandas_takes_the_date(ed):
    pd = pytest.importorskip("pandas")
    import kuan.pandas
    df = pd.DataFrame({"measure": ["奖励", "奖励", "合计"], "投入": ["1万元", "2万元", "1万元"]})
    out = kuan.pandas.evaluate(df, ed, as_of="2028-01-01")
    assert list(out["eligible"]) == [False, False, True]
    assert list(out["amount"]) == [Decimal("0.00"), Decimal("0.00"), Decimal("2000.00")]
    assert list(kuan.pandas.evaluate(df, ed, as_of=datetime.date(2027, 12, 31))["amount"]) == \
        [Decimal("1000.00"), Decimal("2000.00"), Decimal("1000.00")]
    dated = df.assign(as_of=["2026-01-01", None, "2026-01-01"])  # a row's own date wins
    assert list(kuan.pandas.evaluate(dated, ed, as_of="2028-01-01")["eligible"]) == [True, False, True]
    with pytest.raises(ValueError, match="as_of 的日期无效"):
        kuan.pandas.evaluate(df, ed, as_of="2028-02-30")


@pytest.mark.parametrize("bad", BAD_DATES)
def test_a_date_that_is_not_a_day_is_a_value_error(ed, bad):
    calls = [lambda: ed.evaluate("奖励", FACTS, as_of=bad), lambda: ed.evaluate_all(FACTS, as_of=bad),
             lambda: ed.evaluate_many([("奖励", FACTS)], as_of=bad), lambda: ed.evaluate_jsonl(b"", as_of=bad),
             lambda: ed.evaluate_csv(b"measure\n", as_of=bad), lambda: ed._batch_lines([], [], as_of=bad)]
    for call in calls:
        with pytest.raises(ValueError, match="as_of 的日期无效"):
            call()


def test_a_date_of_another_type_is_a_type_error(ed, tmp_path):
    for bad in (20271231, 2027.5, datetime.datetime(2027, 12, 31, 8, 0), ["2027-12-31"]):
        with pytest.raises(TypeError):
            ed.evaluate("奖励", FACTS, as_of=bad)
        with pytest.raises(TypeError):
            ed.evaluate_jsonl(b"", as_of=bad)
    out = tmp_path / "out.jsonl"
    with pytest.raises(ValueError):  # before any file is opened: nothing is written
        ed._evaluate_file(str(tmp_path / "missing.jsonl"), str(out), as_of="2027-02-30")
    assert not out.exists()


def test_evaluate_many_items_carry_their_own_date(ed):
    items = [{"id": "own", "measure": "奖励", "as_of": "2026-06-01", "facts": FACTS},
             {"id": "date", "measure": "奖励", "as_of": datetime.date(2028, 1, 1), "facts": {"投入": 10000}},
             {"id": "call", "measure": "奖励", "facts": FACTS},
             {"id": "none", "measure": "奖励", "as_of": None, "facts": FACTS}]
    got = ed.evaluate_many(items, as_of="2028-01-01")
    assert [r["eligible"] for r in got] == [True, False, False, False]
    assert [r["eligible"] for r in ed.evaluate_many(items, as_of="2027-12-31")] == [True, False, True, True]
    bad = [{"id": "bad", "measure": "奖励", "as_of": "2026-02-30", "facts": FACTS}, ("奖励", FACTS)]
    rows = ed.evaluate_many(bad, on_error="return", as_of="2027-01-01")
    assert rows[0]["id"] == "bad" and rows[0]["code"] == "invalid_argument" and "as_of 的日期无效" in rows[0]["error"]
    assert rows[1]["amount"] == Decimal("1000.00")
    with pytest.raises(kuan.KuanError, match="as_of 的日期无效") as e:
        ed.evaluate_many(bad)
    assert e.value.index == 0
    with pytest.raises(TypeError):
        ed.evaluate_many([{"measure": "奖励", "as_of": 2026.5, "facts": FACTS}])
