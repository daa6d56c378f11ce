#!/usr/bin/env python3
"""Writes N applications of one year for `kuan allocate` (JSONL, or CSV with --csv).

The mix: ~70% 算力券 and ~15% 算力券免审配套 from a population of N/4 applicants
(so many apply several times and run into the 800万元 yearly room), and ~15%
quota measures (优秀专用模型, 联合创新项目, 标杆型项目, 制造业创新中心项目,
开放数据集奖励) carrying 评审得分, with many tied scores. With N in the
thousands the 算力券 pool (2.5亿元) is exceeded and scaled.

Usage: gen_allocate.py N [--seed S] [--csv] > applications.jsonl
"""
import argparse
import csv
import json
import random
import sys

FACTS = ["合同金额", "采购类型", "模型已备案", "算力设施档位", "中小企业", "智能券档位", "同一合同智能券金额",
         "研发成本", "项目投资额", "有核心带头人研发团队", "投入", "审核确定投入", "实际投入", "多模态数据集", "评审得分"]


def money(rng, low, high):
    return f"{rng.randint(low * 100, high * 100) / 100:.2f}"


def application(rng, i, applicants):
    kind = rng.random()
    applicant = f"E{rng.randrange(applicants):07d}"
    if kind < 0.70:
        facts = {"合同金额": money(rng, 10000, 30000000), "采购类型": rng.choice(["模型服务", "算力服务"]),
                 "模型已备案": rng.random() < 0.9, "算力设施档位": rng.choice(["一档", "二档"]),
                 "中小企业": rng.random() < 0.4}
        if rng.random() < 0.2:
            facts["同一合同智能券金额"] = money(rng, 0, 500000)
            facts["智能券档位"] = rng.choice(["一档", "二档"])
        measure = "算力券"
    elif kind < 0.85:
        facts = {"合同金额": money(rng, 10000, 20000000), "智能券档位": rng.choice(["一档", "二档"])}
        measure = "算力券免审配套"
    else:
        measure = rng.choice(["优秀专用模型", "联合创新项目", "标杆型项目", "制造业创新中心项目", "开放数据集奖励"])
        if measure == "优秀专用模型":
            facts = {"研发成本": money(rng, 100000, 30000000)}
        elif measure in ("联合创新项目", "标杆型项目"):
            facts = {"项目投资额": money(rng, 100000, 30000000)}
        elif measure == "制造业创新中心项目":
            invest = money(rng, 5000000, 30000000)
            facts = {"有核心带头人研发团队": rng.random() < 0.9, "投入": invest, "审核确定投入": invest}
        else:
            facts = {"实际投入": money(rng, 10000, 10000000), "多模态数据集": rng.random() < 0.3}
        facts["评审得分"] = f"{rng.randint(600, 1000) / 10:.1f}"  # 60.0–100.0: many ties
    return {"id": f"A{i:08d}", "applicant": applicant, "measure": measure, "facts": facts}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int, nargs="?", default=100000)
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--csv", action="store_true")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    applicants = max(1, args.n // 4)
    out = sys.stdout
    if args.csv:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["id", "applicant", "measure"] + FACTS)
        for i in range(args.n):
            a = application(rng, i, applicants)
            cell = lambda v: ("true" if v else "false") if isinstance(v, bool) else v
            w.writerow([a["id"], a["applicant"], a["measure"]] + [cell(a["facts"][f]) if f in a["facts"] else "" for f in FACTS])
        return
    for i in range(args.n):
        out.write(json.dumps(application(rng, i, applicants), ensure_ascii=False))
        out.write("\n")


if __name__ == "__main__":
    main()
