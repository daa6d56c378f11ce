# Types of the kuan package (the _kuan extension and kuan.errors).
import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, Literal, TypedDict, Union

from .errors import (AllocationError as AllocationError, EditionError as EditionError,
                     EvaluationError as EvaluationError, FactError as FactError, KuanError as KuanError,
                     MeasureError as MeasureError, PolicyError as PolicyError)

# A fact's value: exact forms only. float is refused (TypeError): money must be exact.
FactValue = Union[Decimal, int, bool, str, datetime.date, None]
Facts = Mapping[str, FactValue]

class Result(TypedDict, total=False):
    id: str                      # evaluate_many with {"id": …}
    measure: str
    version: str
    eligible: bool
    amount: Decimal              # as the edition rounds it: Decimal("360000.00")
    reasons: list[str]           # why not eligible
    bound: str | None            # the cap that limited the amount
    notes: list[str]
    clause: str
    explanation: dict[str, Any]  # with explain=True: the tree of `kuan eval --format json --explain`

class ErrorRow(TypedDict, total=False):  # evaluate_many(on_error="return")
    id: str
    code: str
    error: str
    fact: str

class Decision(TypedDict, total=False):  # the fields of `kuan allocate`'s JSONL
    id: str
    applicant: str
    measure: str
    eligible: bool
    amount: Decimal
    allocated: Decimal
    figures: dict[str, Decimal]  # eligible, the measure has 结果: its named results in order
    reasons: list[str]
    bound: str | None
    cap_room_used: str
    pro_rata: str
    extra_cent: bool
    quota_rank: int
    notes: list[str]

class Edition:
    @property
    def name(self) -> str: ...
    @property
    def status(self) -> str: ...          # 正式 / 示例 / 草案
    @property
    def measures(self) -> list[str]: ...
    @property
    def pools(self) -> list[tuple[str, int]]: ...  # (name, 分)
    # as_of: the applications' date, "YYYY-MM-DD" or datetime.date (施行 on measures and clauses); None: today in China.
    def evaluate(self, measure: str, facts: Facts, explain: bool = ..., as_of: str | datetime.date | None = ...) -> Result: ...
    def evaluate_all(self, facts: Facts, explain: bool = ..., as_of: str | datetime.date | None = ...) -> dict[str, Any]: ...
    def evaluate_many(self, items: Iterable[tuple[str, Facts] | Mapping[str, Any]], explain: bool = ...,  # a dict item may carry "as_of"
                      on_error: Literal["raise", "return"] = ..., threads: int = ...,
                      as_of: str | datetime.date | None = ...) -> list[Result | ErrorRow]: ...
    def evaluate_jsonl(self, data: bytes | bytearray | memoryview, *, explain: bool = ..., pass_through: bool = ...,
                       threads: int = ..., as_of: str | datetime.date | None = ...) -> bytes: ...
    def evaluate_csv(self, data: bytes | bytearray | memoryview, *, output: str = ..., threads: int = ...,
                     as_of: str | datetime.date | None = ...) -> bytes: ...
    def allocate(self, rows: Iterable[Mapping[str, Any] | str | bytes], *,
                 opening: Iterable[Mapping[str, Any] | str | bytes] | None = ..., carry_stated: bool = ...,
                 as_of: str | datetime.date | None = ...) -> list[Decision]: ...

class Policy:
    @property
    def editions(self) -> list[str]: ...
    @property
    def sources(self) -> dict[str, str]: ...  # path → rule text; kuan.load_texts(sources) rebuilds it
    def edition(self, name: str) -> Edition: ...
    def edition_on(self, date: str | datetime.date) -> Edition: ...
    def latest(self) -> Edition: ...

def load(path: str) -> Policy: ...
def load_texts(texts: Mapping[str, str]) -> Policy: ...

__all__: list[str]
