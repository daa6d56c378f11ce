"""Helpers shared by the area generators: rule headers, an independent model of
the language's exact arithmetic and rounding (Python's decimal, never kuan's
output), positions found in the rule text, and the case builders.

Every expected amount is computed here from the language's definition
(docs/language.md, tests/conformance/README.md), so a disagreement with an
implementation is a finding, not a typo to be copied over."""
from decimal import Decimal, getcontext, ROUND_HALF_UP, ROUND_HALF_EVEN, ROUND_DOWN, ROUND_UP

getcontext().prec = 400  # exact for everything the suite computes

D = Decimal

# The four rounding modes of `舍入` and of the rounding functions.
# 四舍五入: ties away from zero; 银行家舍入: ties to even;
# 向下舍入: toward zero; 向上舍入: away from zero.
MODES = {
    "四舍五入": ROUND_HALF_UP,
    "银行家舍入": ROUND_HALF_EVEN,
    "向下舍入": ROUND_DOWN,
    "向上舍入": ROUND_UP,
}

DIVISION_PLACES = 18


def header(version="v1", mode="四舍五入", step="0.01元", start="2025-01-01", end=None, policy="一致性测试",
           base=None):
    period = f"施行 {start} 至 {end}" if end else f"施行 {start} 起"
    lines = [f'政策 "{policy}"', f'版本 "{version}"']
    if base:
        lines.append(f'基于 "{base}"')
    lines += [period, f"舍入 {mode} 至 {step}"]
    return "\n".join(lines) + "\n"


def rnd(x, step, mode):
    """x rounded to a multiple of step in the given mode."""
    step = D(step)
    q = (D(x) / step).quantize(D(1), rounding=MODES[mode])
    return q * step


def places_of(step):
    e = D(step).normalize().as_tuple().exponent
    return max(0, -e)


def yuan(text):
    """A money literal of the language ('50万元', '2.5亿元', '12.5元') as a Decimal in 元."""
    for unit, factor in (("亿元", D(100000000)), ("万元", D(10000)), ("元", D(1))):
        if text.endswith(unit):
            return D(text[: -len(unit)]) * factor
    return D(text)


def rate(text):
    if text.endswith("个百分点"):
        return D(text[:-4]) / 100
    if text.endswith("%") or text.endswith("％"):
        return D(text[:-1]) / 100
    return D(text)


def scale(x):
    e = D(x).as_tuple().exponent
    return max(0, -e)


def div(a, b):
    """a ÷ b as the language defines it: 18 decimal places (or the dividend's,
    if more), rounded half-up."""
    a, b = D(a), D(b)
    places = max(DIVISION_PLACES, scale(a))
    return (a / b).quantize(D(1).scaleb(-places), rounding=ROUND_HALF_UP)


def final(x, step="0.01元", mode="四舍五入"):
    """The printed final amount: rounded once to the edition's step, written
    with as many decimals as the step has."""
    step_v = yuan(step)
    r = rnd(x, step_v, mode)
    p = places_of(step_v)
    return str(r.quantize(D(1).scaleb(-p))) if p else str(r.quantize(D(1)))


def locate(text, needle, occurrence=1, offset=0):
    """(line, column) of the nth occurrence of needle (+offset characters);
    columns count characters from 1."""
    pos = -1
    for _ in range(occurrence):
        pos = text.index(needle, pos + 1)
    pos += offset
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return line, col


class Num:
    """A fact written as a JSON number (its text kept exactly)."""

    def __init__(self, text):
        self.text = str(text)


NO_FIGURES = object()  # a case that says nothing of the result's `figures`


class Group:
    """One rule text (one or more files, one or more editions) and its cases."""

    def __init__(self, gid, files, version="v1", note=None):
        self.id = gid
        self.files = files if isinstance(files, dict) else {"rules.kuan": files}
        self.version = version
        self.note = note
        self.cases = []

    def _case(self, cid, body, note):
        c = {"id": cid}
        if note:
            c["note"] = note
        c.update(body)
        self.cases.append(c)
        return self

    def _eval(self, measure, facts, version, as_of):
        body = {}
        if as_of:
            body["as_of"] = as_of
        elif version and version != self.version:
            body["version"] = version
        body["measure"] = measure
        body["facts"] = facts
        return body

    def ok(self, cid, measure, facts, amount, bound=None, version=None, as_of=None, note=None, in_version=None,
           figures=NO_FIGURES):
        """Eligible, with this amount; bound names the cap that limited it (None: no cap did);
        figures: the result's named results (结果) by name, in order."""
        body = self._eval(measure, facts, version, as_of)
        exp = {"eligible": True, "amount": amount, "bound": bound}
        if in_version:
            exp["version"] = in_version
        if figures is not NO_FIGURES:
            exp["figures"] = figures
        body["expect"] = exp
        return self._case(cid, body, note)

    def no(self, cid, measure, facts, reasons, amount="0.00", version=None, as_of=None, note=None, figures=NO_FIGURES):
        """Not eligible; reasons are substrings of the failed requirements' texts, in order
        (figures=None: the result has no `figures`)."""
        body = self._eval(measure, facts, version, as_of)
        body["expect"] = {"eligible": False, "amount": amount, "reasons": reasons, "bound": None}
        if figures is not NO_FIGURES:
            body["expect"]["figures"] = figures
        return self._case(cid, body, note)

    def bad(self, cid, measure, facts, message=None, version=None, note=None, facts_text=None):
        """The application is rejected before evaluation (no rule position)."""
        body = self._eval(measure, facts, version, None)
        if facts_text is not None:
            del body["facts"]
            body["facts_text"] = facts_text
        exp = {"error": "bad_facts"}
        if message:
            exp["message"] = message
        body["expect"] = exp
        return self._case(cid, body, note)

    def no_edition(self, cid, measure, facts, version=None, as_of=None, note=None):
        """No edition has this name, or none is in force on this date."""
        body = self._eval(measure, facts, version, as_of)
        body["expect"] = {"error": "no_edition"}
        return self._case(cid, body, note)

    def eval_error(self, cid, measure, facts, at, message=None, version=None, note=None):
        """Evaluation stops with an error at a rule position: at = (file, line, column), or None
        where the language does not fix the position."""
        body = self._eval(measure, facts, version, None)
        exp = {"error": "evaluation_error"}
        if at:
            exp.update({"file": at[0], "line": at[1], "column": at[2]})
        if message:
            exp["message"] = message
        body["expect"] = exp
        return self._case(cid, body, note)

    def invalid(self, cid, measure, facts, at, message, version=None, note=None):
        """A 校验 fails: the application is an error of code invalid_application, its message
        the 校验's text, its position (file, line, column) the condition."""
        body = self._eval(measure, facts, version, None)
        body["expect"] = {"error": "invalid_application", "file": at[0], "line": at[1], "column": at[2],
                          "message": message}
        return self._case(cid, body, note)

    def check_error(self, cid, at, message, note=None):
        """`check` of the rule text reports an error at = (file, line, column) whose message contains message."""
        exp = {"error": "check_error", "file": at[0], "line": at[1], "column": at[2], "message": message}
        return self._case(cid, {"check": True, "expect": exp}, note)

    def check_ok(self, cid, warning=None, note=None):
        """`check` passes (no errors); optionally a warning containing this text."""
        exp = {"ok": True}
        if warning:
            exp["warning"] = warning
        return self._case(cid, {"check": True, "expect": exp}, note)

    def to_json(self):
        g = {"id": self.id}
        if self.note:
            g["note"] = self.note
        g["files"] = self.files
        g["version"] = self.version
        g["cases"] = self.cases
        return g


def check_group(gid, text, needle, message, occurrence=1, offset=0, note=None, file="rules.kuan", files=None):
    """A rule text whose check must fail at the given needle."""
    g = Group(gid, files if files else {file: text}, note=note)
    line, col = locate(text, needle, occurrence, offset)
    g.check_error("check", (file, line, col), message)
    return g


def check_groups(head, rows, tail=""):
    """An area's table of rule errors, one check_group each: a row is
    (gid, body, needle, message) and its rule text head + body + tail. A fifth
    item places the caret otherwise: {"occurrence": N or "last", "offset": N}
    (the needle's Nth or last appearance in the text, N characters on)."""
    out = []
    for gid, body, needle, message, *placed in rows:
        text = head + body + tail
        where = dict(placed[0]) if placed else {}
        if where.get("occurrence") == "last":
            where["occurrence"] = text.count(needle)
        out.append(check_group(gid, text, needle, message, **where))
    return out
