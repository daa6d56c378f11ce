"""Kuan on a Dask cluster: evaluation and a year's allocation across workers.

    from distributed import Client
    import kuan, kuan.dask
    client = Client("tcp://scheduler:8786")          # or LocalCluster(); only this line changes
    policy = kuan.load("policies/hangzhou-ai")        # travels to the workers as its rule texts
    kuan.dask.evaluate(["a.jsonl", "b.jsonl"], policy, "2025年版", out_dir="results")   # workers write results/a.jsonl …
    decisions = kuan.dask.allocate(["q1.jsonl", "q2.jsonl"], policy, "2025年版")

Every rule is applied by the C++ engine on the workers (the same code as the
`kuan` command), so the lines are the command's lines byte for byte. `policy`
is a loaded kuan.Policy or a path (loaded on the client): either way the
workers receive its rule texts (a Policy pickles as them), so they need no
copy of the policy folder; each worker process builds it once.

allocate() decides the year in the phases of the spec's batch-level rules:
  1. applications are shuffled by applicant, so that one part holds all of an
     applicant's applications (in application order);
  2. quotas: each part evaluates its quota applications alone; the ranking by
     score (ties: the earlier application) is made over the whole year;
  3. rooms: each part decides its applicants' amounts in application order,
     with the ranks imposed;
  4. pools: the year's total per pool; when it exceeds the pool, each amount is
     floored pro rata to the 分 and the leftover cents go to the largest
     remainders over the whole year (ties: the earlier application);
  5. each part writes its decisions, put back in application order.
"Application order" is the order of the files given, then of lines in each file.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple, Union

import dask
import dask.bag as db

from . import Edition, Policy, load

try:
    from ._kuan import _duplicate_ids, _largest_remainders, _merge_decisions, _rank_quotas, _split_year
except ImportError:  # a build tree
    from _kuan import (_duplicate_ids, _largest_remainders, _merge_decisions,  # type: ignore[no-redef]
                       _rank_quotas, _split_year)
from .errors import AllocationError, KuanError

PathLike = Union[str, "os.PathLike[str]"]
PolicyLike = Union[Policy, PathLike]


def _policy(policy: PolicyLike) -> Policy:
    """A loaded policy; a path is loaded here, on the client (errors early, and once)."""
    return policy if isinstance(policy, Policy) else load(os.fspath(policy))


def _edition(policy: Policy, edition: str | None, as_of: str | None) -> Edition:
    """The edition named, or in force on `as_of`, or the latest (with both, `as_of` is only the
    applications' date, as `kuan eval --version V --as-of D`)."""
    if edition is not None:
        return policy.edition(edition)
    return policy.edition_on(as_of) if as_of is not None else policy.latest()


def _files(files: PathLike | Iterable[PathLike]) -> list[str]:
    if isinstance(files, (str, os.PathLike)):
        return [os.fspath(files)]
    return [os.fspath(f) for f in files]


def _lines_of(output: bytes) -> list[str]:
    """Result bytes as str lines, each with its '\\n' (split on '\\n' only: a result may hold U+2028)."""
    return [line.decode() + "\n" for line in output.split(b"\n")[:-1]]


@contextlib.contextmanager
def _replacing(path: str):
    """A temporary name to write `path` under; it replaces `path` only once complete (a failed task
    leaves no half file)."""
    temporary = f"{path}.{os.getpid()}.part"
    try:
        yield temporary
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _write(path: str, data: bytes) -> None:
    """Writes a whole output file, replacing it only once complete."""
    with _replacing(path) as temporary, open(temporary, "wb") as f:
        f.write(data)


def _summary(source: str, output: str, data: bytes) -> dict:
    return {"input": source, "output": output, "lines": data.count(b"\n"),
            "errors": data.count(b'"code":"'), "bytes": len(data)}


def _evaluate_file(path: str, policy: Policy, edition, as_of, explain: bool, pass_through: bool, out: str | None):
    ed = _edition(policy, edition, as_of)
    if out is None:
        with open(path, "rb") as f:
            return _lines_of(ed.evaluate_jsonl(f.read(), explain=explain, pass_through=pass_through, as_of=as_of))
    with _replacing(out) as temporary:  # streamed from file to file in C++: no line becomes a Python object
        lines, errors, size = ed._evaluate_file(path, temporary, explain=explain, pass_through=pass_through,
                                                as_of=as_of)
    return [{"input": path, "output": out, "lines": lines, "errors": errors, "bytes": size}]


def _evaluate_partition(items: list, policy: Policy, edition, as_of, explain: bool, pass_through: bool,
                        out: str | None):
    ed = _edition(policy, edition, as_of)
    items = list(items)  # a partition may come as an iterator
    if items and isinstance(items[0], (tuple, list)):  # (line number, line): numbered by the caller
        lines, numbers = [], []
        for number, line in items:
            line = line.encode() if isinstance(line, str) else line
            line = line.rstrip(b"\n").removesuffix(b"\r")
            if line.strip(b" \t"):  # as the command: blank lines are skipped, but counted
                lines.append(line)
                numbers.append(number)
        data = "".join(ed._batch_lines(lines, numbers, explain, pass_through, as_of)).encode()
    else:  # lines: numbered within the partition, as a file of them would be
        raw = b"\n".join((line.encode() if isinstance(line, str) else line).rstrip(b"\n") for line in items)
        data = ed.evaluate_jsonl(raw + b"\n" if items else b"", explain=explain, pass_through=pass_through,
                                 as_of=as_of)
    if out is None:
        return _lines_of(data)
    _write(out, data)
    return [_summary("<partition>", out, data)]


def _frame_partition(df, policy: Policy, edition, as_of, explain: bool, pass_through: bool, out: str | None,
                     measure: str | None):
    from .pandas import to_jsonl
    return _evaluate_partition([to_jsonl(df, measure)[:-1]] if len(df) else [], policy, edition, as_of, explain,
                               pass_through, out)


def _outputs(names: list[str], out_dir: PathLike, inputs: list[str] | None = None) -> list[str]:
    out_dir = os.path.abspath(os.fspath(out_dir))
    os.makedirs(out_dir, exist_ok=True)
    outputs = [os.path.join(out_dir, name) for name in names]
    if len(set(outputs)) != len(outputs):
        raise ValueError("输入文件同名:out_dir 中每个输入只写一个同名文件,请先改名 (input files share a name)")
    for source, output in zip(inputs or [], outputs):
        if os.path.exists(output) and os.path.samefile(source, output):
            raise ValueError(f"输出 {output} 就是输入文件:请换一个 out_dir")
    return outputs


def evaluate(source: Any, policy: PolicyLike, edition: str | None = None, *, as_of: str | None = None,
             explain: bool = False, pass_through: bool = False, out_dir: PathLike | None = None,
             measure: str | None = None):
    """Evaluates applications on the workers, each line exactly as `kuan eval --batch` evaluates it.

    source: JSONL file paths (one task per file: the worker reads the file), a dask bag of lines (str or
    bytes; numbered within each partition) or of (line number, line) pairs, or a dask DataFrame of
    applications (fact columns, and id / measure / as_of; see kuan.pandas; `measure` as there).
    policy: a kuan.Policy or a policy folder's path (loaded on the client); it reaches the workers as its
    rule texts. The edition is named, or picked by `as_of` ("YYYY-MM-DD"), or else the latest. `as_of` is
    also the applications' date (施行 on measures and clauses; with `edition`, only that), for every line
    without its own "as_of"; without it, today in China. A line's own "as_of" is honoured. A malformed
    `as_of` raises ValueError on the client.

    Without out_dir: a bag of result lines (each with its '\\n'), lazily; "".join(bag.compute()) is the
    command's output. To write them with dask, drop the '\\n' first:
    bag.map(lambda line: line[:-1]).to_textfiles("results/*.jsonl").
    With out_dir: runs now; each worker writes one output per input, named after it (a bag's or frame's
    partition k as part-k.jsonl), and only a summary per file comes back:
    [{"input", "output", "lines", "errors", "bytes"}] in input order."""
    policy = _policy(policy)
    # An unknown edition or a malformed date fails here, not on every worker.
    _edition(policy, edition, as_of)._batch_lines([], [], as_of=as_of)
    conf = (policy, edition, as_of, explain, pass_through)
    if isinstance(source, db.Bag) or hasattr(source, "map_partitions") and hasattr(source, "dtypes"):
        frame = not isinstance(source, db.Bag)
        outputs = [None] * source.npartitions if out_dir is None else _outputs(
            [f"part-{k:05d}.jsonl" for k in range(source.npartitions)], out_dir)
        if frame:
            parts = [dask.delayed(_frame_partition)(p, *conf, out, measure)
                     for p, out in zip(source.to_delayed(), outputs)]
        else:
            parts = [dask.delayed(_evaluate_partition)(p, *conf, out) for p, out in zip(source.to_delayed(), outputs)]
    else:
        files = [os.path.abspath(f) for f in _files(source)]
        outputs = [None] * len(files) if out_dir is None else _outputs(
            [os.path.basename(f) for f in files], out_dir, files)
        parts = [dask.delayed(_evaluate_file)(f, *conf, out) for f, out in zip(files, outputs)]
    bag = db.from_delayed(parts)
    if out_dir is None:
        return bag
    return bag.compute()


# ------------------------------------------------------------------ allocate
# Every step over applications runs in C++ (python/year_parts.cpp) on packed
# bytes: no Python object is made per line, on the workers or on the client.

# A line's place in the year as one int, file index then line number: it
# orders like the concatenated files (python/year_parts.cpp packs it so).
_LINE_BITS = 40
_NO_LINE = 1 << 62  # an error about no line: after every line


def _place(key: int) -> tuple[int, int]:
    return key >> _LINE_BITS, key & ((1 << _LINE_BITS) - 1)


class _Problem(NamedTuple):
    """A line that refuses the year, found on a worker; the client raises the earliest."""
    key: int              # place in the year (_place); _NO_LINE when about no line
    reason: str
    column: int
    field: str
    id: str | None
    first: int | None = None  # a duplicate id: where it was first given


def _split_file(index: int, path: str, parts: int) -> tuple[list[bytes], list[bytes]]:
    """A file's lines for each part (by applicant) and its ids for each id bucket, packed."""
    with open(path, "rb") as f:
        return _split_year(f.read(), index, parts)


def _at(items, *index):
    """items[i][j]…: one piece of a task's result, as a task of its own (it moves alone)."""
    for i in index:
        items = items[i]
    return items


def _duplicates(pieces: list[bytes]) -> _Problem | None:
    found = _duplicate_ids(pieces)
    return None if found is None else _Problem(found[0], "重复的申请 id", 0, "id", found[1], found[2])


class _Part:
    """A part of the year (every line of its applicants) with its allocator, living on one worker
    through the steps (never pickled); or the _Problem that stopped it."""

    def __init__(self, pieces: list[bytes], policy: Policy, edition, as_of, day: str, carry_stated: bool,
                 opening: tuple[bytes, bool] | None):
        self.part = _edition(policy, edition, as_of)._year_part(as_of=day, carry_stated=carry_stated)
        if opening is not None:  # checked on the client: no error here
            self.part.opening(*opening)
        self.problem = None
        self.run(self.part.read, pieces)

    def run(self, step, *args):
        if self.problem is not None:
            return self.problem
        try:
            return step(*args)
        except AllocationError as e:  # the part's own line number → the line's place in the year
            key = self.part.place(e.line) if e.line and e.line <= self.part.size else _NO_LINE
            self.problem = _Problem(key, e.reason, e.column or 0, e.field, e.id)
            return self.problem


def _quota(h: _Part):
    return h.run(h.part.quota_candidates)


def _finish(h: _Part, ranks: bytes):
    return h.run(h.part.finish, ranks)


def _remainders(h: _Part, pool: int, total: int, cents: int):
    return h.run(h.part.remainders, pool, total, cents)


def _decide(h: _Part, totals: dict, last_cents: dict, files: int):
    def step():
        for pool, total in totals.items():
            h.part.set_pool(pool, total, last_cents.get(pool))
        return h.part.decisions(files)
    return h.run(step)


def _merged(decided: list[bytes]) -> bytes:
    return _merge_decisions(decided)


def _write_merged(path: str, decided: list[bytes]) -> dict:
    data = _merge_decisions(decided)
    _write(path, data)
    return {"lines": data.count(b"\n"), "bytes": len(data)}


class _InProcess:
    """No distributed client: the steps run here, part after part."""

    def __init__(self, files: list[str], n: int, conf: tuple):
        splits = [_split_file(i, f, n) for i, f in enumerate(files)]
        self.parts = [_Part([s[0][j] for s in splits], *conf) for j in range(n)]
        self.id_buckets = [[s[1][j] for s in splits] for j in range(n)]

    def duplicates(self) -> list:
        return [_duplicates(b) for b in self.id_buckets]

    def each(self, step, args: list[tuple]) -> list:
        return [step(h, *a) for h, a in zip(self.parts, args)]

    def write(self, decided: list[list[bytes]], outputs: list[str]) -> list[dict]:
        return [_write_merged(out, [d[k] for d in decided]) for k, out in enumerate(outputs)]


class _OnCluster:
    """A distributed cluster: each part is read once, by a worker that keeps it through the steps;
    only packed bytes and small summaries move."""

    def __init__(self, client, files: list[str], n: int, conf: tuple):
        from distributed import wait
        self.client = client
        splits = [client.submit(_split_file, i, f, n, pure=False) for i, f in enumerate(files)]

        def pieces(which: int, part: int) -> list:
            return [client.submit(_at, s, which, part, pure=False) for s in splits]
        self.held = [client.submit(_Part, pieces(0, j), *conf, pure=False) for j in range(n)]
        self.dups = [client.submit(_duplicates, pieces(1, j), pure=False) for j in range(n)]
        wait(self.held)
        self.where = {k: list(v) for k, v in client.who_has(self.held).items()}

    def duplicates(self) -> list:
        return self.client.gather(self.dups)

    def each(self, step, args: list[tuple], gather: bool = True) -> list:
        """The step on every part, on the worker holding it: results (or their futures)."""
        futures = [self.client.submit(step, h, *a, workers=self.where[h.key], allow_other_workers=False, pure=False)
                   for h, a in zip(self.held, args)]
        return self.client.gather(futures) if gather else futures

    def write(self, decided: list, outputs: list[str]) -> list[dict]:
        """decided: futures of each part's decisions per file; each file merged and written by a worker."""
        c = self.client
        writes = [c.submit(_write_merged, out, [c.submit(_at, d, k, pure=False) for d in decided], pure=False)
                  for k, out in enumerate(outputs)]
        return c.gather(writes)


def _distributed_client():
    """The distributed Client that dask computes with now, or None (a local scheduler)."""
    if dask.config.get("scheduler", None) not in (None, "dask.distributed", "distributed"):
        return None
    try:
        from distributed import get_client
        return get_client()
    except (ImportError, ValueError):
        return None


def _raise_first(results: Sequence, files: list[str]) -> None:
    problems = [r for r in results if isinstance(r, _Problem)]
    if not problems:
        return
    # The earliest line; at one line, the duplicate id (a part numbers its own lines, not the year's).
    p = min(problems, key=lambda p: (p.key, p.first is None))
    file, line = _place(p.key) if p.key != _NO_LINE else (None, None)
    if p.first is not None:
        first_file, first_line = _place(p.first)
        reason = f"{p.reason}(与 {files[first_file]}:{first_line} 相同)"
    else:
        reason = p.reason
    where = f"{files[file]}:{line}" + (f":{p.column}" if p.column else "") if file is not None else "<year>"
    text = f"{where}: error: " + (f"字段 {p.field}:" if p.field else "") + reason + (f"(申请 id {p.id})" if p.id else "")
    error = AllocationError(text, code="allocation_error")
    error.file = None if file is None else files[file]
    error.field, error.id, error.reason = p.field, p.id, reason
    error.line = line
    raise error


def _today_in_china() -> str:
    """Today in China (UTC+8), as `kuan allocate` dates a run given no --as-of."""
    return datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date().isoformat()


def _opening(opening: PathLike | Iterable[Any], ed: Edition, day: str) -> tuple[bytes, bool]:
    """The opening balances as one file's bytes and whether they are CSV, checked here on the client (a bad
    line raises AllocationError naming the file, or `<opening>` for rows, and its line)."""
    if isinstance(opening, (str, os.PathLike)):
        name = os.fspath(opening)
        with open(name, "rb") as f:
            data = f.read()
        csv = name.endswith(".csv")
    else:
        name = "<opening>"
        data = b"".join((row if isinstance(row, bytes) else
                         (row if isinstance(row, str) else json.dumps(row, ensure_ascii=False)).encode()).rstrip(b"\n")
                        + b"\n" for row in opening)
        csv = False
    try:
        ed._year_part(as_of=day).opening(data, csv)
    except AllocationError as e:
        line, column = getattr(e, "line", None), getattr(e, "column", None)
        where = f"{name}:{line}" + (f":{column}" if column else "") if line else name
        error = AllocationError(f"{where}: error: " + (f"字段 {e.field}:" if e.field else "") + e.reason,
                                code="allocation_error")
        error.file, error.line, error.column, error.field, error.id, error.reason = name, line, column, e.field, None, e.reason
        raise error from None
    return data, csv


def allocate(files: PathLike | Iterable[PathLike], policy: PolicyLike, edition: str | None = None, *,
             as_of: str | None = None, opening: PathLike | Iterable[Any] | None = None, carry_stated: bool = False,
             npartitions: int | None = None, out: PathLike | None = None,
             out_dir: PathLike | None = None) -> list:
    """Decides a year held in JSONL files (application order: the files in order, then their lines) on the
    current Dask cluster, byte for byte as `kuan allocate --in <the files concatenated>` decides it.
    policy: a kuan.Policy or a policy folder's path (loaded on the client; the workers get its rule texts).
    npartitions: how many parts the applicants are spread over (default: the number of files, at least 2).
    as_of ("YYYY-MM-DD", `--as-of`): picks the edition when none is named, and dates every line without its own "as_of" (which
    measures are in force: 施行); without it, today in China, fixed once on the client for every part.
    opening (`--opening`): the opening balances (期初余额) — a JSONL or CSV file's path (CSV by its .csv name),
    or {"applicant", "facts": {已用 fact: figure}} dicts / JSON lines; each part reads them all and uses those
    of its applicants. carry_stated: `--carry-stated`.
    A bad line refuses the year: AllocationError naming its file and line, and nothing is written (a bad
    opening line: the opening file, or `<opening>` for rows, and its line).
    Without a distributed Client the same steps run in this process.

    Without out_dir: returns the decision lines (each with its '\\n'); with `out`, also writes them there
    (from the client). With out_dir: the workers write the decisions of each input file to out_dir under
    the input's name (concatenated in input order: the command's output) and only a summary per file
    comes back: [{"input", "output", "lines", "bytes"}] in input order."""
    files = _files(files)
    policy = _policy(policy)
    ed = _edition(policy, edition, as_of)  # on the client too: pools, and errors early
    day = as_of if as_of is not None else _today_in_china()  # one run, one day (a malformed one: ValueError)
    balances = None if opening is None else _opening(opening, ed, day)
    outputs = None if out_dir is None else _outputs([os.path.basename(f) for f in files], out_dir, files)
    conf = (policy, edition, as_of, day, carry_stated, balances)
    n = npartitions or max(2, len(files))
    client = _distributed_client()
    year = _OnCluster(client, files, n, conf) if client is not None else _InProcess(files, n, conf)

    # Quotas over the whole year: best score first, ties to the earlier application.
    found = year.each(_quota, [()] * n)
    _raise_first([*found, *year.duplicates()], files)
    ranks = _rank_quotas(found)

    # Rooms, per applicant, with the ranks imposed; then the pools over the whole year.
    shares = year.each(_finish, [(r,) for r in ranks])
    _raise_first(shares, files)
    totals: dict[int, int] = {}
    for part in shares:
        for pool, amount in part.items():
            totals[pool] = totals.get(pool, 0) + amount
    last_cents: dict = {}  # pool over its size → the last (remainder, place) that gets a leftover cent
    for pool, total in totals.items():
        cents = ed.pools[pool][1]
        if total <= cents:
            continue
        if total > 2**63 - 1:
            raise AllocationError(f"资金池 {ed.pools[pool][0]} 的申请合计超出可处理的范围", code="allocation_error")
        remainders = year.each(_remainders, [(pool, total, cents)] * n)
        floors = sum(r[0] for r in remainders)
        last_cents[pool] = _largest_remainders([r[1] for r in remainders], cents - floors)

    if outputs is None:
        decided = year.each(_decide, [(totals, last_cents, len(files))] * n)
        data = b"".join(_merged([d[k] for d in decided]) for k in range(len(files)))
        if out is not None:
            _write(os.fspath(out), data)
        return _lines_of(data)

    # The decisions stay on the workers: merged back by input file and written there.
    if isinstance(year, _OnCluster):
        written = year.write(year.each(_decide, [(totals, last_cents, len(files))] * n, gather=False), outputs)
    else:
        written = year.write(year.each(_decide, [(totals, last_cents, len(files))] * n), outputs)
    return [{"input": source, "output": output, **w} for source, output, w in zip(files, outputs, written)]


__all__ = ["evaluate", "allocate", "KuanError"]
