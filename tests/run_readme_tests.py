#!/usr/bin/env python3
"""The README stays true (issue 26: its quick start re-run from a fresh clone works as printed).

- Every `build/kuan …` line of a ```sh block is run as printed (bash, in a scratch
  folder holding copies of policies/ and examples/, build/kuan, and HOME) and must exit 0;
  `kuan fmt` on the copies must change nothing. Servers (`kuan serve`, `kuan lsp`) are
  left to their own suites (serve, lsp); so are the benchmarks, Python and the wheel.
- A transcript (a fenced block whose first line is `$ command`) is run and its output must
  be the rest of the block, byte for byte (the REPL and `kuan fmt` examples).
- Every path of the repository the README names (in its text, its commands and its
  links) exists, a link's #anchor is a heading of the linked file, and the layout
  table has a row for every top-level folder git tracks.

Usage: run_readme_tests.py --kuan PATH --root REPO [NAME...]   (tests/kuan_suite.py)
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

from kuan_suite import Suite

SUITE = Suite(__doc__, max_detail=1200)
TOP = ("policies", "examples", "docs", "tools", "editors", "tests", "python", "include", "cmake", "lang", "base",
       "api", "interpreter", "services", "stdlib", ".ci")
SERVERS = re.compile(r"^build/kuan (serve|lsp)\b")


def blocks(text):
    """(language, first line number, lines) of each fenced block, and the text outside them."""
    out, prose, inside, lang, start, body = [], [], False, "", 0, []
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("```"):
            if inside:
                out.append((lang, start, body))
                inside = False
            else:
                inside, lang, start, body = True, line[3:].strip(), number + 1, []
            continue
        (body if inside else prose).append(line)
    return out, "\n".join(prose)


def slug(heading):
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    h = heading.strip().lower().replace("`", "")
    h = re.sub(r"[^\w\- ]", "", h)
    return h.replace(" ", "-")


def exists(root, path):
    p = os.path.join(root, path.rstrip("."))
    return os.path.exists(p) or os.path.exists(p + ".hpp") or os.path.exists(p + ".cpp")


def check_paths(root, readme, prose, sh_lines):
    named = set()
    pattern = r"(?<![\w./~-])((?:%s)/[^\s`)\]\"'(,;:#「」]*)" % "|".join(re.escape(t) for t in TOP)
    for text in [prose] + sh_lines:
        named |= set(re.findall(pattern, text))
    missing = sorted(p for p in named if not exists(root, p))
    SUITE.check(f"every path the README names exists ({len(named)})", not missing, missing)
    bad = []
    links = re.findall(r"\]\(([^)\s]+)\)", prose)
    for link in links:
        if re.match(r"[a-z]+:", link):
            continue
        target, _, anchor = link.partition("#")
        path = os.path.join(root, target)
        if not os.path.exists(path):
            bad.append(link)
        elif anchor:
            heads = [slug(h) for h in re.findall(r"^#+ (.*)$", open(path, encoding="utf-8").read(), re.M)]
            if anchor not in heads:
                bad.append(link)
    SUITE.check(f"every link of the README leads to a file and heading ({len(links)})", not bad, bad)
    # The layout table has a row for every top-level folder of the repository.
    rows = set(re.findall(r"^\| `([^`/]+)/", readme, re.M))
    if shutil.which("git") and os.path.exists(os.path.join(root, ".git")):
        folders = {d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)) and not d.startswith(".")
                   and subprocess.run(["git", "-C", root, "ls-files", "--error-unmatch", d],
                                      capture_output=True).returncode == 0}
        SUITE.check("the layout table has every top-level folder git tracks", folders <= rows, sorted(folders - rows))


def sandbox(root, kuan, tmp):
    for d in ("policies", "examples"):
        shutil.copytree(os.path.join(root, d), os.path.join(tmp, d))
    os.makedirs(os.path.join(tmp, "build"))
    os.symlink(kuan, os.path.join(tmp, "build", "kuan"))
    os.makedirs(os.path.join(tmp, "home"))
    return dict(os.environ, HOME=os.path.join(tmp, "home"), LC_ALL="C.UTF-8")


def tree(folder):
    found = {}
    for base, _, files in os.walk(folder):
        for f in files:
            p = os.path.join(base, f)
            found[os.path.relpath(p, folder)] = open(p, "rb").read()
    return found


def main():
    a = SUITE.parse()
    text = open(os.path.join(a.root, "README.md"), encoding="utf-8").read()
    fenced, prose = blocks(text)
    def transcript(body):
        return bool(body) and body[0].startswith("$ ")

    sh = [(start + i, line) for lang, start, body in fenced if lang == "sh" and not transcript(body)
          for i, line in enumerate(body)]
    check_paths(a.root, text, prose, [line for _, line in sh])
    with tempfile.TemporaryDirectory() as tmp:
        env = sandbox(a.root, a.kuan, tmp)
        before = {d: tree(os.path.join(tmp, d)) for d in ("policies", "examples")}
        ran = 0
        for number, line in sh:
            command = line.strip()
            if not re.search(r"(^|[|&] *)build/kuan ", command) or SERVERS.match(command):
                continue
            ran += 1
            if not SUITE.selected(command):
                continue
            r = subprocess.run(["bash", "-c", command], cwd=tmp, env=env, stdin=subprocess.DEVNULL,
                               capture_output=True, timeout=600)
            SUITE.check(f"README.md:{number}: {command[:90]}", r.returncode == 0,
                        f"exit {r.returncode}\n{r.stderr.decode('utf-8', 'replace')[-800:]}")
        SUITE.check("the README's commands were found", ran >= 20, ran)
        after = {d: tree(os.path.join(tmp, d)) for d in ("policies", "examples")}
        SUITE.check("kuan fmt as printed changes no shipped file", before == after,
                    sorted(k for d in before for k in set(before[d]) ^ set(after[d]) | {k for k in before[d] if before[d].get(k) != after[d].get(k)}))
        transcripts = 0
        for lang, start, body in fenced:
            if not transcript(body):
                continue
            command, rest = body[0][2:], body[1:]
            while command.endswith("\\") and rest:
                command, rest = command + "\n" + rest[0], rest[1:]
            transcripts += 1
            if not SUITE.selected(command):
                continue
            r = subprocess.run(["bash", "-c", command], cwd=tmp, env=env, capture_output=True, timeout=120)
            got = (r.stdout + r.stderr).decode("utf-8", "replace").rstrip("\n").split("\n")
            SUITE.check(f"README.md:{start}: the transcript's output", got == rest,
                        "\n".join(f"- {x}" for x in rest if x not in got) + "\n" + "\n".join(f"+ {x}" for x in got if x not in rest))
        SUITE.check("the README's transcripts were found", transcripts >= 2, transcripts)
    sys.exit(SUITE.finish())


if __name__ == "__main__":
    main()
