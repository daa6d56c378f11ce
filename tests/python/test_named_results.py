"""结果 (a measure's named results) in the Python API: evaluate, evaluate_all and
evaluate_many give them as "figures" with Decimal amounts, in the order written,
and evaluate_jsonl gives the bytes of `kuan eval --batch`."""
import json
import subprocess
from decimal import Decimal

import pytest

import kuan
from conftest import ROOT

RULES = """政策 "结果"
版本 "v1"
施行 2020-01-01 起
舍入 四舍五入 至 0.01元
事实 收入: 金额
事实 已缴: 金额 = 0元
措施 汇算 可为负 {
  结果 应纳税所得额 = max(0元, 收入 − 6万元)
  结果 应纳税额 = 应纳税所得额 × 10%
  结果 应补退税额 = 应纳税额 − 已缴
  金额 = 应补退税额
}
措施 补贴 { 金额 = 收入 × 1% }
"""
FACTS = {"收入": "7万元", "已缴": "1300"}
WANT = {"应纳税所得额": Decimal("10000.00"), "应纳税额": Decimal("1000.00"), "应补退税额": Decimal("-300.00")}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    d = tmp_path_factory.mktemp("named")
    (d / "rules.kuan").write_text(RULES, encoding="utf-8")
    return d


def test_figures_everywhere(folder, kuan_binary):
    ed = kuan.load(str(folder)).edition("v1")
    r = ed.evaluate("汇算", FACTS)
    assert r["amount"] == Decimal("-300.00") and r["figures"] == WANT and list(r["figures"]) == list(WANT)
    assert "figures" not in ed.evaluate("补贴", FACTS)
    whole = ed.evaluate_all(FACTS)
    assert [x["figures"] for x in whole["results"] if x["measure"] == "汇算"] == [WANT]
    many = ed.evaluate_many([("汇算", FACTS), {"id": "b", "measure": "补贴", "facts": FACTS}])
    assert many[0]["figures"] == WANT and "figures" not in many[1]
    line = (json.dumps({"id": "a", "measure": "汇算", "facts": FACTS}, ensure_ascii=False) + "\n").encode()
    want = subprocess.run([kuan_binary, "eval", str(folder), "--batch", "-"], input=line, capture_output=True, cwd=ROOT).stdout
    assert ed.evaluate_jsonl(line) == want
    assert json.loads(want)["figures"] == {k: str(v) for k, v in WANT.items()}


def test_pandas_figure_columns(folder):
    """kuan.pandas: a `结果.NAME` column per figure name, as the CSV output's (names and order),
    Decimal where the row has the figure, None elsewhere (another measure, not eligible, an error)."""
    pd = pytest.importorskip("pandas")
    import kuan.pandas
    ed = kuan.load(str(folder)).edition("v1")
    df = pd.DataFrame({"id": ["a", "b", "c", "d"], "measure": ["汇算", "补贴", "汇算", "汇算"],
                       "收入": ["7万元", "7万元", "abc", "5万元"], "已缴": ["1300", None, None, None]},
                      index=[5, 6, 7, 8])
    out = kuan.pandas.evaluate(df, ed)
    names = ["结果." + n for n in WANT]
    csv_header = ed.evaluate_csv("measure\n".encode()).decode().splitlines()[0].split(",")
    assert [c for c in out.columns if c.startswith("结果.")] == names == [c for c in csv_header if c.startswith("结果.")]
    assert {n: out.at[5, "结果." + n] for n in WANT} == WANT
    assert all(isinstance(out.at[5, c], Decimal) for c in names)
    assert all(out.at[i, c] is None for i in (6, 7) for c in names)  # another measure; a bad fact
    assert out.at[7, "code"] is not None
    assert out.at[8, "结果.应纳税所得额"] == Decimal("0.00") and out.at[8, "结果.应补退税额"] == Decimal("0.00")
    row = ed.evaluate("汇算", {"收入": "5万元"})
    assert {n: out.at[8, "结果." + n] for n in WANT} == row["figures"]


def test_pandas_no_figure_columns_without_named_results(ed):
    pd = pytest.importorskip("pandas")
    import kuan.pandas
    out = kuan.pandas.evaluate(pd.DataFrame({"合同金额": ["120万元"], "采购类型": ["算力服务"], "算力设施档位": ["一档"]}),
                               ed, "算力券")
    assert not [c for c in out.columns if str(c).startswith("结果.")]


def test_allocate_decisions_carry_figures(folder):
    """Edition.allocate: an eligible decision of a measure with 结果 has figures as Decimal (`kuan allocate`'s JSONL)."""
    ed = kuan.load(str(folder)).edition("v1")
    d = ed.allocate([{"id": "a", "applicant": "E", "measure": "汇算", "facts": FACTS},
                     {"id": "b", "applicant": "E", "measure": "补贴", "facts": FACTS}])
    assert d[0]["figures"] == WANT and list(d[0]["figures"]) == list(WANT) and "figures" not in d[1]
