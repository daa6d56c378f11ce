#!/usr/bin/env python3
"""Writes N random applications as JSONL for the whole-process batch benchmark.

Usage: gen_batch.py N                      (一): 70% 算力券, 15% 智能券, 15% 算力券免审配套
       gen_batch.py N --only 算力券         算力券 lines only (what tools/bench/floor_suanliquan reads)
       gen_batch.py N --mixed MEASURES.json every measure of an edition in turn, with random facts of
                                           their types (MEASURES.json: `kuan measures --format json`)
"""
import argparse
import json
import random
import sys


def suanliquan(rng):
    facts = {
        "合同金额": f"{rng.randint(0, 2000000000) / 100:.2f}",
        "采购类型": rng.choice(["模型服务", "算力服务"]),
        "模型已备案": rng.random() < 0.8,
        "算力设施档位": rng.choice(["一档", "二档"]),
        "中小企业": rng.random() < 0.4,
        "本年度已申领算力券": rng.randint(0, 9000000),
    }
    if rng.random() < 0.3:
        facts["同一合同智能券金额"] = rng.randint(0, 500000)
        facts["智能券档位"] = rng.choice(["一档", "二档"])
    return "算力券", facts


def section_one(rng):
    kind = rng.random()
    if kind < 0.7:
        return suanliquan(rng)
    if kind < 0.85:
        return "智能券", {"合同金额": rng.randint(0, 50000000), "申请主体": rng.choice(["企业", "高校", "科研机构"]),
                       "智能券档位": rng.choice(["一档", "二档"])}
    return "算力券免审配套", {"合同金额": rng.randint(0, 50000000), "智能券档位": rng.choice(["一档", "二档"]),
                         "本年度已申领算力券": rng.randint(0, 9000000)}


def mixed(measures_json):
    with open(measures_json, encoding="utf-8") as f:
        edition = json.load(f)["editions"][0]
    measures = [m for c in edition["clauses"] for m in c["measures"]] + edition["other_measures"]

    def value(rng, fact):
        kind = fact["type"].split(" ")[0]
        if kind == "金额":
            return f"{rng.randint(0, 20000000000) / 100:.2f}"
        if kind == "枚举":
            return rng.choice([v.strip() for v in fact["type"][fact["type"].index("{") + 1:-1].split(",")])
        if kind == "布尔":
            return rng.random() < 0.7
        if kind == "整数":
            return rng.randint(0, 100)
        if kind == "比例":
            return f"0.{rng.randint(0, 99):02d}"
        raise SystemExit(f"gen_batch.py: no generator for facts of type {fact['type']}")

    def one(rng, i):
        m = measures[i % len(measures)]
        facts = {f["name"]: value(rng, f) for f in m["facts"]
                 if not f["requirement"].startswith("默认") or rng.random() < 0.5}
        return m["name"], facts
    return one, len(measures)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int, nargs="?", default=100000)
    ap.add_argument("--only", choices=["算力券"])
    ap.add_argument("--mixed", metavar="MEASURES.json")
    a = ap.parse_args()
    rng = random.Random(2025)
    if a.mixed:
        pick, _ = mixed(a.mixed)
    elif a.only:
        pick = lambda rng, i: suanliquan(rng)
    else:
        pick = lambda rng, i: section_one(rng)
    out = sys.stdout
    for i in range(a.n):
        measure, facts = pick(rng, i)
        out.write(json.dumps({"id": f"A{i:07d}", "measure": measure, "facts": facts}, ensure_ascii=False))
        out.write("\n")


if __name__ == "__main__":
    main()
