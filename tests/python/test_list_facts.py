"""列表 facts from Python: a list (or tuple) of dicts is a list fact's items, as a
JSON array is in `kuan eval`. The income-tax example (examples/个人所得税经营所得)
is evaluated from Python dicts and compared with the command; items that are not
records, and lists nested in an item, are TypeErrors naming the item."""
import json
import subprocess
from decimal import Decimal

import pytest

import kuan
from conftest import ROOT

TAX = str(ROOT / "examples" / "个人所得税经营所得")
AS_OF = "2025-12-31"
FACTS = {
    "经营": [
        {"收入总额": Decimal("400000"), "成本费用": "25万元", "损失": 10000, "个体工商户": True},
        {"收入总额": "10万元", "成本费用": Decimal("120000.00"), "损失": 0, "个体工商户": False},
    ],
    "经营月数": 7,
    "专项扣除": "3600",
}


def command(kuan_binary, facts, tmp_path):
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(facts, ensure_ascii=False, default=str), encoding="utf-8")
    out = subprocess.run([kuan_binary, "eval", TAX, "--version", "2023年版", "--measure", "汇算", "--facts", str(path),
                          "--as-of", AS_OF,
                          "--format", "json"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_list_of_dicts_is_a_list_fact(kuan_binary, tmp_path):
    ed = kuan.load(TAX).edition("2023年版")
    r = ed.evaluate("汇算", FACTS, as_of=AS_OF)
    # The example's 例 "两处经营合并,一处亏损,经营7个月", worked by hand there.
    assert r["amount"] == Decimal("3320.00")
    assert r["figures"]["应纳税所得额"] == Decimal("81400.00") and r["figures"]["减免税额"] == Decimal("3320.00")
    want = command(kuan_binary, FACTS, tmp_path)
    assert {k: str(v) for k, v in r["figures"].items()} == want["figures"] and str(r["amount"]) == want["amount"]
    # A tuple is a list too; the empty list is no business at all.
    assert ed.evaluate("汇算", dict(FACTS, 经营=tuple(FACTS["经营"])), as_of=AS_OF)["amount"] == Decimal("3320.00")
    empty = ed.evaluate("汇算", dict(FACTS, 经营=[]), as_of=AS_OF)
    assert empty["eligible"] is False and empty["reasons"] == ["没有经营"]
    many = ed.evaluate_many([("汇算", FACTS)], as_of=AS_OF)
    assert many[0]["amount"] == Decimal("3320.00")


@pytest.mark.parametrize("items, words", [
    ([1, 2], "第 1 项 须为 dict"),
    ([{"收入总额": "1元"}, "x"], "第 2 项 须为 dict"),
    ([{"收入总额": [{"a": 1}]}], "字段 收入总额 是列表"),
    ([{"收入总额": 1.5}], "是 float"),
    ([{1: "1元"}], "字段名须为 str"),
])
def test_bad_items_are_type_errors(items, words):
    ed = kuan.load(TAX).edition("2023年版")
    with pytest.raises(TypeError) as e:
        ed.evaluate("汇算", dict(FACTS, 经营=items), as_of=AS_OF)
    assert words in str(e.value) and "事实 经营" in str(e.value)


def test_engine_checks_the_items(kuan_binary):
    ed = kuan.load(TAX).edition("2023年版")
    # A field the list does not declare, or a missing one, is the engine's error, as for JSON input.
    with pytest.raises(kuan.KuanError) as e:
        ed.evaluate("汇算", dict(FACTS, 经营=[{"收入总额": "1元", "成本": "1元", "损失": 0, "个体工商户": True}]),
                    as_of=AS_OF)
    assert "经营" in str(e.value)
    # Deep Python nesting never reaches the engine, and never recurses.
    deep = {"收入总额": "1元"}
    for _ in range(100000):
        deep = [deep]
    with pytest.raises(TypeError):
        ed.evaluate("汇算", dict(FACTS, 经营=deep), as_of=AS_OF)
