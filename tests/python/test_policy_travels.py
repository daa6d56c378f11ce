"""A Policy is a value that travels: it pickles as its rule texts, kuan.load_texts builds
one from texts in memory, and an unpickled policy works after its folder is gone."""
import pickle
import shutil

import pytest

import kuan
from conftest import POLICY

VOUCHER = {"合同金额": "120万元", "采购类型": "算力服务", "算力设施档位": "一档"}


def test_pickled_policy_works_after_its_folder_is_deleted(tmp_path):
    folder = tmp_path / "policy"
    shutil.copytree(POLICY, folder)
    policy = kuan.load(str(folder))
    blob = pickle.dumps(policy)
    edition_blob = pickle.dumps(policy.edition("2026年版"))
    shutil.rmtree(folder)
    again = pickle.loads(blob)
    assert again.editions == policy.editions == ["2025年版", "2026年版"]
    assert again.edition("2025年版").evaluate("算力券", VOUCHER) == policy.edition("2025年版").evaluate("算力券", VOUCHER)
    # file names in explanations are those of the original load
    explained = again.edition("2025年版").evaluate("算力券", VOUCHER, explain=True)["explanation"]
    assert str(folder) in str(explained)
    ed = pickle.loads(edition_blob)
    assert ed.name == "2026年版" and ed.status == "示例"  # based on 2025年版: both travelled
    assert again.edition_on("2025-07-01").name == "2025年版"


def test_load_texts_groups_files_into_editions_as_a_folder_does():
    policy = kuan.load(str(POLICY))
    texts = policy.sources
    assert all(path.endswith(".kuan") for path in texts) and len(texts) > 3
    rebuilt = kuan.load_texts(dict(reversed(list(texts.items()))))  # order of the dict does not matter
    assert rebuilt.editions == policy.editions
    assert rebuilt.sources == texts
    one_edition = {p: t for p, t in texts.items() if "2025年版" in p}
    assert kuan.load_texts(one_edition).editions == ["2025年版"]


def test_load_texts_errors_are_policy_errors():
    with pytest.raises(kuan.PolicyError):
        kuan.load_texts({})
    with pytest.raises(kuan.PolicyError) as e:
        kuan.load_texts({"p/a.kuan": "版本 \"x\"\n参数 甲 = 1元 +\n"})
    assert e.value.file == "p/a.kuan" and e.value.line == 3  # the operand is missing at the next line
    with pytest.raises(kuan.PolicyError):  # deeper than an edition's folder
        kuan.load_texts({"p/a/b/c.kuan": "版本 \"x\"\n", "p/d.kuan": "版本 \"y\"\n"})
    with pytest.raises(TypeError):
        kuan.load_texts({"p/a.kuan": b"bytes"})
