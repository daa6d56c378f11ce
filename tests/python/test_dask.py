"""kuan.dask on a LocalCluster of 2 worker processes: evaluate gives exactly the
lines of `kuan eval --batch`, and allocate decides a generated year across
partitions with decisions byte-identical to `kuan allocate`."""
import subprocess
import sys
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")  # Debian python3-distributed: install-deps.sh installs it

import kuan
import kuan.dask
from conftest import POLICY, ROOT, run_kuan

sys.path.insert(0, str(ROOT / "tools" / "bench"))
from year_files import generate, split  # noqa: E402  (shared with python_bench.py)


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as c:
            yield c


def cli_allocate(kuan_binary, year: Path, tmp: Path) -> bytes:
    out = tmp / (year.stem + ".decisions")
    run = run_kuan(kuan_binary, "allocate", str(POLICY), "--version", "2025年版", "--in", str(year), "--out", str(out))
    assert run.returncode == 0, run.stderr
    return out.read_bytes()


def test_evaluate_gives_the_commands_lines(client, kuan_binary, tmp_path):
    year = generate("gen_batch.py", 3000, tmp_path / "batch.jsonl")
    with open(year, "ab") as f:  # bad lines and a blank one: errors name the line as the command does
        f.write(b'\n{"id": "bad1", "measure": "\xe7\xae\x97\xe5\x8a\x9b\xe5\x88\xb8", "facts": {"x": 1}}\n{oops\n')
    files = split(year, 3, tmp_path)
    want = b""
    for f in files:
        run = subprocess.run([kuan_binary, "eval", str(POLICY), "--version", "2025年版", "--batch", str(f)],
                             capture_output=True, cwd=ROOT)
        want += run.stdout
    bag = kuan.dask.evaluate([str(f) for f in files], str(POLICY), "2025年版")
    assert bag.npartitions == 3
    got = "".join(bag.compute()).encode()
    assert got == want
    assert b'"code":"unknown_fact"' in got and b'"code":"bad_line"' in got
    # a bag of text lines (one partition per file: lines numbered within it)
    import dask.bag as db
    bag = db.read_text([str(f) for f in files], blocksize=None)
    assert "".join(kuan.dask.evaluate(bag, str(POLICY), "2025年版").compute()).encode() == want
    # the policy travels as its texts and is built once per worker process, whatever the number of tasks
    built = client.run(lambda: len(__import__("kuan")._built))
    assert all(n <= 1 for n in built.values()) and sum(built.values()) >= 1


@pytest.mark.parametrize("year_kind", ["gen_allocate", "diff_allocate"])
def test_allocate_is_byte_identical_to_the_command(client, kuan_binary, tmp_path, year_kind):
    if year_kind == "gen_allocate":  # a big pool overflow, quotas with tied scores
        year = generate("gen_allocate.py", 4000, tmp_path / "year.jsonl", "--seed", "11")
    else:  # stated rooms, SME year totals crossing 50万元, a remainder tie split by the leftover cents
        year = tmp_path / "year.jsonl"
        subprocess.run([sys.executable, str(ROOT / "tests/diff_allocate.py"), "--kuan", kuan_binary, "--root", str(ROOT),
                        "--seed", "4", "--pool", "over", "--keep", str(year)], check=True, capture_output=True)
    want = cli_allocate(kuan_binary, year, tmp_path)
    assert b'"pro_rata"' in want and b'"extra_cent":true' in want and b'"quota_rank"' in want and b"cap_room_used" in want
    files = split(year, 3, tmp_path)
    out = tmp_path / "dask.decisions"
    lines = kuan.dask.allocate([str(f) for f in files], str(POLICY), "2025年版", npartitions=4, out=str(out))
    assert out.read_bytes() == want
    assert "".join(lines).encode() == want


def test_workers_write_the_outputs_with_a_policy_whose_folder_is_gone(client, kuan_binary, tmp_path):
    """out_dir: each worker writes one file per input, named after it; the workers get the rules from the
    pickled Policy (its folder deleted before anything runs); outputs are the command's bytes."""
    import shutil
    folder = tmp_path / "policy"
    shutil.copytree(POLICY, folder)
    policy = kuan.load(str(folder))
    shutil.rmtree(folder)

    batch = generate("gen_batch.py", 2000, tmp_path / "batch.jsonl")
    with open(batch, "ab") as f:
        f.write(b'{oops\n')
    (tmp_path / "in").mkdir()
    files = split(batch, 2, tmp_path / "in")
    done = kuan.dask.evaluate([str(f) for f in files], policy, "2025年版", out_dir=str(tmp_path / "out"))
    assert [d["output"] for d in done] == [str(tmp_path / "out" / f.name) for f in files]
    for f, d in zip(files, done):
        run = subprocess.run([kuan_binary, "eval", str(POLICY), "--version", "2025年版", "--batch", str(f)],
                             capture_output=True, cwd=ROOT)
        assert Path(d["output"]).read_bytes() == run.stdout
        assert d["lines"] == run.stdout.count(b"\n")
    assert done[1]["errors"] == 1
    with pytest.raises(ValueError):  # never over an input
        kuan.dask.evaluate([str(files[0])], policy, "2025年版", out_dir=str(tmp_path / "in"))
    with pytest.raises(FileNotFoundError):  # a missing input: no output, not even a half one
        kuan.dask.evaluate([str(tmp_path / "in" / "missing.jsonl")], policy, "2025年版", out_dir=str(tmp_path / "out2"))
    assert list((tmp_path / "out2").iterdir()) == []

    year = generate("gen_allocate.py", 3000, tmp_path / "year.jsonl", "--seed", "5")
    want = cli_allocate(kuan_binary, year, tmp_path)
    (tmp_path / "parts").mkdir()
    parts = split(year, 3, tmp_path / "parts") + [tmp_path / "parts" / "empty.jsonl"]
    parts[-1].write_bytes(b"")
    done = kuan.dask.allocate([str(f) for f in parts], policy, "2025年版", out_dir=str(tmp_path / "decisions"))
    assert [Path(d["output"]).name for d in done] == [f.name for f in parts]
    assert b"".join(Path(d["output"]).read_bytes() for d in done) == want
    assert sum(d["lines"] for d in done) == want.count(b"\n") and done[-1]["lines"] == 0


def test_allocate_refuses_the_year_naming_the_first_bad_line(client, tmp_path):
    a = tmp_path / "a.jsonl"
    b = tmp_path / "b.jsonl"
    row = '{{"id": "{}", "applicant": "{}", "measure": "算力券", "facts": {{"合同金额": "{}", "采购类型": "算力服务", "算力设施档位": "一档"}}}}\n'
    a.write_text(row.format("1", "E1", "10万元") + row.format("2", "E2", "10万元"), encoding="utf-8")
    b.write_text(row.format("3", "E3", "10万元") + row.format("2", "E9", "10万元") + row.format("4", "E4", "abc"),
                 encoding="utf-8")
    with pytest.raises(kuan.AllocationError) as e:  # the duplicate id (b.jsonl:2) comes before the bad amount (b:3)
        kuan.dask.allocate([str(a), str(b)], str(POLICY), "2025年版")
    assert str(e.value).startswith(f"{b}:2: error: 字段 id:重复的申请 id(与 {a}:2 相同)")
    assert e.value.line == 2 and e.value.file == str(b)
    b.write_text(row.format("3", "E3", "10万元") + row.format("4", "E4", "abc"), encoding="utf-8")
    with pytest.raises(kuan.AllocationError) as e:
        kuan.dask.allocate([str(a), str(b)], str(POLICY), "2025年版")
    assert str(e.value).startswith(f"{b}:2:")
    assert e.value.field == "facts.合同金额" and e.value.id == "4"


def test_allocate_without_a_cluster_too(kuan_binary, tmp_path):
    # The local schedulers shuffle through disk (partd), which turns tuples into lists: the same bytes still.
    import dask
    year = generate("gen_allocate.py", 1500, tmp_path / "year.jsonl", "--seed", "2")
    want = cli_allocate(kuan_binary, year, tmp_path)
    with dask.config.set(scheduler="sync"):
        got = kuan.dask.allocate([str(f) for f in split(year, 2, tmp_path)], str(POLICY), "2025年版")
    assert "".join(got).encode() == want


def test_count_limits_grouped_by_a_fact_are_byte_identical(kuan_binary, tmp_path):
    """examples/科研项目限项: 限额 of 件数 per unit and direction (refused in order) and a quota per
    direction (best scores over all parts): the parts decide exactly what one `kuan allocate` decides."""
    import dask
    import json
    import random
    policy = ROOT / "examples" / "科研项目限项"
    rng = random.Random(11)
    directions = ["人工智能", "集成电路", "生物医药", "新材料"]
    year = tmp_path / "research.jsonl"
    with year.open("w", encoding="utf-8") as f:
        for i in range(400):
            facts = {"专业方向": rng.choice(directions), "核定预算": f"{rng.randint(10, 600)}万元",
                     "评审得分": rng.randint(40, 100)}
            if rng.random() < 0.1:
                facts["本年度同方向已立项数"] = rng.randint(0, 4)
            f.write(json.dumps({"id": f"R{i}", "applicant": f"单位{rng.randint(1, 25)}", "measure": "科研项目资助",
                                "facts": facts}, ensure_ascii=False) + "\n")
    out = tmp_path / "research.decisions"
    run = run_kuan(kuan_binary, "allocate", str(policy), "--version", "2025年版", "--in", str(year), "--out", str(out))
    assert run.returncode == 0, run.stderr
    want = out.read_bytes()
    assert b"\\u" not in want and "最多立项2个".encode() in want and "未入选".encode() in want  # both limits bind
    with dask.config.set(scheduler="sync"):
        got = kuan.dask.allocate([str(f) for f in split(year, 3, tmp_path)], str(policy), "2025年版", npartitions=3)
    assert "".join(got).encode() == want


def test_allocate_with_opening_balances_and_a_date_is_byte_identical_to_the_command(client, kuan_binary, tmp_path):
    """opening (a JSONL or CSV file, or rows), carry_stated and as_of: as `kuan allocate --opening --carry-stated
    --as-of`, byte for byte; a bad opening line refuses the year naming the opening file and its line."""
    import json
    year = generate("gen_allocate.py", 3000, tmp_path / "year.jsonl", "--seed", "5")
    applicants = sorted({json.loads(l)["applicant"] for l in year.read_text(encoding="utf-8").splitlines() if l})
    rows = [{"applicant": a, "facts": {"本年度已申领算力券": f"{(k * 337) % 8000000}.{k % 100:02d}"}}
            for k, a in enumerate(applicants[::3])]
    (tmp_path / "open.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    (tmp_path / "open.csv").write_text("applicant,本年度已申领算力券\n" + "".join(
        f"{r['applicant']},{r['facts']['本年度已申领算力券']}\n" for r in rows), encoding="utf-8")
    files = [str(f) for f in split(year, 3, tmp_path)]
    for opening in ("open.jsonl", "open.csv"):
        out = tmp_path / "cli.decisions"
        run = run_kuan(kuan_binary, "allocate", str(POLICY), "--version", "2025年版", "--in", str(year), "--out", str(out),
                       "--opening", str(tmp_path / opening), "--carry-stated", "--as-of", "2025-06-01")
        assert run.returncode == 0, run.stderr
        want = out.read_bytes()
        got = kuan.dask.allocate(files, str(POLICY), "2025年版", as_of="2025-06-01", opening=str(tmp_path / opening),
                                 carry_stated=True, npartitions=3)
        assert "".join(got).encode() == want, opening
    assert "".join(kuan.dask.allocate(files, str(POLICY), "2025年版", as_of="2025-06-01", opening=rows,
                                      carry_stated=True)).encode() == want
    assert b"\xe6\x9c\x9f\xe5\x88\x9d" in want  # 期初: some room included an opening balance
    bad = rows[:2] + [{"applicant": "E1", "facts": {"本年度已申领算力券": "-5"}}]
    with pytest.raises(kuan.AllocationError) as e:
        kuan.dask.allocate(files, str(POLICY), "2025年版", opening=bad)
    assert str(e.value).startswith("<opening>:3:") and "不能为负" in str(e.value) and e.value.line == 3


def test_evaluate_takes_the_applications_date(client, kuan_binary, tmp_path):
    """as_of is the date of every line without its own (施行 on a measure), with the edition named too;
    a malformed one is refused on the client."""
    import json
    folder = tmp_path / "in-force"
    folder.mkdir()
    (folder / "rules.kuan").write_text(
        '政策 "施行"\n版本 "v1"\n状态 示例\n施行 2020-01-01 起\n舍入 四舍五入 至 0.01元\n事实 投入: 金额\n'
        '措施 奖励 { 施行 2025-01-01 至 2027-12-31  金额 = 投入 × 10% }\n', encoding="utf-8")
    lines = [json.dumps({"id": str(i), "measure": "奖励", "facts": {"投入": f"{i + 1}万元"}}, ensure_ascii=False)
             for i in range(50)]
    lines.append(json.dumps({"id": "own", "measure": "奖励", "version": "v1", "as_of": "2026-01-01", "facts": {"投入": "1万元"}}))
    data = tmp_path / "apps.jsonl"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for day in ("2027-12-31", "2028-01-01"):
        want = subprocess.run([kuan_binary, "eval", str(folder), "--version", "v1", "--as-of", day, "--batch",
                               str(data)], capture_output=True, cwd=ROOT).stdout
        got = "".join(kuan.dask.evaluate([str(data)], str(folder), "v1", as_of=day).compute()).encode()
        assert got == want
        out = tmp_path / f"out-{day}"
        summary = kuan.dask.evaluate([str(data)], str(folder), "v1", as_of=day, out_dir=str(out))
        assert (out / "apps.jsonl").read_bytes() == want and summary[0]["lines"] == 51
        import dask.bag as db
        bag = db.from_sequence(lines, npartitions=2)
        assert "".join(kuan.dask.evaluate(bag, str(folder), "v1", as_of=day).compute()).encode() == want
    assert b'"eligible":false' in want and b'"id":"own","measure":"\xe5\xa5\x96\xe5\x8a\xb1","version":"v1","eligible":true' in want
    with pytest.raises(ValueError, match="as_of 的日期无效"):
        kuan.dask.evaluate([str(data)], str(folder), "v1", as_of="2028-02-30")
