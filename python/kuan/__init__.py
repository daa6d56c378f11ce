"""Kuan (款): subsidy policy rules evaluated with exact decimal money.

    import kuan
    from decimal import Decimal
    policy = kuan.load("policies/hangzhou-ai")
    ed = policy.edition_on("2025-07-01")            # or policy.edition("2025年版")
    r = ed.evaluate("算力券", {"合同金额": "120万元", "采购类型": "算力服务", "算力设施档位": "一档"})
    r["amount"]                                    # Decimal('360000.00')

Facts are Decimal, int, bool, str ("120万元", "30%", "2025-07-01") or
datetime.date; float is refused (TypeError): money must be exact. A loaded
policy is immutable and may be shared by threads; evaluate_many and
evaluate_jsonl release the GIL. A Policy pickles as its rule texts
(kuan.load_texts), so it travels to other processes without its folder.
"""

import hashlib
import json

try:  # installed: the extension sits in the package
    from ._kuan import Edition, Policy, load, load_texts
except ImportError:  # a build tree: PYTHONPATH=build:python
    from _kuan import Edition, Policy, load, load_texts  # type: ignore[no-redef]
from .errors import (AllocationError, EditionError, EvaluationError, FactError, KuanError, MeasureError,
                     PolicyError)


# Policies rebuilt from pickles in this process, by a digest of their texts: a Dask
# worker receives the same policy with every task and builds it once.
_built: dict[str, Policy] = {}


def _policy_from_texts(texts: dict) -> Policy:
    """How a pickled Policy is rebuilt: from its rule texts (no folder needed), once per process."""
    digest = hashlib.sha256(json.dumps(texts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    policy = _built.get(digest)
    if policy is None:
        policy = load_texts(texts)
        if len(_built) >= 8:  # a few policies at a time: forget the oldest
            _built.pop(next(iter(_built)))
        _built[digest] = policy
    return policy


def _edition_of(policy: Policy, name: str) -> Edition:
    """How a pickled Edition is rebuilt: its policy, then the edition by name."""
    return policy.edition(name)


__all__ = ["load", "load_texts", "Policy", "Edition", "KuanError", "PolicyError", "EditionError", "MeasureError",
           "FactError", "EvaluationError", "AllocationError"]
