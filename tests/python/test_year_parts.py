"""kuan.dask.allocate's native steps (python/year_parts.cpp): the split by applicant, the year's quota
ranking and leftover cents from packed per-part summaries, and what they do with hostile input."""
import struct

import pytest

import kuan
import kuan.dask
from conftest import POLICY, run_kuan

try:
    import _kuan
except ImportError:
    from kuan import _kuan

VOUCHER = '{{"id": {id}, "applicant": {who}, "measure": "算力券", "facts": {{"合同金额": "{amount}", ' \
          '"采购类型": "算力服务", "算力设施档位": "一档"}}}}'


def candidate(place: int, index: int, quota: str, group: str, score: str) -> bytes:
    def text(s: str) -> bytes:
        b = s.encode()
        return struct.pack("<I", len(b)) + b
    return struct.pack("<QI", place, index) + text(quota) + text(group) + text(score)


def ranks_of(blob: bytes) -> dict[int, int]:
    return dict(struct.iter_unpack("<II", blob))


def test_an_applicant_written_with_escapes_is_one_applicant(kuan_binary, tmp_path):
    """The split reads applicant and id without parsing the facts, and falls back to the full reading for
    an escape or an integer id: the same applicant written two ways shares its year's room (one part)."""
    rows = [VOUCHER.format(id=1, who='"E1"', amount="900万元"),
            VOUCHER.format(id='"2"', who='"\\u0045\\u0031"', amount="900万元"),  # "E1" again, escaped
            VOUCHER.format(id=3, who='"E2"', amount="50万元"),
            "",  # blank: skipped, counted
            VOUCHER.format(id='"4"', who='"E1"', amount="900万元") + "\r"]
    year = tmp_path / "year.jsonl"
    year.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "cli.decisions"
    assert run_kuan(kuan_binary, "allocate", str(POLICY), "--version", "2025年版", "--in", str(year), "--out",
                    str(out)).returncode == 0
    want = out.read_bytes()
    assert b"cap_room_used" in want  # the later E1 lines meet the year's room the earlier ones used
    for parts in (2, 3, 7):
        lines, _ = _kuan._split_year(year.read_bytes(), 1, parts)
        holding = [k for k, blob in enumerate(lines) if b'"E1"' in blob or b"\\u0045" in blob]
        assert len(holding) == 1, "an applicant's lines in one part"
        got = kuan.dask.allocate([str(year)], str(POLICY), "2025年版", npartitions=parts)
        assert "".join(got).encode() == want


def test_duplicate_ids_across_parts_name_both_places(tmp_path):
    a = tmp_path / "a.jsonl"
    a.write_text(VOUCHER.format(id='"x"', who='"E1"', amount="10万元") + "\n" +
                 VOUCHER.format(id='"y"', who='"E2"', amount="10万元") + "\n", encoding="utf-8")
    b = tmp_path / "b.jsonl"
    b.write_text("\n" + VOUCHER.format(id='"\\u0078"', who='"E3"', amount="10万元") + "\n", encoding="utf-8")
    with pytest.raises(kuan.AllocationError) as e:  # "\u0078" is "x": found by the full reading
        kuan.dask.allocate([str(a), str(b)], str(POLICY), "2025年版", npartitions=5)
    assert str(e.value).startswith(f"{b}:2: error: 字段 id:重复的申请 id(与 {a}:1 相同)")


def test_quota_ranks_compare_scores_as_exact_decimals():
    scores = ["-1.5", "-1.25", "0", "0.10", "0.1", "10", "9.99", "100", "-0.001", "99.990"]
    blob = b"".join(candidate(1000 + i, i, "名额", "", s) for i, s in enumerate(scores))
    ranks = ranks_of(_kuan._rank_quotas([blob])[0])
    order = sorted(range(len(scores)), key=lambda i: ranks[i])
    assert [scores[i] for i in order] == ["100", "99.990", "10", "9.99", "0.10", "0.1", "0", "-0.001", "-1.25", "-1.5"]
    # equal scores: the earlier place first, whichever part holds it; ranks per quota and group
    parts = [candidate(7, 0, "q", "g1", "5") + candidate(9, 1, "q", "g2", "5"),
             candidate(3, 0, "q", "g1", "5.0") + candidate(8, 1, "other", "", "1")]
    r0, r1 = (ranks_of(b) for b in _kuan._rank_quotas(parts))
    assert r1[0] == 1 and r0[0] == 2  # place 3 before place 7
    assert r0[1] == 1 and r1[1] == 1  # alone in their group / quota


def test_the_last_leftover_cent_goes_by_remainder_then_place():
    def rem(*entries):
        return b"".join(struct.pack("<QQ", r, p) for r, p in entries)
    parts = [rem((90, 5), (40, 2)), rem((90, 3), (40, 1), (10, 9))]
    assert _kuan._largest_remainders(parts, 0) is None
    assert _kuan._largest_remainders(parts, 1) == (90, 3)
    assert _kuan._largest_remainders(parts, 2) == (90, 5)
    assert _kuan._largest_remainders(parts, 3) == (40, 1)
    with pytest.raises(ValueError):
        _kuan._largest_remainders(parts, 6)


@pytest.mark.parametrize("blob", [b"\x01", b"\x00" * 8 + b"\xff\xff\xff\xff", b"\x00" * 11])
def test_malformed_pieces_are_value_errors(ed, blob):
    for step in (_kuan._merge_decisions, _kuan._duplicate_ids, _kuan._rank_quotas,
                 lambda b: _kuan._largest_remainders(b, 1)):
        with pytest.raises(ValueError):
            step([blob])
    part = ed._year_part()
    with pytest.raises(ValueError):
        part.read([blob])
    with pytest.raises(ValueError):
        ed._year_part().finish(struct.pack("<II", 5, 1))  # a rank for a record the part does not have
    with pytest.raises(IndexError):
        ed._year_part().place(1)


def test_hostile_lines_refuse_the_year_at_their_line(tmp_path):
    import dask
    good = VOUCHER.format(id=1, who='"E1"', amount="10万元")
    for bad in [b'{"id": "2", "applicant": "E\x00", "measure": "\xe7\xae\x97', b"\xff\xfe{",
                b'{"id": "2", "applicant": "E2", "facts": ' + b"[" * 100000, b'{"applicant": {"a": "b"}}',
                b'{"id": "2", "applicant": "E2", "applicant": "E3", "measure": "x", "facts": {}}']:
        year = tmp_path / "year.jsonl"
        year.write_bytes(good.encode() + b"\n" + bad + b"\n" + good.replace('"id": 1', '"id": 3').encode() + b"\n")
        with dask.config.set(scheduler="sync"), pytest.raises(kuan.AllocationError) as e:
            kuan.dask.allocate([str(year)], str(POLICY), "2025年版", npartitions=3)
        assert str(e.value).startswith(f"{year}:2"), str(e.value)
