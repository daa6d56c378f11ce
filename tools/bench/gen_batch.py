#!/usr/bin/env python3
"""Writes N random (一) applications as JSONL for the whole-process batch benchmark."""
import json
import random
import sys

def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    rng = random.Random(2025)
    out = sys.stdout
    for i in range(n):
        kind = rng.random()
        if kind < 0.7:
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
            measure = "算力券"
        elif kind < 0.85:
            facts = {"合同金额": rng.randint(0, 50000000), "申请主体": rng.choice(["企业", "高校", "科研机构"]),
                     "智能券档位": rng.choice(["一档", "二档"])}
            measure = "智能券"
        else:
            facts = {"合同金额": rng.randint(0, 50000000), "智能券档位": rng.choice(["一档", "二档"]),
                     "本年度已申领算力券": rng.randint(0, 9000000)}
            measure = "算力券免审配套"
        out.write(json.dumps({"id": f"A{i:07d}", "measure": measure, "facts": facts}, ensure_ascii=False))
        out.write("\n")

if __name__ == "__main__":
    main()
