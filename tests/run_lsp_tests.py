#!/usr/bin/env python3
"""`kuan lsp` through a scripted JSON-RPC client: a copy of the shipped policy is
opened file by file; diagnostics (clean, then a type error typed in, with its
range, then fixed again), completion, hover (fact type and label, parameter value and label,
measure with its clause text, across files), go to definition (same file, another
file of the edition, the base edition), references, document symbols, formatting,
and a clean shutdown."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

from kuan_suite import Suite

SUITE = Suite(__doc__, max_detail=1500)
check = SUITE.step  # the checks are steps of scenarios run whole


def uri(path):
    return "file://" + urllib.parse.quote(path)


def path_of(u):
    return urllib.parse.unquote(u[len("file://"):])


class Client:
    def __init__(self, kuan):
        self.p = subprocess.Popen([kuan, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.next_id = 0
        self.notifications = []

    def send(self, msg):
        body = json.dumps(msg, ensure_ascii=False).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()

    def read(self):
        length = None
        while True:
            line = self.p.stdout.readline()
            if not line:
                raise EOFError("server closed its output")
            line = line.strip()
            if not line:
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return json.loads(self.p.stdout.read(length))

    def request(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        while True:
            msg = self.read()
            if msg.get("id") == self.next_id:
                return msg
            self.notifications.append(msg)

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def diagnostics(self, path):
        """The diagnostics published for a file after the last notification sent
        (a request round trip makes sure the server has handled it)."""
        self.request("textDocument/documentSymbol", {"textDocument": {"uri": uri(path)}})
        found = [n for n in self.notifications
                 if n.get("method") == "textDocument/publishDiagnostics" and path_of(n["params"]["uri"]) == path]
        return found[-1]["params"]["diagnostics"] if found else None


def position(text, needle, nth=0, offset=1):
    """LSP position of the `offset`-th character of the nth occurrence of needle."""
    i = -1
    for _ in range(nth + 1):
        i = text.index(needle, i + 1)
    before = text[:i + offset]
    line = before.count("\n")
    col = len(before) - (before.rfind("\n") + 1)
    return {"line": line, "character": len(before[len(before) - col:].encode("utf-16-le")) // 2}


def main():
    args = SUITE.parse()

    with tempfile.TemporaryDirectory(prefix="kuan_lsp_") as tmp:
        policy = os.path.join(tmp, "hangzhou-ai")
        shutil.copytree(os.path.join(args.root, "policies", "hangzhou-ai"), policy)
        f01 = os.path.join(policy, "2025年版", "01-算力券和智能券.kuan")
        f00 = os.path.join(policy, "2025年版", "00-共用事实.kuan")
        f26 = os.path.join(policy, "2026年版", "00-修订.kuan")
        text01 = open(f01, encoding="utf-8").read()
        text26 = open(f26, encoding="utf-8").read()

        c = Client(args.kuan)
        init = c.request("initialize", {"processId": None, "rootUri": uri(tmp), "capabilities": {}})
        caps = init.get("result", {}).get("capabilities", {})
        for cap in ("hoverProvider", "definitionProvider", "documentSymbolProvider", "documentFormattingProvider",
                    "referencesProvider"):
            check(f"capability {cap}", caps.get(cap) is True, caps)
        check("capability completionProvider", isinstance(caps.get("completionProvider"), dict), caps)
        c.notify("initialized", {})

        # Diagnostics: clean, then an error as typed, then clean again.
        c.notify("textDocument/didOpen", {"textDocument": {"uri": uri(f01), "languageId": "kuan", "version": 1, "text": text01}})
        check("no diagnostics on the shipped file", c.diagnostics(f01) == [], c.diagnostics(f01))
        broken = text01.replace("基数 = 合同金额\n", "基数 = 合同金额 × 本年度已申领算力券\n", 1)
        c.notify("textDocument/didChange", {"textDocument": {"uri": uri(f01), "version": 2}, "contentChanges": [{"text": broken}]})
        diags = c.diagnostics(f01)
        check("a type error typed in is reported", diags and any("金额 × 金额" in d["message"] for d in diags), diags)
        if diags:
            d = diags[0]
            want = position(broken, "合同金额 × 本年度已申领算力券", offset=0)
            check("error range starts at the expression", d["range"]["start"] == want, (d["range"], want))
            check("error range covers it", d["range"]["end"]["character"] - d["range"]["start"]["character"] ==
                  len("合同金额 × 本年度已申领算力券"), d["range"])
            check("error severity", d["severity"] == 1, d)
        c.notify("textDocument/didChange", {"textDocument": {"uri": uri(f01), "version": 3}, "contentChanges": [{"text": text01}]})
        check("fixed again: no diagnostics", c.diagnostics(f01) == [], c.diagnostics(f01))
        check("the file on disk was not touched", open(f01, encoding="utf-8").read() == text01)

        def hover(path, text, needle, nth=0):
            r = c.request("textDocument/hover", {"textDocument": {"uri": uri(path)}, "position": position(text, needle, nth)})
            res = r.get("result")
            return res["contents"]["value"] if res else None

        h = hover(f01, text01, "合同金额 × 按", 0)
        check("hover fact: type and label", h and "**事实** 合同金额: 金额" in h and "合同实际发生金额" in h, h)
        h = hover(f01, text01, "中小企业合同门槛 则")
        check("hover parameter: value and label", h and "= 50万元" in h and "年申报智算合同累计金额50万元(含)以下" in h, h)
        h = hover(f01, text01, "算力券 \"算力服务二档")
        check("hover measure: clause text", h and "**措施** 算力券「杭州算力券(单独申请)」" in h and "设立年度2.5亿元规模" in h, h)
        h = hover(f01, text01, "算力券年度上限 已用")
        check("hover definition", h and "**定义** 算力券年度上限 = 若" in h, h)
        h = hover(f01, text01, "算力服务 或")
        check("hover enumeration value", h and "采购类型 的取值" in h, h)
        check("no hover on a keyword", hover(f01, text01, "要求 采购类型") is None)

        def definition(path, text, needle, nth=0):
            r = c.request("textDocument/definition", {"textDocument": {"uri": uri(path)}, "position": position(text, needle, nth)})
            return r.get("result") or []

        locs = definition(f01, text01, "单家企业年度上限, 核定年度上限")
        check("definition in the same file", len(locs) == 1 and path_of(locs[0]["uri"]) == f01 and
              locs[0]["range"]["start"] == position(text01, "单家企业年度上限 = 800万元", offset=0), locs)
        example = open(os.path.join(policy, "2025年版", "03-模型研发.kuan"), encoding="utf-8").read()
        f03 = os.path.join(policy, "2025年版", "03-模型研发.kuan")
        text00 = open(f00, encoding="utf-8").read()
        locs = definition(f03, example, "核定金额")
        check("definition in another file of the edition", len(locs) == 1 and path_of(locs[0]["uri"]) == f00 and
              locs[0]["range"]["start"] == position(text00, "核定金额: 金额", offset=0), locs)
        locs = definition(f26, text26, "算力券 {")
        files = [path_of(l["uri"]) for l in locs]
        check("definition reaches the base edition", f26 in files and f01 in files, locs)
        h = hover(f26, text26, "单家企业年度上限 = 1000万元")
        check("hover in the edition before its base", h and h.index("= 1000万元") < h.index("= 800万元") and
              "(基础版本)" in h, h)
        h = hover(f26, text26, "算力券 {")
        check("hover on a revised measure shows the base's clause", h and "设立年度2.5亿元规模" in h, h)

        refs = c.request("textDocument/references", {"textDocument": {"uri": uri(f01)},
                                                      "position": position(text01, "智能券叠加上限"), "context": {"includeDeclaration": True}})
        refs = refs.get("result") or []
        check("references: declaration and every 例 that names the cap",
              len(refs) == text01.count("智能券叠加上限") and all(path_of(r["uri"]) == f01 for r in refs), refs)

        items = c.request("textDocument/completion", {"textDocument": {"uri": uri(f01)},
                                                       "position": position(text01, "基数 = 合同金额")}).get("result") or []
        by_label = {i["label"]: i for i in items}
        check("completion: a fact of another file, with its type",
              by_label.get("核定金额", {}).get("kind") == 5 and "金额" in by_label["核定金额"].get("detail", ""), by_label.get("核定金额"))
        check("completion: parameters, measures, enumeration values",
              by_label.get("单家企业年度上限", {}).get("kind") == 21 and by_label.get("智能券", {}).get("kind") == 3 and
              by_label.get("算力服务", {}).get("kind") == 20, [by_label.get(k) for k in ("单家企业年度上限", "智能券", "算力服务")])
        # The words of issue 27's constructs too: ranges, brackets, lists, periods, 施行, signs, 校验, limits.
        words = ("若", "否则", "按", "要求", "金额", "以上", "以下", "含", "不含", "累进", "速算扣除数", "列表", "天数", "月数",
                 "年数", "施行", "施行中", "可为负", "校验", "错误", "限额", "计", "件数", "每", "申请人", "不超过", "超出", "拒绝")
        check("completion: keywords", all(by_label.get(k, {}).get("kind") == 14 for k in words),
              [k for k in words if by_label.get(k, {}).get("kind") != 14])
        units = ("元", "万元", "亿元", "%", "个百分点", "天", "个月", "年", "元/月", "万元/年", "元/天")
        check("completion: units and amounts per period", all(by_label.get(k, {}).get("kind") == 11 for k in units),
              [k for k in units if by_label.get(k, {}).get("kind") != 11])
        check("completion: each name once", len(items) == len(by_label), len(items))

        # A list fact: the list, its fields (for inside 合计 { … }) and the aggregate words complete.
        tax = os.path.join(tmp, "income-tax")
        shutil.copytree(os.path.join(args.root, "examples", "个人所得税经营所得"), tax)
        ftax = os.path.join(tax, "2023年版", "01-经营所得.kuan")
        texttax = open(ftax, encoding="utf-8").read()
        items = c.request("textDocument/completion", {"textDocument": {"uri": uri(ftax)},
                                                       "position": position(texttax, "合计 经营 { 收入总额")}).get("result") or []
        by_label = {i["label"]: i for i in items}
        check("completion: a list fact, with its type", "列表" in by_label.get("经营", {}).get("detail", ""), by_label.get("经营"))
        check("completion: a list's fields", all("字段" in by_label.get(k, {}).get("detail", "") for k in ("收入总额", "个体工商户")),
              [by_label.get(k) for k in ("收入总额", "个体工商户")])
        check("completion: aggregates and 累进", all(by_label.get(k, {}).get("kind") == 14 for k in ("合计", "计数", "最大", "最小", "累进")),
              [by_label.get(k) for k in ("合计", "计数", "最大", "最小", "累进")])
        # A measure's 结果 are names too (read by its 金额 and later 结果), and 结果 is a keyword.
        check("completion: a measure's named results", "结果" in by_label.get("应补退税额", {}).get("detail", "") and
              by_label.get("结果", {}).get("kind") == 14, (by_label.get("应补退税额"), by_label.get("结果")))

        # 修订 累进表 in a derived edition: no diagnostics, and hover shows the restated table before the base's.
        f24 = os.path.join(tax, "2024年版", "00-修订.kuan")
        os.makedirs(os.path.dirname(f24))
        text24 = ("版本 \"2024年版\"\n基于 \"2023年版\"\n施行 2024-01-01 起\n\n修订 累进表 经营所得税率表 {\n"
                  "  至 3万元 => 3% 速算扣除数 0元\n  至 9万元 => 10% 速算扣除数 2100元\n  至 30万元 => 20% 速算扣除数 11100元\n"
                  "  至 50万元 => 30% 速算扣除数 41100元\n  以上 => 35% 速算扣除数 66100元\n}\n")
        with open(f24, "w", encoding="utf-8") as f:
            f.write(text24)
        c.notify("textDocument/didOpen", {"textDocument": {"uri": uri(f24), "languageId": "kuan", "version": 1, "text": text24}})
        check("修订 累进表: no diagnostics", c.diagnostics(f24) == [], c.diagnostics(f24))
        h = hover(f24, text24, "经营所得税率表 {")
        check("hover on a revised 累进表: the new table before the base's", h and "**累进表** 经营所得税率表" in h and
              h.index("至 3万元 => 3%") < h.index("至 3万元 => 5%") and "(基础版本)" in h, h)
        check("symbols: a revised 累进表", any(s["name"] == "经营所得税率表" for s in
              c.request("textDocument/documentSymbol", {"textDocument": {"uri": uri(f24)}}).get("result") or []))

        syms = c.request("textDocument/documentSymbol", {"textDocument": {"uri": uri(f01)}}).get("result") or []
        names = {(s["name"], s["kind"]) for s in syms}
        check("symbols: the clause", ("条款 (一) 实施算力券和智能券政策", 3) in names, names)
        check("symbols: measures in their clause", any(s["name"] == "智能券" and s["kind"] == 12 and
                                                      s.get("containerName") == "条款 (一)" for s in syms), syms[:5])
        check("symbols: parameters and facts", ("单家企业年度上限", 14) in names and ("合同金额", 8) in names, names)
        prop = [s for s in syms if s["name"] == "性质 算力券 中小企业按不超过50%的比例"]
        check("symbols: a 性质, at its measure name", len(prop) == 1 and prop[0]["kind"] == 24 and
              prop[0]["location"]["range"]["start"] == position(text01, "性质 算力券 \"中小企业", offset=3), prop)

        messy = text26.replace("修订 参数 单家企业年度上限 = 1000万元", "修订 参数 单家企业年度上限=1000万元", 1)
        c.notify("textDocument/didOpen", {"textDocument": {"uri": uri(f26), "languageId": "kuan", "version": 1, "text": messy}})
        edits = c.request("textDocument/formatting", {"textDocument": {"uri": uri(f26)}, "options": {"tabSize": 2, "insertSpaces": True}})
        edits = edits.get("result") or []
        check("formatting returns the kuan fmt text", len(edits) == 1 and edits[0]["newText"] == text26, edits)
        check("diagnostics of the second open file", c.diagnostics(f26) == [], c.diagnostics(f26))

        # Bad input gets an error reply, and the server goes on.
        c.p.stdin.write(b"Content-Length: 9\r\n\r\n{not json")
        c.p.stdin.flush()
        bad = c.read()
        check("malformed JSON: parse error", bad.get("error", {}).get("code") == -32700, bad)
        r = c.request("textDocument/hover", {"position": {"line": 0, "character": 0}})
        check("hover without a document: an error, not a crash", "error" in r, r)
        lone = os.path.join(tmp, "lone", "单独.kuan")
        os.makedirs(os.path.dirname(lone))
        c.notify("textDocument/didOpen", {"textDocument": {"uri": uri(lone), "languageId": "kuan", "version": 1,
                                                           "text": "参数 a = \n"}})
        diags = c.diagnostics(lone)
        check("a file outside any policy: its syntax error", diags and diags[0]["range"]["start"]["line"] == 1, diags)
        # A folder with entries that cannot be looked at (a symlink loop, a dangling link):
        # the document still gets answers, and what the loader says of the folder is
        # shown at its top (it had no file, and was dropped: the editor showed nothing).
        looped = os.path.join(tmp, "looped", "规则.kuan")
        os.makedirs(os.path.dirname(looped))
        looped_text = ('政策 "环"\n版本 "v"\n施行 2025-01-01 起\n舍入 四舍五入 至 0.01元\n'
                       '参数 门槛 = 1元\n参数 坏 = 1元 × 1元\n')
        with open(looped, "w", encoding="utf-8") as f:
            f.write(looped_text)
        os.symlink("loop", os.path.join(tmp, "looped", "loop"))
        os.symlink("nowhere", os.path.join(tmp, "looped", "dangling"))
        c.notify("textDocument/didOpen", {"textDocument": {"uri": uri(looped), "languageId": "kuan", "version": 1,
                                                           "text": looped_text}})
        diags = c.diagnostics(looped)
        check("a symlink loop beside the file: the folder's problem at the top of the document",
              diags and any("looped/loop" in d["message"] and d["range"]["start"] == {"line": 0, "character": 0}
                            for d in diags), diags)
        os.unlink(os.path.join(tmp, "looped", "loop"))
        c.notify("textDocument/didChange", {"textDocument": {"uri": uri(looped), "version": 2},
                                            "contentChanges": [{"text": looped_text}]})
        diags = c.diagnostics(looped)
        check("a dangling link beside the file: not a rule file, the file's own error shown",
              diags and any("金额 × 金额" in d["message"] for d in diags) and not any("dangling" in d["message"] for d in diags),
              diags)
        r = c.request("textDocument/hover", {"textDocument": {"uri": uri(looped)},
                                             "position": position(looped_text, "门槛 =", offset=0)})
        check("a symlink loop beside the file: hover still answers", "**参数** 门槛" in json.dumps(r, ensure_ascii=False), r)

        unknown = c.request("kuan/unknown", {})
        check("unknown request: method not found", unknown.get("error", {}).get("code") == -32601, unknown)
        r = c.request("shutdown", None)
        check("shutdown", "result" in r and r["result"] is None, r)
        c.notify("exit", None)
        check("exit status 0 after shutdown", c.p.wait(timeout=10) == 0)

    sys.exit(SUITE.finish())


if __name__ == "__main__":
    main()
