#!/usr/bin/env python3
"""Large and pathological inputs for `kuan`, the ones libFuzzer rarely reaches.

Each case writes its input into a temporary folder, runs `kuan check` or
`kuan eval` on it and requires what any input must get:
  * an exit status of 0, 1 or 2: never a signal, never 70 (internal error),
    never a sanitizer report;
  * done within a time bound (default 20 s, times --slow for sanitizer builds);
  * stderr bounded (default 100 KB) and memory bounded (default 1 GB RSS,
    times --slow);
  * a positioned diagnostic (file:line:col: error:) when the rule file is bad.

Cases listed as "large NAME" in tests/fuzz/known_issues.txt are expected to
fail until their fix is merged: they run with a short time bound, do not fail
the run when they fail, and DO fail it when they pass (remove them from the
list then).

Usage: gen_large.py --kuan PATH [--known FILE] [--slow N] [--sanitizer] [--keep DIR] [--list] [NAME-SUBSTRING...]
Prints one line per case and finally "N passed, M failed, K known"; exit 1 on failure.
"""
import argparse
import json
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time

HEADER = """政策 "大输入"
版本 "2025年版"
施行 2025-01-01 起
舍入 四舍五入 至 0.01元
事实 合同金额: 金额
"""
MEASURE = """措施 甲 {{
  金额 = {amount}
}}
"""
FACTS = {"合同金额": "100万元"}
CASES = []


def case(kind, **opts):
    """kind: "check" (kuan check FILE), "eval" (kuan eval FILE … --facts facts.json) or
    "batch" (kuan eval FILE --batch in.jsonl). heavy=True: skipped with --sanitizer,
    where these take minutes and time bounds mean little."""
    def register(fn):
        CASES.append((fn.__name__, kind, fn, opts))
        return fn
    return register


def rules(body, amount="合同金额 × 10%"):
    return HEADER + body + "\n" + MEASURE.format(amount=amount)


# ---------------------------------------------------------------- nesting

@case("check")
def nest_calls(work):
    """abs(abs(…合同金额…)) 100 000 deep: the depth limit must count calls."""
    n = 100_000
    return rules("定义 深 = " + "abs(" * n + "合同金额" + ")" * n, "深 × 10%")


@case("eval")
def nest_calls_500(work):
    """Deep enough to pass a per-call depth limit, too deep for a small stack."""
    n = 500
    return rules("定义 深 = " + "max(0元, " * n + "合同金额" + ")" * n, "深 × 10%")


@case("check")
def nest_parens(work):
    n = 100_000
    return rules("定义 深 = " + "(" * n + "合同金额" + ")" * n, "深 × 10%")


@case("check")
def nest_negation(work):
    n = 100_000
    return rules("定义 深 = " + "-" * n + "合同金额", "深 × 10%")


@case("check")
def nest_not(work):
    n = 50_000
    return rules("事实 是否: 布尔\n定义 真 = " + "非 " * n + "是否", "若 真 则 合同金额 否则 0元")


@case("eval")
def nest_if_else_chain(work):
    n = 20_000
    expr = "".join(f"若 合同金额 > {i}元 则 {i}元 否则 " for i in range(n)) + "0元"
    return rules("定义 深 = " + expr, "深")


@case("eval", heavy=True)
def long_sum(work):
    """100 000 terms in one flat sum: a left-deep tree for any recursive pass."""
    return rules("定义 和 = 合同金额" + " + 1元" * 100_000, "和 × 10%")


@case("eval", heavy=True)
def define_chain(work):
    """100 000 定义 each using the previous one; the measure reads the last."""
    n = 100_000
    body = "定义 d0 = 合同金额\n" + "".join(f"定义 d{i} = d{i - 1} + 1元\n" for i in range(1, n))
    return rules(body, f"d{n - 1} × 10%")


@case("eval", heavy=True)
def define_chain_reversed(work):
    """The same chain written last-first: every use precedes its definition."""
    n = 100_000
    body = "".join(f"定义 d{i} = d{i - 1} + 1元\n" for i in range(n - 1, 0, -1)) + "定义 d0 = 合同金额\n"
    return rules(body, f"d{n - 1} × 10%")


@case("check", heavy=True)
def param_chain(work):
    n = 100_000
    body = "参数 p0 = 1元\n" + "".join(f"参数 p{i} = p{i - 1} + 1元\n" for i in range(1, n))
    return rules(body, f"合同金额 × 10% + p{n - 1}")


@case("eval", heavy=True)
def fact_default_chain(work):
    n = 100_000
    body = "事实 f0: 金额 = 合同金额\n" + "".join(f"事实 f{i}: 金额 = f{i - 1}\n" for i in range(1, n))
    return rules(body, f"f{n - 1} × 10%")


@case("eval")
def many_memo_slots(work):
    """66 000 定义, more than 65 535 per-evaluation cache slots (class 2: slot numbers
    wrapped at 16 bits, so slot 65 536 was destroyed as slot 0). The two values are
    too big for int128, so a double destruction releases shared memory twice."""
    n = 66_000
    big = "合同金额 × 1" + "0" * 45
    body = "".join(f"定义 d{i} = {big if i in (0, 65_536) else '合同金额'}\n" for i in range(n))
    return rules(body, f"d65536 - d0 + d{n - 1} × 10%")


@case("eval", facts_text='{"合同金额": ' + "[" * 1_000_000 + "]" * 1_000_000 + "}")
def json_deep_nesting(work):
    return rules("")


# ---------------------------------------------------------------- many errors (class 4)

@case("check")
def many_errors_one_line(work):
    """5 000 undefined names on one line (every diagnostic used to copy the line)."""
    return rules("定义 坏 = " + " + ".join(f"未定义{i}" for i in range(5000)), "坏")


@case("check", heavy=True)
def many_errors_many_lines(work):
    return rules("".join(f"定义 坏{i} = 未定义{i} + 1元\n" for i in range(50_000)), "合同金额 × 10%")


@case("check")
def many_type_errors_one_line(work):
    return rules("定义 坏 = " + " + ".join("合同金额 × 合同金额" for _ in range(5000)), "坏")


# ---------------------------------------------------------------- long numbers (class 3)

@case("check", heavy=True)
def long_number_rule(work):
    return rules("参数 大 = " + "1" * 1_000_000 + "元", "合同金额 × 10% + 大")


@case("check")
def long_fraction_rule(work):
    """1 MB of fraction digits: past Decimal::kMaxScale, a positioned error."""
    return rules("参数 细 = 0." + "0" * 1_000_000 + "1元", "合同金额 × 10% + 细")


@case("check")
def many_long_numbers_rule(work):
    return rules("".join(f"参数 大{i} = {'9' * 10_000}元\n" for i in range(100)), "合同金额 × 10%")


@case("eval", heavy=True, facts={"合同金额": "1" * 1_000_000})
def long_number_json_string(work):
    return rules("")


@case("eval", facts_text='{"合同金额": ' + "1" * 1_000_000 + "}")
def long_number_json(work):
    return rules("")


@case("eval", facts_text='{"合同金额": 0.' + "0" * 1_000_000 + "1}")
def long_fraction_json(work):
    return rules("")


@case("eval", facts_text='{"合同金额": 1e' + "9" * 1000 + "}")
def huge_exponent_json(work):
    return rules("")


@case("eval", heavy=True, facts={"合同金额": "1" * 200_000 + "万元"})
def long_money_text_json(work):
    return rules("")


# ---------------------------------------------------------------- huge lines

@case("check")
def huge_comment_line(work):
    return rules("# " + "长" * 2_000_000)


@case("check", heavy=True)
def huge_line_with_error(work):
    """One error at the end of a 5 MB line: the excerpt must be cut, not copied."""
    return rules("定义 长 = 合同金额" + " + 0元" * 1_000_000 + " + 未定义", "长")


@case("check")
def huge_identifier(work):
    name = "名" * 1_000_000
    return rules(f"定义 {name} = 合同金额", f"{name} × 10%")


@case("eval", heavy=True)
def huge_reason_string(work):
    return HEADER + "措施 甲 {\n  要求 合同金额 > 0元 否则 \"" + "理由" * 1_000_000 + "\"\n  金额 = 合同金额\n}\n"


@case("eval", heavy=True, facts={"合同金额": "100万元", "类型": "值" * 5_000_000})
def huge_bad_enum_value_json(work):
    """A 15 MB bad value: the message must not echo it whole."""
    return rules("事实 类型: 枚举 { 甲类, 乙类 }", "按 类型 { 甲类 => 合同金额, 乙类 => 0元 }")


@case("eval", facts_text='{"合同金额": "' + "\\u0001" * 500_000 + '"}')
def control_chars_json(work):
    return rules("")


@case("batch", batch=[json.dumps({"id": "x" * 5_000_000, "measure": "甲", "facts": FACTS})] +
      [json.dumps({"id": f"a{i}", "measure": "甲", "facts": FACTS}) for i in range(3)])
def batch_huge_id(work):
    return rules("")


# ---------------------------------------------------------------- bytes

@case("check")
def nul_under_caret(work):
    return rules("定义 坏 = 合同金额 + \0\0\0 未定义", "坏")


@case("check")
def invalid_utf8(work):
    return rules("定义 坏 = 合同金额 + \udcff\udcfe", "坏")


# ---------------------------------------------------------------- runner

POSITIONED = re.compile(r"^\S+:\d+:\d+: error: ", re.M)


def run_case(args, name, kind, make, opts, known):
    with tempfile.TemporaryDirectory(prefix="kuan-large-") as work:
        text = make(work)
        rule = os.path.join(work, "rules.kuan")
        with open(rule, "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write(text)
        if kind == "check":
            cmd = [args.kuan, "check", rule]
        elif kind == "eval":
            facts = os.path.join(work, "facts.json")
            with open(facts, "w", encoding="utf-8") as f:
                f.write(opts["facts_text"] if "facts_text" in opts else json.dumps(opts.get("facts", FACTS), ensure_ascii=False))
            cmd = [args.kuan, "eval", rule, "--version", "2025年版", "--measure", "甲", "--facts", facts]
        else:
            batch = os.path.join(work, "in.jsonl")
            with open(batch, "w", encoding="utf-8") as f:
                f.write("\n".join(opts["batch"]) + "\n")
            cmd = [args.kuan, "eval", rule, "--version", "2025年版", "--batch", batch]
        if args.keep:
            os.makedirs(args.keep, exist_ok=True)
            with open(os.path.join(args.keep, name + ".cmd"), "w") as f:
                f.write(" ".join(cmd) + "\n")
        limit = (args.known_time if known else args.time) * args.slow
        return execute(args, cmd, work, limit, opts)


def execute(args, cmd, work, limit, opts):
    """Runs cmd; returns (problem or None, summary)."""
    err_path = os.path.join(work, "stderr")
    start = time.monotonic()
    with open(err_path, "wb") as err, open(os.devnull, "wb") as out:
        p = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=work, start_new_session=False)
        timed_out = False
        rss_mb = 0.0
        while True:
            # ru_maxrss from wait4 would include this (large) Python process,
            # copied at fork; the child's own high-water mark is in /proc.
            rss_mb = max(rss_mb, peak_rss_mb(p.pid))
            pid, status, _ = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - start > limit:
                p.kill()
                pid, status, _ = os.wait4(p.pid, 0)
                timed_out = True
                break
            time.sleep(0.02)
    elapsed = time.monotonic() - start
    err_size = os.path.getsize(err_path)
    with open(err_path, "rb") as f:
        head = f.read(4000).decode("utf-8", "replace")
    summary = f"{elapsed:.1f} s, {rss_mb:.0f} MB, stderr {err_size} B"
    if timed_out:
        return f"did not finish within {limit:g} s", summary
    if os.WIFSIGNALED(status):
        return f"killed by signal {signal.Signals(os.WTERMSIG(status)).name}: {first_lines(head)}", summary
    code = os.WEXITSTATUS(status)
    summary = f"exit {code}, " + summary
    if "Sanitizer" in head or "runtime error:" in head:
        return f"sanitizer report: {first_lines(head, 6)}", summary
    if code not in (0, 1, 2):
        return f"exit status {code}: {first_lines(head)}", summary
    if err_size > args.max_stderr:
        return f"stderr is {err_size} bytes (bound {args.max_stderr})", summary
    if rss_mb > args.max_rss_mb * args.slow:
        return f"used {rss_mb:.0f} MB (bound {args.max_rss_mb * args.slow} MB)", summary
    if code == 1 and cmd[1] == "check" and not POSITIONED.search(head):
        return f"rule errors without a file:line:col: error: line: {first_lines(head)}", summary
    return None, summary


def peak_rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def first_lines(text, n=2):
    lines = [l[:200] for l in text.splitlines() if l.strip()][:n]
    return " | ".join(lines) or "(no stderr)"


def read_known(path, sanitizer):
    """"large NAME" lines; "large NAME sanitizer" applies to sanitizer builds only
    (a memory error that a release build does not notice)."""
    known = set()
    if path and os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            parts = line.split("#", 1)[0].split()
            if len(parts) >= 2 and parts[0] == "large" and (sanitizer or parts[2:] != ["sanitizer"]):
                known.add(parts[1])
    return known


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--kuan", required=True)
    ap.add_argument("--known", help="known_issues.txt: cases expected to fail until fixed")
    ap.add_argument("--slow", type=float, default=1.0, help="multiplies time and memory bounds (sanitizer builds)")
    ap.add_argument("--time", type=float, default=20.0, help="seconds per case")
    ap.add_argument("--known-time", type=float, default=8.0, help="seconds per known-failing case")
    ap.add_argument("--max-stderr", type=int, default=100_000)
    ap.add_argument("--max-rss-mb", type=float, default=1024)
    ap.add_argument("--keep", help="write each case's command line here (for reproducing)")
    ap.add_argument("--sanitizer", action="store_true", help="a sanitizer build: skip the heavy cases")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("only", nargs="*")
    args = ap.parse_args()
    args.kuan = os.path.abspath(args.kuan)  # cases run in their own folders
    known = read_known(args.known, args.sanitizer)
    unknown_names = known - {c[0] for c in CASES}
    if args.list:
        for name, kind, fn, opts in CASES:
            flags = ("known " if name in known else "") + ("heavy " if opts.get("heavy") else "")
            print(f"{name:28} {kind:6} {flags}{' '.join((fn.__doc__ or '').split())}")
        return 0
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash must not leave 100 MB core files
    passed = failed = known_failed = 0
    for name, kind, make, opts in CASES:
        if args.only and not any(s in name for s in args.only):
            continue
        if args.sanitizer and opts.get("heavy"):
            print(f"skip    {name} (heavy; run it on a release build)")
            continue
        problem, summary = run_case(args, name, kind, make, opts, name in known)
        if name in known:
            if problem:
                known_failed += 1
                print(f"known   {name}: {problem} ({summary})")
            else:
                failed += 1
                print(f"FIXED   {name}: passes now ({summary}); remove \"large {name}\" from {args.known}")
        elif problem:
            failed += 1
            print(f"FAIL    {name}: {problem} ({summary})")
        else:
            passed += 1
            print(f"ok      {name} ({summary})")
        sys.stdout.flush()
    for name in sorted(unknown_names):
        failed += 1
        print(f"FAIL    {args.known} lists \"large {name}\", which is no case")
    print(f"{passed} passed, {failed} failed, {known_failed} known")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
