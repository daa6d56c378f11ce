"""Edition.evaluate_jsonl: the bytes `kuan eval --batch` writes for the same JSONL, on the
batch end-to-end cases, a generated batch with bad lines, explanations and pass-through."""
import json
import subprocess
import sys

import pytest

import kuan
from conftest import POLICY, ROOT


def cli_batch(kuan_binary, path, *extra):
    run = subprocess.run([kuan_binary, "eval", str(POLICY), "--version", "2025年版", "--batch", str(path), *extra],
                         capture_output=True, cwd=ROOT)
    assert run.returncode in (0, 2), run.stderr
    return run.stdout


def batch_cases():
    cases = json.loads((ROOT / "tests/e2e/batch.json").read_text(encoding="utf-8"))["cases"]
    return [c for c in cases if "batch" in c]


@pytest.mark.parametrize("case", batch_cases(), ids=lambda c: c["name"])
def test_the_batch_cases_give_the_commands_bytes(ed, kuan_binary, tmp_path, case):
    lines = [line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in case["batch"]]
    data = ("\n".join(lines) + ("\n" if lines else "")).encode()
    path = tmp_path / "in.jsonl"
    path.write_bytes(data)
    assert ed.evaluate_jsonl(data) == cli_batch(kuan_binary, path)


def test_a_generated_batch_with_bad_lines(ed, kuan_binary, tmp_path):
    path = tmp_path / "batch.jsonl"
    with open(path, "wb") as f:
        subprocess.run([sys.executable, str(ROOT / "tools/bench/gen_batch.py"), "5000"], stdout=f, check=True)
        f.write(b'\n\n{"id": "x", "measure": "\xe7\xae\x97\xe5\x8a\x9b\xe5\x88\xb8", "facts": {"x": 1}}\n{oops\r\n'
                b'\xff\xfe not utf-8\n{"id": "n", "measure": "\xe7\xae\x97\xe5\x8a\x9b\xe5\x88\xb8", "facts": {}}\x00\n'
                b'{"id": "last", "measure": "\xe7\xae\x97\xe5\x8a\x9b\xe5\x88\xb8"}')  # no final newline
    data = path.read_bytes()
    want = cli_batch(kuan_binary, path)
    assert want.count(b"\n") == 5005 and b'"code":"bad_line"' in want
    assert ed.evaluate_jsonl(data) == want
    assert ed.evaluate_jsonl(data, threads=0) == want  # every core: the same bytes, in order
    assert ed.evaluate_jsonl(bytearray(data)) == want
    assert ed.evaluate_jsonl(memoryview(data)) == want
    assert ed.evaluate_jsonl(b"") == b""


def test_explanations_and_pass_through(ed, kuan_binary, tmp_path):
    path = tmp_path / "in.jsonl"
    rows = [{"id": f"r{i}", "measure": "算力券", "region": "西湖区", "facts": {"合同金额": f"{10 + i}万元",
             "采购类型": "算力服务", "算力设施档位": "一档"}} for i in range(50)]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    data = path.read_bytes()
    assert ed.evaluate_jsonl(data, pass_through=True) == cli_batch(kuan_binary, path, "--pass-through")
    plain = tmp_path / "plain.jsonl"
    plain.write_text("".join(json.dumps({k: v for k, v in r.items() if k != "region"}, ensure_ascii=False) + "\n"
                             for r in rows), encoding="utf-8")
    assert ed.evaluate_jsonl(plain.read_bytes(), explain=True) == cli_batch(kuan_binary, plain, "--explain")


def test_refuses_what_is_not_bytes(ed):
    with pytest.raises(TypeError):
        ed.evaluate_jsonl("a str is not bytes")
    with pytest.raises(ValueError):
        ed.evaluate_jsonl(b"", threads=-1)


def test_csv_gives_the_commands_bytes(ed, kuan_binary, tmp_path):
    """Edition.evaluate_csv: the bytes of `kuan eval --batch IN.csv` (CSV out, or JSONL), with a BOM kept,
    a column that is not a fact carried over (and warned about), and hostile rows as the command's rows."""
    example = (ROOT / "examples/applications.csv").read_bytes()
    hostile = (b'\xe7\xbc\x96\xe5\x8f\xb7,\xe6\x8e\xaa\xe6\x96\xbd,\xe5\x90\x88\xe5\x90\x8c\xe9\x87\x91\xe9\xa2\x9d\n'
               b'h1,\xe7\xae\x97\xe5\x8a\x9b\xe5\x88\xb8,-5\xe4\xb8\x87\xe5\x85\x83\n'  # negative money
               b'h2,\xe7\xae\x97\xe5\x8a\x9b\xe5\x88\xb8,\xff\xfe\n'                     # bad UTF-8
               b'h3,\xe7\xae\x97\xe5\x8a\x9b\xe5\x88\xb8,1\x002\n'                       # a NUL byte
               b'"h4,\xe7\xae\x97\xe5\x8a\x9b\xe5\x88\xb8,1\n')                          # an open quote to the end
    for name, data in [("example.csv", example), ("bom.csv", b"\xef\xbb\xbf" + example), ("hostile.csv", hostile)]:
        path = tmp_path / name
        path.write_bytes(data)
        assert ed.evaluate_csv(data) == cli_batch(kuan_binary, path), name
        assert ed.evaluate_csv(data, output="jsonl", threads=2) == cli_batch(kuan_binary, path, "--out-format", "jsonl")
    assert ed.evaluate_csv(b"\xef\xbb\xbf" + example).startswith(b"\xef\xbb\xbfid,measure,")
    with pytest.warns(UserWarning, match="企业名称"):
        ed.evaluate_csv(example)
    with pytest.raises(kuan.FactError) as e:  # a near-miss of a fact in the header: nothing is evaluated
        ed.evaluate_csv("measure,id,合同金颚\n算力券,1,100万元\n".encode())
    assert e.value.code == "bad_line" and e.value.line == 1 and "合同金额" in str(e.value)
    with pytest.raises(ValueError):
        ed.evaluate_csv(example, output="xlsx")
    with pytest.raises(TypeError):
        ed.evaluate_csv("measure,id\n")


def test_file_to_file_is_the_same_bytes(ed, tmp_path):
    """Edition._evaluate_file (kuan.dask.evaluate's workers): streamed file to file, the bytes of
    evaluate_jsonl, with the rows and bad rows counted; a path that cannot be opened is an OSError."""
    source = tmp_path / "in.jsonl"
    with open(source, "wb") as f:
        subprocess.run([sys.executable, str(ROOT / "tools/bench/gen_batch.py"), "3000"], stdout=f, check=True)
        f.write(b'{oops\n\n{"id": "n", "measure": "\xe7\xae\x97\xe5\x8a\x9b\xe5\x88\xb8", "facts": {}}\x00\n')
    out = tmp_path / "out.jsonl"
    lines, bad, size = ed._evaluate_file(str(source), str(out))
    want = ed.evaluate_jsonl(source.read_bytes())
    assert out.read_bytes() == want and size == len(want)
    assert lines == want.count(b"\n") == 3002 and bad == 2
    with pytest.raises(FileNotFoundError):
        ed._evaluate_file(str(tmp_path / "missing.jsonl"), str(out))
    with pytest.raises(OSError):
        ed._evaluate_file(str(source), str(tmp_path / "no-such-folder" / "out.jsonl"))
    with pytest.raises(OSError):
        ed._evaluate_file(str(tmp_path), str(out))  # a folder is not a file of lines
