#!/usr/bin/env python3
"""Builds the seed corpora of the fuzz targets from the repository's own inputs.

Usage: make_corpus.py --root REPO --out DIR
Writes DIR/<target>/ (one file per seed) for fuzz_rules, fuzz_facts,
fuzz_batch_line, fuzz_allocate_csv, fuzz_decimal and fuzz_lsp, and DIR/<target>.dict,
libFuzzer dictionaries: the shipped policy's fact names, enumeration values
and measure names, with the language's keywords (tests/fuzz/kuan.dict) for
rule text and JSON or CSV tokens for the others.
Seeds are generated, never committed: they follow policies/ and tests/ as
those change. Existing seeds are kept, so a corpus grown by earlier runs
(libFuzzer writes new inputs into the first corpus directory) survives.
"""
import argparse
import csv
import glob
import hashlib
import io
import json
import os
import re

EXAMPLE = re.compile(r"例\s+(\S+)\s*(?:\"[^\"]*\"|「[^」]*」)?\s*\{(.*?)(?:得|不适用)", re.S)
FACT_ASSIGN = re.compile(r"([^\s,,=]+)\s*=\s*([^,,\n]+)")


def write_seed(out, target, data):
    if isinstance(data, str):
        data = data.encode("utf-8", errors="surrogateescape")
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + hashlib.sha1(data).hexdigest()[:16]), "wb") as f:
        f.write(data)


def read(path):
    # Seeds include rule files that are deliberately not UTF-8 (golden errors):
    # keep their bytes; surrogateescape writes them back unchanged.
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        return f.read()


def example_facts(text):
    """Facts of each 例 block in rule text, as JSON values (money/rates as text)."""
    for m in EXAMPLE.finditer(text):
        facts = {}
        for name, value in FACT_ASSIGN.findall(m.group(2)):
            value = value.strip()
            facts[name] = True if value in ("是", "true") else False if value in ("否", "false") else value
        if facts:
            yield m.group(1), facts


def dict_entry(text):
    """A libFuzzer dictionary line: printable ASCII as is, every other byte as \\xNN."""
    out = []
    for b in text.encode("utf-8"):
        c = chr(b)
        out.append("\\" + c if c in '"\\' else c if 0x20 <= b < 0x7F else f"\\x{b:02X}")
    return '"' + "".join(out) + '"'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    root, out = args.root, args.out
    edition = os.path.join(root, "policies/hangzhou-ai/2025年版")
    files = sorted(glob.glob(os.path.join(edition, "*.kuan")))
    header = [f for f in files if os.path.basename(f).startswith("00-")]

    # Rule sources: each clause file with the edition's header files (a
    # complete edition the checker accepts), the error examples, small policies.
    head = "".join(read(f) + "\n" for f in header)
    for f in files:
        if f not in header:
            write_seed(out, "fuzz_rules", head + read(f))
    for f in sorted(glob.glob(os.path.join(root, "tests/golden/errors/*.kuan")) +
                    glob.glob(os.path.join(root, "tests/repl/**/*.kuan"), recursive=True) +
                    glob.glob(os.path.join(root, "policies/hangzhou-ai/2026年版/*.kuan"))):
        write_seed(out, "fuzz_rules", read(f))

    # Facts and applications: the 例 blocks of the policy, examples/, the e2e
    # and explanation cases.
    apps = []
    for f in files:
        for measure, facts in example_facts(read(f)):
            apps.append({"id": f"ex-{len(apps)}", "applicant": f"企业{len(apps) % 7}", "measure": measure, "facts": facts})
    for f in sorted(glob.glob(os.path.join(root, "examples/*.jsonl"))):
        for line in read(f).splitlines():
            if line.strip():
                write_seed(out, "fuzz_batch_line", line)
                apps.append(json.loads(line))
    for f in sorted(glob.glob(os.path.join(root, "examples/*.json")) + glob.glob(os.path.join(root, "tests/golden/diff/*.json"))):
        write_seed(out, "fuzz_facts", read(f))
    cases = json.load(open(os.path.join(root, "tests/golden/explain/cases.json"), encoding="utf-8"))
    apps += [dict(c, id=name) for name, c in cases.items()]
    for f in sorted(glob.glob(os.path.join(root, "tests/e2e/*.json"))):
        for c in json.load(open(f, encoding="utf-8")).get("cases", []):
            for line in c.get("batch", []):
                write_seed(out, "fuzz_batch_line", line if isinstance(line, str) else json.dumps(line, ensure_ascii=False))
            if isinstance(c.get("facts"), (dict, str)):
                facts = c["facts"]
                write_seed(out, "fuzz_facts", facts if isinstance(facts, str) else json.dumps(facts, ensure_ascii=False))
    for a in apps:
        write_seed(out, "fuzz_facts", json.dumps(a.get("facts", {}), ensure_ascii=False, indent=1))
        write_seed(out, "fuzz_batch_line", json.dumps(a, ensure_ascii=False))

    # CSV allocation inputs: the applications in groups, one column per fact.
    for start in range(0, len(apps), 12):
        # Every row scored, so measures with a quota (名额 … 按 评审得分) can be ranked.
        group = [dict(a, applicant=a.get("applicant", "企业甲"),
                      facts={"评审得分": str(60 + (start + i) % 40), **a.get("facts", {})})
                 for i, a in enumerate(apps[start:start + 12])]
        names = sorted({k for a in group for k in a.get("facts", {})})
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n" if start % 24 else "\n")
        w.writerow(["id", "applicant", "measure"] + names)
        for a in group:
            facts = a.get("facts", {})
            w.writerow([a.get("id", ""), a["applicant"], a["measure"]] +
                       [("是" if facts[k] is True else "否" if facts[k] is False else facts[k]) if k in facts else ""
                        for k in names])
        write_seed(out, "fuzz_allocate_csv", buf.getvalue())

    # Decimals: pairs of numbers around the int128 and scale edges.
    numbers = ["0", "1", "-1", "0.01", "-0.005", "123456789.87", "1000000", "0.3", "99.99",
               "170141183460469231731687303715884105727", "170141183460469231731687303715884105728",
               "-170141183460469231731687303715884105728", "0." + "0" * 40 + "1", "9" * 60 + ".5",
               "120万元", "2.5亿元", "800元", "30%", "1.5个百分点"]
    for i, a in enumerate(numbers):
        for b in numbers[i::5]:
            write_seed(out, "fuzz_decimal", f"{a}\n{b}")

    # The language server: sessions of frames, well-formed and not.
    def frame(body, length=None):
        data = body.encode("utf-8", errors="surrogateescape")
        return f"Content-Length: {len(data) if length is None else length}\r\n\r\n".encode() + data
    def request(i, method, params):
        return json.dumps({"jsonrpc": "2.0", "id": i, "method": method, "params": params}, ensure_ascii=False)
    doc = {"uri": "a.kuan", "text": read(files[0]) if files else "政策 \"x\"\n"}
    pos = {"textDocument": {"uri": "a.kuan"}, "position": {"line": 3, "character": 4}}
    sessions = [
        [request(1, "initialize", {}), json.dumps({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                                                   "params": {"textDocument": doc}}, ensure_ascii=False),
         request(2, "textDocument/hover", pos), request(3, "textDocument/definition", pos),
         request(4, "textDocument/references", pos), request(5, "textDocument/documentSymbol", pos),
         request(6, "textDocument/formatting", pos), request(7, "shutdown", None)],
        ['{"jsonrpc":"2.0","id":1,"method":5}', '[1,2]', '{"jsonrpc":"2.0","id":{},"method":"x"}', "not json",
         request(2, "textDocument/hover", {"position": -1}), request(3, "textDocument/didChange", {"contentChanges": 7})],
    ]
    for session in sessions:
        write_seed(out, "fuzz_lsp", b"".join(frame(m) for m in session))
    for header in ["Content-Length: -5\r\n\r\n{}", "Content-Length: 99999999999999999999\r\n\r\n",
                   "Content-Type: x\r\n\r\n{}", "Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}"]:
        write_seed(out, "fuzz_lsp", header)

    # A dictionary of the policy's own names, so mutations stay meaningful.
    words = set()
    for f in files:
        text = read(f)
        words.update(re.findall(r"(?:事实|措施|参数|定义|上限)\s+([^\s::={]+)", text))
        for enum in re.findall(r"枚举\s*\{([^}]*)\}", text):
            words.update(w for w in re.split(r"[\s,,]+", enum) if w)
    names = [w for w in sorted(words) if re.fullmatch(r"[A-Za-z_\u3400-\u9fff][\w\u3400-\u9fff]*", w)]
    keywords = [json.loads(l) for l in read(os.path.join(root, "tests/fuzz/kuan.dict")).splitlines()
                if l.strip() and not l.startswith("#")]
    json_tokens = ["{", "}", '"', ":", ",", "true", "false", "null", "\\u0000", "e+", '"id"', '"applicant"',
                   '"measure"', '"facts"', "万元", "%"]
    csv_tokens = ['"', ",", "\r\n", "id,applicant,measure", "万元", "是", "否"]
    dicts = {"fuzz_rules": keywords + names, "fuzz_facts": json_tokens + names,
             "fuzz_batch_line": json_tokens + names, "fuzz_allocate_csv": csv_tokens + names,
             "fuzz_lsp": json_tokens + ["Content-Length: ", "\r\n\r\n", '"jsonrpc":"2.0"', '"method"', '"params"',
                                        '"textDocument"', '"uri"', '"position"', "initialize", "shutdown", "exit",
                                        "textDocument/didOpen", "textDocument/hover", "textDocument/completion"]}
    for target, entries in dicts.items():
        with open(os.path.join(out, target + ".dict"), "w", encoding="utf-8") as f:
            f.write("".join(dict_entry(e) + "\n" for e in entries))
    counts = {t: len(os.listdir(os.path.join(out, t))) for t in sorted(os.listdir(out)) if os.path.isdir(os.path.join(out, t))}
    print("seeds:", ", ".join(f"{t} {n}" for t, n in counts.items()), f"; dictionaries of {len(names)} policy names")


if __name__ == "__main__":
    main()
