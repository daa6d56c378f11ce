"""Kuan on pandas: a DataFrame of applications in, a DataFrame of results out.

    import kuan, kuan.pandas
    ed = kuan.load("policies/hangzhou-ai").edition("2025年版")
    results = kuan.pandas.evaluate(applications, ed)          # a "measure" column names each row's measure
    results = kuan.pandas.evaluate(applications, ed, "算力券")  # or one measure for every row

Each column other than id, measure and as_of is a fact, named as the rule files
name it; an empty cell (None, NaN, NaT, pd.NA) is a fact not given. Money and
rates must be exact: Decimal, int, str ("120万元", "30%"), never float — a float
column is refused with TypeError (read the file with dtype=str, or converters
that make Decimal). The rows run through the batch engine (Edition.evaluate_jsonl),
so each result is exactly `kuan eval --batch`'s line for the same application.

Results, on the input's index: id (when the input has one), measure, eligible,
amount (decimal.Decimal, "0.00" when not eligible), bound, reasons (a list),
notes (a list), code and error (None unless the row could not be evaluated), then, when the
policy has named results (结果), one column `结果.NAME` per figure name — the columns of
`kuan eval`'s CSV output, in its order — holding the row's figure as Decimal, None where the
row has none (another measure, not eligible, an error).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal
from typing import Any

import pandas as pd

from . import Edition

_RESERVED = ("id", "measure", "as_of")
_COLUMNS = ["id", "measure", "eligible", "amount", "bound", "reasons", "notes", "code", "error"]
_FIGURE = "结果."


def figure_names(edition: Edition) -> list[str]:
    """The figure names (结果) that `kuan eval`'s CSV output has a `结果.NAME` column for, in its
    order: its header for no applications, so the columns are the same as the CSV's."""
    header = next(csv.reader(io.StringIO(edition.evaluate_csv("measure\n".encode()).decode())))
    return [c[len(_FIGURE):] for c in header if c.startswith(_FIGURE)]


def _json_value(value: Any, column: str) -> str | None:
    """A cell as JSON text; None for an empty cell (the fact is not given)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            if value.is_nan():
                return None
            raise ValueError(f"列 {column} 的值 {value} 不是有限的数")
        return format(value, "f")
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float):
        if value != value:  # NaN: pandas' empty cell in an object column
            return None
        raise TypeError(f"列 {column} 含 float {value!r}:金额和比例须精确(Decimal、int 或文本),float is refused")
    if isinstance(value, (pd.Timestamp, datetime.datetime)):
        if (value.hour, value.minute, value.second, value.microsecond) != (0, 0, 0, 0):
            raise ValueError(f"列 {column} 的时间 {value} 不是一个日期")
        return json.dumps(value.date().isoformat())
    if isinstance(value, datetime.date):
        return json.dumps(value.isoformat())
    if hasattr(value, "item"):  # a numpy scalar (int64, bool_): its Python value
        return _json_value(value.item(), column)
    raise TypeError(f"列 {column} 的值类型 {type(value).__name__} 不能用作事实")


def to_jsonl(df: pd.DataFrame, measure: str | None = None) -> bytes:
    """The rows of `df` as the JSONL `kuan eval --batch` reads: {"id", "measure", "as_of", "facts"} a line.
    `measure` names the measure of every row, or the column holding it (default: "measure")."""
    for column, dtype in df.dtypes.items():
        if pd.api.types.is_float_dtype(dtype):
            raise TypeError(f"列 {column} 的类型是 {dtype}:金额和比例须精确,请用 Decimal、int 或文本(如 dtype=str 读入),"
                            "float is refused because money must be exact")
    if measure is None and "measure" not in df.columns:
        raise ValueError("没有 measure 列:请给出措施名(measure=…)或含措施名的列")
    measure_column = "measure" if measure is None else measure if measure in df.columns else None
    facts = [c for c in df.columns if c not in _RESERVED and c != measure_column]
    head = {} if measure_column else {"measure": json.dumps(measure, ensure_ascii=False)}
    lines = []
    for row in df.itertuples(index=False, name=None):
        cells = dict(zip(df.columns, row))
        parts = []
        if "id" in cells and (text := _json_value(cells["id"], "id")) is not None:
            parts.append('"id":' + text)
        parts.append('"measure":' + (head.get("measure") or _json_value(cells[measure_column], measure_column) or "null"))
        if "as_of" in cells and (text := _json_value(cells["as_of"], "as_of")) is not None:
            parts.append('"as_of":' + text)
        written = []
        for name in facts:
            text = _json_value(cells[name], str(name))
            if text is not None:
                written.append(json.dumps(str(name), ensure_ascii=False) + ":" + text)
        parts.append('"facts":{' + ",".join(written) + "}")
        lines.append("{" + ",".join(parts) + "}\n")
    return "".join(lines).encode()


def from_jsonl(data: bytes, index: pd.Index | None = None, figures: list[str] | None = None) -> pd.DataFrame:
    """Result lines of `kuan eval --batch` as a DataFrame (amount as Decimal, no float); with
    `figures`, a `结果.NAME` column per name holding the line's figure as Decimal, or None."""
    figures = figures or []
    rows = []
    for line in data.split(b"\n")[:-1]:
        r = json.loads(line, parse_float=Decimal)
        rows.append({"id": r.get("id"), "measure": r.get("measure"), "eligible": r.get("eligible"),
                     "amount": Decimal(r["amount"]) if "amount" in r else None, "bound": r.get("bound"),
                     "reasons": r.get("reasons", []), "notes": r.get("notes", []), "code": r.get("code"),
                     "error": r.get("error")})
        got = r.get("figures", {})
        rows[-1].update({_FIGURE + n: Decimal(got[n]) if n in got else None for n in figures})
    out = pd.DataFrame(rows, columns=_COLUMNS + [_FIGURE + n for n in figures], index=index)
    return out


def evaluate(df: pd.DataFrame, edition: Edition, measure: str | None = None, *, threads: int = 1,
             as_of: Any = None) -> pd.DataFrame:
    """Evaluates every row of `df` (fact columns, and id / measure / as_of when present) on `edition`.
    `measure` is a measure for every row, or the column naming each row's measure (default "measure").
    `as_of` ("YYYY-MM-DD" or datetime.date) is the date of the rows without their own as_of: which
    measures and clauses are in force (施行); None: today in China; ValueError when it is not a day.
    Returns a DataFrame on df's index: id, measure, eligible, amount (Decimal), bound, reasons, notes, and
    code / error for rows that could not be evaluated (as `kuan eval --batch` reports them), and a
    `结果.NAME` column (Decimal or None) per named result of the policy, as in the CSV output."""
    out = from_jsonl(edition.evaluate_jsonl(to_jsonl(df, measure), threads=threads, as_of=as_of), df.index,
                     figure_names(edition))
    if "id" not in df.columns:
        out = out.drop(columns="id")
    return out


__all__ = ["evaluate", "to_jsonl", "from_jsonl", "figure_names"]
