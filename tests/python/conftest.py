"""Shared fixtures: the repository, the `kuan` command, the shipped policy.
CTest sets PYTHONPATH (build dir + python/) and KUAN_BINARY; by hand:
  PYTHONPATH=build:python KUAN_BINARY=build/kuan /usr/bin/python3 -m pytest tests/python"""
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
POLICY = ROOT / "policies" / "hangzhou-ai"


@pytest.fixture(scope="session")
def kuan_binary() -> str:
    path = os.environ.get("KUAN_BINARY", str(ROOT / "build" / "kuan"))
    assert Path(path).exists(), f"kuan command not found at {path} (set KUAN_BINARY)"
    return path


@pytest.fixture(scope="session")
def ed():
    import kuan
    return kuan.load(str(POLICY)).edition("2025年版")


def run_kuan(binary: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([binary, *args], capture_output=True, text=True, encoding="utf-8", cwd=ROOT)
