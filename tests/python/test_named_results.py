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
