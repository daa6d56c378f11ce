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

import functools
import heapq
import os
import zlib
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple, Union

import dask
import dask.bag as db

from . import Edition, Policy, load

try:
    from ._kuan import _application_keys
except ImportError:  # a build tree
    from _kuan import _application_keys  # type: ignore[no-redef]
from .errors import AllocationError, KuanError

PathLike = Union[str, "os.PathLike[str]"]
PolicyLike = Union[Policy, PathLike]


def _policy(policy: PolicyLike) -> Policy:
    """A loaded policy; a path is loaded here, on the client (errors early, and once)."""
    return policy if isinstance(policy, Policy) else load(os.fspath(policy))


def _edition(policy: Policy, edition: str | None, as_of: str | None) -> Edition:
    """The edition named, or in force on `as_of`, or the latest."""
    if as_of is not None:
        return policy.edition_on(as_of)
    return policy.edition(edition) if edition is not None else policy.latest()


def _files(files: PathLike | Iterable[PathLike]) -> list[str]:
    if isinstance(files, (str, os.PathLike)):
        return [os.fspath(files)]
    return [os.fspath(f) for f in files]


def _read_lines(path: str) -> list[tuple[int, bytes]]:
    """(line number, line) for every line of a file, '\\n' and a final '\\r' removed."""
    out = []
    with open(path, "rb") as f:
        for n, raw in enumerate(f, 1):
            line = raw[:-1] if raw.endswith(b"\n") else raw
            out.append((n, line[:-1] if line.endswith(b"\r") else line))
    return out


def _lines_of(output: bytes) -> list[str]:
    """Result bytes as str lines, each with its '\\n' (split on '\\n' only: a result may hold U+2028)."""
    return [line.decode() + "\n" for line in output.split(b"\n")[:-1]]


def _write(path: str, data: bytes) -> None:
    """Writes a whole output file, replacing it only once complete (a failed task leaves no half file)."""
    temporary = f"{path}.{os.getpid()}.part"
    try:
        with open(temporary, "wb") as f:
            f.write(data)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _summary(source: str, output: str, data: bytes) -> dict:
    return {"input": source, "output": output, "lines": data.count(b"\n"),
            "errors": data.count(b'"code":"'), "bytes": len(data)}


def _evaluate_file(path: str, policy: Policy, edition, as_of, explain: bool, pass_through: bool, out: str | None):
    with open(path, "rb") as f:
        data = _edition(policy, edition, as_of).evaluate_jsonl(f.read(), explain=explain, pass_through=pass_through)
    if out is None:
        return _lines_of(data)
    _write(out, data)
    return [_summary(path, out, data)]


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
        data = "".join(ed._batch_lines(lines, numbers, explain, pass_through)).encode()
    else:  # lines: numbered within the partition, as a file of them would be
        raw = b"\n".join((line.encode() if isinstance(line, str) else line).rstrip(b"\n") for line in items)
        data = ed.evaluate_jsonl(raw + b"\n" if items else b"", explain=explain, pass_through=pass_through)
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
    rule texts. The edition is named, or picked by `as_of` ("YYYY-MM-DD"), or else the latest; a line's own
    "as_of" is honoured.

    Without out_dir: a bag of result lines (each with its '\\n'), lazily; "".join(bag.compute()) is the
    command's output. To write them with dask, drop the '\\n' first:
    bag.map(lambda line: line[:-1]).to_textfiles("results/*.jsonl").
    With out_dir: runs now; each worker writes one output per input, named after it (a bag's or frame's
    partition k as part-k.jsonl), and only a summary per file comes back:
    [{"input", "output", "lines", "errors", "bytes"}] in input order."""
    policy = _policy(policy)
    _edition(policy, edition, as_of)  # an unknown edition fails here, not on every worker
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

def _blank(line: bytes) -> bool:
    return not line.strip(b" \t\r\xef\xbb\xbf")


# A line's place in the year as one int, file index then line number: it
# orders like the concatenated files, and survives every shuffle (a tuple may
# come back as a list from a disk shuffle).
_LINE_BITS = 40
_NO_LINE = 1 << 62  # an error about no line: after every line


def _place(key: int) -> tuple[int, int]:
    return key >> _LINE_BITS, key & ((1 << _LINE_BITS) - 1)


def _keyed_records(file_index: int, path: str) -> list[tuple[int, str | None, bytes, str | None]]:
    """(place in the year, applicant, line, id) for each non-blank line; applicant and id as
    the Allocator reads them (None on a line it refuses: its part reports it)."""
    numbered = [(n, line) for n, line in _read_lines(path) if not _blank(line)]
    keys = _application_keys([line for _, line in numbered])
    return [(file_index << _LINE_BITS | n, applicant, line, app_id)
            for (n, line), (applicant, app_id) in zip(numbered, keys)]


def _duplicate_ids(records: db.Bag) -> db.Bag:
    """Ids given twice, as a _Problem at the second: found by a shuffle by id, not on one machine."""
    keys = records.filter(lambda r: r[3] is not None).map(lambda r: (r[3], r[0]))
    groups = keys.groupby(lambda k: _bucket(k[0]), npartitions=max(1, records.npartitions))
    return groups.map_partitions(_duplicates_in)


def _duplicates_in(groups: list) -> list:
    seen: dict = {}
    for _, pairs in groups:
        for app_id, key in pairs:
            seen.setdefault(app_id, []).append(key)
    return [_Problem(sorted(keys)[1], "重复的申请 id", 0, "id", app_id, min(keys))
            for app_id, keys in seen.items() if len(keys) > 1]


def _bucket(name: str | None) -> int:
    """A shuffle key that is the same in every worker process: str's hash() is salted per process."""
    return zlib.crc32((name or "").encode()) & 0xFFFF


def _part(groups: list) -> list[list]:
    """A shuffled partition of (applicant, records) groups → one part, in application order."""
    return [sorted((r for _, records in groups for r in records), key=lambda r: r[0])]


def _new_part(records: list, ed):
    part = ed._allocation_part()
    for i, (_, _, line, _) in enumerate(records):
        part.add(line, i + 1)  # a part's own numbering: errors are mapped back to file and line
    return part


class _Problem(NamedTuple):
    """A line that refuses the year, found on a worker; the client raises the earliest."""
    key: int              # place in the year (_place); _NO_LINE when about no line
    reason: str
    column: int
    field: str
    id: str | None
    first: int | None = None  # a duplicate id: where it was first given


def _guard(phase):
    """Runs a phase on a part (a partition holding one list of records); an
    AllocationError comes back as a _Problem."""
    @functools.wraps(phase)
    def run(chunk, *args):
        records = chunk[0]
        try:
            return phase(records, *args)
        except AllocationError as e:
            key = records[e.line - 1][0] if e.line and e.line <= len(records) else _NO_LINE
            return _Problem(key, e.reason, e.column or 0, e.field, e.id)
    return run


@_guard
def _quota_phase(records: list, policy: Policy, edition, as_of):
    ed = _edition(policy, edition, as_of)
    part = _new_part(records, ed)
    return [(key, score, records[i][0]) for i, key, score in part.quota_candidates()]


@_guard
def _amount_phase(records: list, ranks: dict, policy: Policy, edition, as_of):
    ed = _edition(policy, edition, as_of)
    part = _new_part(records, ed)
    part.finish([ranks.get(r[0], 0) for r in records])
    return [(pool, amount, records[i][0]) for i, pool, amount in part.pool_shares()]


@_guard
def _decide_phase(records: list, ranks: dict, totals: dict, extra: set, policy: Policy, edition, as_of):
    ed = _edition(policy, edition, as_of)
    part = _new_part(records, ed)
    part.finish([ranks.get(r[0], 0) for r in records])
    for pool, total in totals.items():
        part.set_pool(pool, total, [i for i, r in enumerate(records) if r[0] in extra])
    return [(records[i][0], line) for i, line in enumerate(part.lines())]


# ------------------------------------------------------- parts held by workers
# On a distributed cluster each part is read once, into an allocator that stays on
# its worker through the phases (never pickled): every line is evaluated once for
# its quota and once with its applicant's rooms, not once per phase.

class _Held:
    """A part's records and its allocator, living on one worker."""

    def __init__(self, records: list, policy: Policy, edition, as_of):
        self.records = records
        self.problem = None
        try:
            self.part = _new_part(records, _edition(policy, edition, as_of))
        except AllocationError as e:
            self.problem = self.mapped(e)

    def mapped(self, e: AllocationError) -> _Problem:
        key = self.records[e.line - 1][0] if e.line and e.line <= len(self.records) else _NO_LINE
        return _Problem(key, e.reason, e.column or 0, e.field, e.id)

    def run(self, step):
        if self.problem is not None:
            return self.problem
        try:
            return step()
        except AllocationError as e:
            self.problem = self.mapped(e)
            return self.problem


def _hold(chunk: list, policy: Policy, edition, as_of) -> _Held:
    return _Held(chunk[0], policy, edition, as_of)


def _held_quota(h: _Held):
    return h.run(lambda: [(key, score, h.records[i][0]) for i, key, score in h.part.quota_candidates()])


def _held_amounts(h: _Held, ranks: dict):
    def step():
        h.part.finish([ranks.get(r[0], 0) for r in h.records])
        return [(pool, amount, h.records[i][0]) for i, pool, amount in h.part.pool_shares()]
    return h.run(step)


def _held_decide(h: _Held, totals: dict, extra: set):
    def step():
        for pool, total in totals.items():
            h.part.set_pool(pool, total, [i for i, r in enumerate(h.records) if r[0] in extra])
        return [(h.records[i][0], line) for i, line in enumerate(h.part.lines())]
    result = h.run(step)
    return [result] if isinstance(result, _Problem) else result


def _distributed_client():
    """The distributed Client that dask computes with now, or None (a local scheduler)."""
    if dask.config.get("scheduler", None) not in (None, "dask.distributed", "distributed"):
        return None
    try:
        from distributed import get_client
        return get_client()
    except (ImportError, ValueError):
        return None


class _HeldParts:
    """The phases of allocate on parts held by the workers (see above)."""

    def __init__(self, client, chunks, conf):
        from distributed import wait
        self.client = client
        futures = client.compute(chunks)
        self.held = [client.submit(_hold, c, *conf, pure=False) for c in futures]
        wait(self.held)
        self.where = {k: list(v) for k, v in client.who_has(self.held).items()}

    def run(self, step, *args, gather: bool = True):
        """The step on every part, each on the worker holding it: results (or their futures)."""
        args = [self.client.scatter([a], broadcast=True)[0] if isinstance(a, (dict, set)) else a for a in args]
        futures = [self.client.submit(step, h, *args, workers=self.where[h.key], allow_other_workers=False,
                                      pure=False) for h in self.held]
        return self.client.gather(futures) if gather else futures


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


def _decided(chunk, *args) -> list:
    """The decide phase as a bag partition: (place, line) pairs, or [a _Problem]."""
    result = _decide_phase(chunk, *args)
    return [result] if isinstance(result, _Problem) else result


def _write_files(groups: list, outputs: list[str]) -> list[dict]:
    """Writes the decisions of whole input files (a shuffled partition of (file index, pairs) groups)."""
    done = []
    for index, pairs in groups:
        data = "".join(line for _, line in sorted(pairs, key=lambda p: p[0])).encode()
        _write(outputs[index], data)
        done.append({"index": index, "lines": len(pairs), "bytes": len(data)})
    return done


def allocate(files: PathLike | Iterable[PathLike], policy: PolicyLike, edition: str | None = None, *,
             as_of: str | None = None, npartitions: int | None = None, out: PathLike | None = None,
             out_dir: PathLike | None = None) -> list:
    """Decides a year held in JSONL files (application order: the files in order, then their lines) on the
    current Dask scheduler, byte for byte as `kuan allocate --in <the files concatenated>` decides it.
    policy: a kuan.Policy or a policy folder's path (loaded on the client; the workers get its rule texts).
    A bad line refuses the year: AllocationError naming its file and line, and nothing is written.

    Without out_dir: returns the decision lines (each with its '\\n'); with `out`, also writes them there
    (from the client). With out_dir: the workers write the decisions of each input file to out_dir under
    the input's name (concatenated in input order: the command's output) and only a summary per file
    comes back: [{"input", "output", "lines", "bytes"}] in input order."""
    files = _files(files)
    policy = _policy(policy)
    ed = _edition(policy, edition, as_of)  # on the client too: pools, and errors early
    outputs = None if out_dir is None else _outputs([os.path.basename(f) for f in files], out_dir, files)
    conf = (policy, edition, as_of)
    records = db.from_delayed([dask.delayed(_keyed_records)(i, f) for i, f in enumerate(files)]).persist()
    n = npartitions or max(2, records.npartitions)
    parts = records.groupby(lambda r: _bucket(r[1]), npartitions=n).map_partitions(_part)
    parts = parts.persist()
    chunks = parts.to_delayed()  # one delayed [records] per part
    client = _distributed_client()
    held = _HeldParts(client, chunks, conf) if client is not None else None

    # Quotas over the whole year: best score first, ties to the earlier application.
    if held:
        found, duplicates = held.run(_held_quota), _duplicate_ids(records).compute()
    else:
        found, duplicates = dask.compute([dask.delayed(_quota_phase)(c, *conf) for c in chunks],
                                         _duplicate_ids(records))
    _raise_first([*found, *duplicates], files)
    candidates = sorted((c for part in found for c in part), key=lambda c: (c[0], -c[1], c[2]))
    ranks: dict = {}
    for i, (quota, _, key) in enumerate(candidates):  # ranked per quota and group
        ranks[key] = 1 if i == 0 or candidates[i - 1][0] != quota else ranks[candidates[i - 1][2]] + 1
    ranks_d = dask.delayed(ranks, traverse=False)

    # Rooms, per applicant; then the pools over the whole year.
    if held:
        shares = held.run(_held_amounts, ranks)
    else:
        shares = dask.compute(*[dask.delayed(_amount_phase)(c, ranks_d, *conf) for c in chunks])
    _raise_first(shares, files)
    totals: dict[int, int] = {}
    for part in shares:
        for pool, amount, _ in part:
            totals[pool] = totals.get(pool, 0) + amount
    extra: set = set()
    for pool, total in totals.items():
        cents = ed.pools[pool][1]
        if total <= cents:
            continue
        if total > 2**63 - 1:
            raise AllocationError(f"资金池 {ed.pools[pool][0]} 的申请合计超出可处理的范围", code="allocation_error")
        floors, remainders = 0, []
        for part in shares:
            for p, amount, key in part:
                if p == pool:
                    q, r = divmod(amount * cents, total)  # Python ints: exact
                    floors += q
                    if r:
                        remainders.append((-r, key))
        extra.update(key for _, key in heapq.nsmallest(cents - floors, remainders))
    extra_d = dask.delayed(extra, traverse=False)

    if outputs is None:
        if held:
            decided = [d[0] if len(d) == 1 and isinstance(d[0], _Problem) else d
                       for d in held.run(_held_decide, totals, extra)]
        else:
            decided = dask.compute(*[dask.delayed(_decide_phase)(c, ranks_d, totals, extra_d, *conf)
                                     for c in chunks])
        _raise_first(decided, files)
        lines = [line for _, line in heapq.merge(*decided, key=lambda d: d[0])]
        if out is not None:
            with open(out, "w", encoding="utf-8", newline="") as f:
                f.writelines(lines)
        return lines

    # The decisions stay on the workers: checked, shuffled back by input file, written there.
    if held:
        decided = db.from_delayed(held.run(_held_decide, totals, extra, gather=False))
    else:
        decided = db.from_delayed([dask.delayed(_decided)(c, ranks_d, totals, extra_d, *conf) for c in chunks])
    decided = decided.persist()
    _raise_first(decided.filter(lambda d: isinstance(d, _Problem)).compute(), files)
    by_file = decided.groupby(lambda d: _place(d[0])[0], npartitions=max(1, min(len(files), decided.npartitions)))
    written = {w["index"]: w for w in by_file.map_partitions(_write_files, outputs).compute()}
    summary = []
    for index, (source, output) in enumerate(zip(files, outputs)):
        if index not in written:  # a file with no application: an empty output
            _write(output, b"")
        w = written.get(index, {"lines": 0, "bytes": 0})
        summary.append({"input": source, "output": output, "lines": w["lines"], "bytes": w["bytes"]})
    return summary


__all__ = ["evaluate", "allocate", "KuanError"]
