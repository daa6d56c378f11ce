#!/usr/bin/env python3
"""The `kuan` command's everyday habits: "是不是 …?" for a misspelt
command, option, measure, fact and REPL command in the first line of the
message; `kuan help CMD`; the completion scripts (bash and fish are run; zsh is
syntax-checked; zsh and fish when installed, as install-deps.sh does); the man page (rendered by groff without a
warning); usage errors exit 2; a batch with bad lines ends with their count.

Usage: run_cli_habits.py --kuan PATH --root REPO [NAME...]   (tests/kuan_suite.py)
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

from kuan_suite import Suite

SUITE = Suite(__doc__, max_detail=600)


def run(args, stdin="", env=None, cwd=None):
    r = subprocess.run([SUITE.args.kuan] + args, input=stdin.encode(), capture_output=True, timeout=120, env=env, cwd=cwd)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


def first_lines(text, n=2):
    return "\n".join(text.splitlines()[:n])


def did_you_mean(a, policy, tmp):
    facts = os.path.join(tmp, "app.json")
    with open(facts, "w", encoding="utf-8") as f:
        f.write('{"合同金頟": "120万元", "采购类型": "算力服务", "算力设施档位": "一档"}')
    good = os.path.join(tmp, "good.json")
    with open(good, "w", encoding="utf-8") as f:
        f.write('{"合同金额": "120万元", "采购类型": "算力服务", "算力设施档位": "一档"}')
    cases = [
        ("command evl", ["evl"], "是不是 eval?"),
        ("command mesures", ["mesures", policy], "是不是 measures?"),
        ("option --versoin", ["eval", policy, "--versoin", "2025年版"], "是不是 --version?"),
        ("option --explian", ["eval", policy, "--explian"], "是不是 --explain?"),
        ("option of allocate --sumary", ["allocate", policy, "--sumary", "x.json"], "是不是 --summary?"),
        ("measure 算力卷", ["eval", policy, "--version", "2025年版", "--measure", "算力卷", "--facts", good], "是不是 算力券?"),
        ("fact 合同金頟", ["eval", policy, "--version", "2025年版", "--measure", "算力券", "--facts", facts], "是不是 合同金额?"),
        ("help for a misspelt command", ["help", "alocate"], "是不是 allocate?"),
        ("completion for a misspelt shell", ["completion", "bsh"], "是不是 bash?"),
    ]
    for name, args, hint in cases:
        code, out, err = run(args)
        SUITE.check("did you mean: " + name, code == 2 and hint in first_lines(err), f"exit {code}, stderr:\n{err[:400]}")
    # A name nothing like any other gets no guess.
    code, out, err = run(["qqqqqq"])
    SUITE.check("did you mean: nothing close, no guess", code == 2 and "是不是" not in err, err[:300])
    # In a batch line, and through the REPL.
    code, out, err = run(["eval", policy, "--version", "2025年版", "--batch", "-"],
                         stdin='{"id":"1","measure":"算力卷","facts":{}}\n')
    SUITE.check("did you mean: measure in a batch line", "是不是 算力券?" in out, out[:300])
    code, out, err = run(["repl", policy, "--version", "2025年版"], stdin=":explian\n:mesures\n")
    SUITE.check("did you mean: REPL command", "是不是 :explain?" in out and "是不是 :measures?" in out, out[:300])
    code, out, err = run(["repl", policy, "--version", "2025年版"], stdin="合同金頟 = 120万元\n")
    SUITE.check("did you mean: REPL fact", "是不是 合同金额?" in first_lines(out, 3), out[:300])


def help_and_usage(a, policy, tmp):
    code, out, err = run(["help", "eval"])
    code2, out2, _ = run(["eval", "--help"])
    SUITE.check("kuan help eval is eval --help", code == 0 and out == out2 and "--batch" in out, out[:200])
    code, out, err = run(["help"])
    def width(text):  # display columns: CJK and fullwidth forms take two
        import unicodedata
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

    listing = out.split("命令:\n")[1].split("\n\n")[0].splitlines()
    starts = {width(re.match(r"(  \S+(?: \S+)*  +)", line).group(1)) for line in listing}
    SUITE.check("kuan help aligns its columns by display width (every summary in one column)",
                len(listing) >= 10 and len(starts) == 1 and "  help [命令]  " in out, (starts, out))
    SUITE.check("kuan help lists every command", code == 0 and all(c in out for c in ["check", "eval", "allocate", "completion", "help"]), out)
    code, out, err = run(["allocate", "--help"])
    SUITE.check("allocate --help: edition optional, 限额 and 件数 described",
                code == 0 and "[--version V | --as-of YYYY-MM-DD]" in out and "(--version" not in out
                and "限额" in out and "件数" in out, out[:600])
    code, out, err = run(["check", os.path.join(tmp, "no-such-folder")])
    SUITE.check("missing policy folder exits 2", code == 2 and "no-such-folder" in err, f"exit {code}: {err[:300]}")
    code, out, err = run(["eval", os.path.join(tmp, "no-such-folder"), "--measure", "算力券", "--facts", "-"])
    SUITE.check("missing policy folder exits 2 (eval)", code == 2, f"exit {code}: {err[:300]}")
    lines = '{"id":"1","measure":"算力券","facts":{"合同金额":"1万元","采购类型":"算力服务","算力设施档位":"一档"}}\n' \
            'not json\n{"id":"3","measure":"没有这个","facts":{}}\n'
    code, out, err = run(["eval", policy, "--version", "2025年版", "--batch", "-", "--no-progress"], stdin=lines)
    SUITE.check("batch with bad lines ends with their count", code == 2 and err.strip().splitlines()[-1:] == ["kuan eval: 3 行中有 2 行有误"],
                f"exit {code}: {err[:300]}")


def repl(a, policy, tmp):
    code, out, err = run(["repl", policy, "--version", "2025年版"],
                         stdin="合同金额 = 1200000\n采购类型 = 算力服务\n算力设施档位 = 一档\n:explain 算力券\n")
    SUITE.check("REPL: money fact from a plain number, as in JSON", out.startswith("合同金额 = 1200000元\n"), out[:200])
    SUITE.check("REPL: explanation places relative to the policy folder",
                "  [2025年版/01-算力券和智能券.kuan:" in out and policy not in out, out[:600])
    code, out, err = run(["repl", policy, "--version", "2025年版"], stdin="合同金额 = 是\n")
    SUITE.check("REPL: a value that cannot be money says why in its first line",
                out.splitlines()[0].startswith("<输入>:1:") and "合同金额" in out.splitlines()[0], out[:300])


def completion(a, policy, tmp):
    code, script, err = run(["completion", "bash"])
    SUITE.check("completion bash prints a script", code == 0 and "complete -o filenames -F _kuan kuan" in script, err)
    path = os.path.join(tmp, "kuan.bash")
    with open(path, "w", encoding="utf-8") as f:
        f.write(script)

    def complete(words):
        # words as typed; the last is the word being completed
        cmd = ("source \"$1\"; shift; COMP_WORDS=(\"$@\"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); _kuan; "
               "printf '%s\\n' \"${COMPREPLY[@]}\"")
        r = subprocess.run(["bash", "-c", cmd, "bash", path, SUITE.args.kuan] + words, capture_output=True, timeout=60, cwd=a.root)
        return r.stdout.decode().split("\n")

    SUITE.check("bash: subcommands", "eval" in complete(["ev"]), complete(["ev"]))
    SUITE.check("bash: options of a subcommand", "--measure" in complete(["eval", policy, "--mea"]))
    got = complete(["eval", policy, "--measure", "算力"])
    SUITE.check("bash: measure names from the policy folder", "算力券" in got and "算力券免审配套" in got, got)
    got = complete(["eval", policy, "--version", ""])
    SUITE.check("bash: edition names from the policy folder", "2025年版" in got and "2026年版" in got, got)
    got = complete(["eval", "--edition", ""])
    SUITE.check("bash: no policy yet, no names", [x for x in got if x] == [], got)
    got = complete(["check", "--format", ""])
    SUITE.check("bash: choices of an option", sorted(x for x in got if x) == ["json", "text"], got)
    # A policy folder is someone's input: an edition named $(…) or `…` is offered as written, never run.
    mark = os.path.join(tmp, "ran")
    evil = os.path.join(tmp, "evil", "v")
    os.makedirs(evil)
    name = f"$(touch {mark})`touch {mark}`"
    with open(os.path.join(evil, "a.kuan"), "w", encoding="utf-8") as f:
        f.write(f'政策 "x"\n版本 "{name}"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n'
                '事实 投入: 金额\n措施 m { 金额 = 投入 × 10% }\n')
    got = complete(["eval", os.path.dirname(evil), "--version", ""])
    SUITE.check("bash: an edition named $(…) is offered as written, not run", name in got and not os.path.exists(mark),
                (got, os.path.exists(mark)))
    for shell, checker in (("zsh", ["zsh", "-n"]), ("fish", ["fish", "--no-execute"])):
        code, text, err = run(["completion", shell])
        SUITE.check(f"completion {shell} prints a script", code == 0 and "eval" in text and "--measure" in text, err)
        if shutil.which(checker[0]):
            p = os.path.join(tmp, "kuan." + shell)
            with open(p, "w", encoding="utf-8") as f:
                f.write(text)
            r = subprocess.run(checker + [p], capture_output=True, timeout=60)
            SUITE.check(f"completion {shell} parses", r.returncode == 0, r.stderr.decode()[:300])
    if shutil.which("fish"):
        # fish completes a command line on request (complete -C): the script is run, not only parsed.
        fish_script = os.path.join(tmp, "kuan.fish")
        env = dict(os.environ, PATH=os.path.dirname(SUITE.args.kuan) + os.pathsep + os.environ.get("PATH", ""))

        def fish_complete(line):
            r = subprocess.run(["fish", "--no-config", "-c", 'source "$argv[1]"; complete -C "$argv[2]"', fish_script, line],
                               capture_output=True, timeout=60, env=env, cwd=a.root)
            return [x.split("\t")[0] for x in r.stdout.decode().splitlines()]

        for line, want in (("kuan ev", ["eval"]), ("kuan eval policies/hangzhou-ai --mea", ["--measure"]),
                           ("kuan eval policies/hangzhou-ai --measure 算力", ["算力券", "算力券免审配套"]),
                           ("kuan eval policies/hangzhou-ai --version ", ["2025年版", "2026年版"]),
                           ("kuan check --format ", ["json", "text"])):
            got = fish_complete(line)
            SUITE.check(f"fish: {line!r} completes", all(w in got for w in want), got)
    code, out, err = run(["completion", "--names", "measures", policy])
    SUITE.check("completion --names measures", code == 0 and "算力券" in out.split("\n"), out[:200])


def man_page(a, policy, tmp):
    code, page, err = run(["help", "--man"])
    SUITE.check("man page generated", code == 0 and page.startswith(".\\\"") and ".TH KUAN 1" in page, err)
    for command in ["check", "eval", "allocate", "completion", "help"]:
        SUITE.check(f"man page has kuan {command}", f'.SS "kuan {command}' in page)
    if shutil.which("groff"):
        r = subprocess.run(["groff", "-k", "-man", "-Tutf8", "-ww", "-z"], input=page.encode(), capture_output=True, timeout=60)
        SUITE.check("groff renders the man page without a warning", r.returncode == 0 and not r.stderr, r.stderr.decode()[:400])
    built = os.path.join(os.path.dirname(SUITE.args.kuan), "kuan.1")
    if os.path.exists(built):
        SUITE.check("the built kuan.1 is the generated page", open(built, encoding="utf-8").read() == page)


def main():
    a = SUITE.parse()
    policy = os.path.join(a.root, "policies/hangzhou-ai")
    with tempfile.TemporaryDirectory() as tmp:
        for part in (did_you_mean, help_and_usage, repl, completion, man_page):
            part(a, policy, tmp)
    sys.exit(SUITE.finish())


if __name__ == "__main__":
    main()
