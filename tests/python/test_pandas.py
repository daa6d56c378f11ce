"""kuan.pandas: fact columns in, results out, exact: each row's result equals Edition.evaluate
on the same facts (and so `kuan eval`), amounts are Decimal, and no float gets in."""
import datetime
from decimal import Decimal

import pytest

pd = pytest.importorskip("pandas")  # Debian python3-pandas: install-deps.sh installs it

import kuan.pandas

VOUCHER = {"合同金额": "120万元", "采购类型": "算力服务", "算力设施档位": "一档"}


def frame():
    return pd.DataFrame({
        "id": ["a", "b", "c", "d", "e"],
        "measure": ["算力券", "算力券", "算力券", "智能券", "算力券"],
        "合同金额": [Decimal("1234567.895"), 1200000, "50万元", None, "abc"],
        "采购类型": ["算力服务", "模型服务", "算力服务", None, "算力服务"],
        "模型已备案": [None, True, None, None, None],
        "算力设施档位": ["一档", "一档", "二档", None, "一档"],
        "中小企业": [False, False, True, None, False],
    }, index=[10, 11, 12, 13, 14])


def test_results_equal_evaluate_row_by_row(ed):
    df = frame()
    out = kuan.pandas.evaluate(df, ed)
    assert list(out.index) == [10, 11, 12, 13, 14]
    assert list(out["id"]) == ["a", "b", "c", "d", "e"]
    for i, row in df.iterrows():
        facts = {k: v for k, v in row.items() if k not in ("id", "measure") and v is not None}
        try:
            want = ed.evaluate(row["measure"], facts)
        except kuan.KuanError as e:
            assert out.loc[i, "code"] == e.code and out.loc[i, "eligible"] is None
            continue
        got = out.loc[i]
        assert got["code"] is None and got["eligible"] == want["eligible"] and got["bound"] == want["bound"]
        assert isinstance(got["amount"], Decimal) and got["amount"] == want["amount"]
        assert str(got["amount"]) == str(want["amount"])  # the same digits: 370370.37, not a float's
        assert got["reasons"] == want["reasons"]
    assert out.loc[10, "amount"] == Decimal("370370.37")
    assert out.loc[13, "code"] == "missing_fact" and out.loc[14, "code"] == "bad_fact"
    assert not any(str(dtype).startswith("float") for dtype in out.dtypes)


def test_one_measure_for_every_row_and_dates(ed):
    df = pd.DataFrame({k: [v] * 3 for k, v in VOUCHER.items()})
    out = kuan.pandas.evaluate(df, ed, "算力券")
    assert list(out["amount"]) == [Decimal("360000.00")] * 3 and "id" not in out.columns
    as_of = pd.DataFrame({**{k: [v] for k, v in VOUCHER.items()}, "measure": ["算力券"],
                          "as_of": [datetime.date(2025, 7, 1)]})
    assert kuan.pandas.evaluate(as_of, ed)["amount"][0] == Decimal("360000.00")


def test_float_is_refused(ed):
    df = pd.DataFrame({"合同金额": [1200000.0], "采购类型": ["算力服务"], "算力设施档位": ["一档"]})
    with pytest.raises(TypeError, match="float"):
        kuan.pandas.evaluate(df, ed, "算力券")
    mixed = pd.DataFrame({"合同金额": [Decimal("1"), 0.5], "采购类型": ["算力服务"] * 2, "算力设施档位": ["一档"] * 2})
    with pytest.raises(TypeError, match="float"):
        kuan.pandas.evaluate(mixed, ed, "算力券")
    with pytest.raises(ValueError):
        kuan.pandas.evaluate(pd.DataFrame({"合同金额": ["1元"]}), ed)  # no measure column, none named


def test_missing_cells_are_facts_not_given(ed):
    df = pd.DataFrame({"measure": ["算力券"] * 3, "合同金额": ["120万元"] * 3, "采购类型": ["算力服务"] * 3,
                       "算力设施档位": ["一档", "一档", None],
                       "本年度已申领算力券": pd.array([pd.NA, 7_900_000, pd.NA], dtype="Int64")})
    out = kuan.pandas.evaluate(df, ed)
    assert out["amount"][0] == Decimal("360000.00")
    assert out["code"][1] is None and out["amount"][1] == Decimal("100000.00")  # the year's room: 800万 − 790万
    assert out["bound"][1] == ed.evaluate("算力券", {**VOUCHER, "本年度已申领算力券": 7_900_000})["bound"]
    assert out["code"][2] == "missing_fact"  # 按 算力设施档位 with the fact not given
