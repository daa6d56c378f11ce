#!/usr/bin/env python3
"""The batch benchmark's straightforward Python: 算力券 lines (gen_batch.py --only 算力券)
computed with the decimal module, the same output bytes as `kuan eval --batch`.

Usage: python_suanliquan.py IN.jsonl > OUT.jsonl
"""
import json
import sys
from decimal import Decimal, ROUND_HALF_UP

WAN = Decimal(10000)
CAP, SME_LIMIT, CENT = 800 * WAN, 50 * WAN, Decimal("0.01")
STACK, YEAR = "智能券叠加上限", "算力券年度余额"


def money(v):
    return Decimal(v) if isinstance(v, str) else Decimal(str(v))


def result(app):
    f = app["facts"]
    contract = money(f["合同金额"])
    head = {"id": app["id"]} if "id" in app else {}
    head.update({"measure": "算力券", "version": "2025年版"})
    reasons = []
    if f.get("已申请免审配套", False):
        reasons.append("同一合同已申请算力券免审配套,不能再单独申请杭州算力券")
    if f["采购类型"] == "模型服务" and not f.get("模型已备案", False):
        reasons.append("模型服务须依托经备案的大模型")
    if reasons:
        return {**head, "eligible": False, "amount": "0.00", "reasons": reasons, "bound": None, "clause": "(一)"}
    if f.get("中小企业", False) and money(f.get("年度智算合同累计金额", contract)) <= SME_LIMIT:
        rate = Decimal("0.50")
    elif f["采购类型"] == "模型服务":
        rate = Decimal("0.30")
    else:
        rate = Decimal("0.30") if f["算力设施档位"] == "一档" else Decimal("0.20")
    amount, bound = contract * rate, None
    voucher = money(f.get("同一合同智能券金额", 0))
    if voucher > 0:
        room = max(Decimal(0), contract * (Decimal("0.60") if f["智能券档位"] == "一档" else Decimal("0.30")) - voucher)
        if room < amount:
            amount, bound = room, STACK
    cap = CAP
    if f.get("生成式多模态基础大模型企业", False) and f.get("核定年度上限") is not None:
        cap = max(CAP, money(f["核定年度上限"]))
    room = max(Decimal(0), cap - money(f.get("本年度已申领算力券", 0)))
    if room < amount:
        amount, bound = room, YEAR
    amount = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    out = {**head, "eligible": True, "amount": str(amount), "reasons": [], "bound": bound}
    if bound and amount == 0:
        out["notes"] = [f"上限 {bound} 已用尽,本次可得金额为零"]
    out["clause"] = "(一)"
    return out


def main():
    write = sys.stdout.write
    with open(sys.argv[1], encoding="utf-8") as f:
        for line in f:
            if line.strip():
                write(json.dumps(result(json.loads(line, parse_float=Decimal)), ensure_ascii=False, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
