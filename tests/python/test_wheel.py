"""The wheel installs like any Python package: python/build-wheel.sh builds it from this
build, `pip install --no-index` puts it into a fresh venv (no system packages, no network),
and the venv's python evaluates with it from a folder that holds no build tree."""
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

from conftest import POLICY, ROOT


def test_the_wheel_installs_into_a_fresh_venv_and_evaluates(tmp_path):
    build = Path(os.environ["KUAN_BUILD_DIR"])
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    built = subprocess.run([str(ROOT / "python/build-wheel.sh"), str(tmp_path / "dist")], capture_output=True,
                           text=True, env={**env, "KUAN_BUILD_DIR": str(build), "PYTHON": sys.executable})
    assert built.returncode == 0, built.stderr
    wheel = Path(built.stdout.strip().splitlines()[-1])
    assert wheel.name.startswith("kuan-") and wheel.name.endswith(".whl") and "-cp3" in wheel.name
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.startswith("kuan/_kuan") and n.endswith(".so") for n in names) and "kuan/__init__.py" in names
    assert any(n.endswith(".dist-info/RECORD") for n in names)

    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(tmp_path / "env")
    python = str(tmp_path / "env/bin/python")
    pip = subprocess.run([python, "-m", "pip", "install", "--no-index", "--disable-pip-version-check", str(wheel)],
                         capture_output=True, text=True, env=env, cwd=tmp_path)
    assert pip.returncode == 0, pip.stdout + pip.stderr
    code = ("import kuan, decimal; ed = kuan.load(%r).edition('2025年版'); "
            "r = ed.evaluate('算力券', {'合同金额': '120万元', '采购类型': '算力服务', '算力设施档位': '一档'}); "
            "assert r['amount'] == decimal.Decimal('360000.00'), r; print(kuan.__file__)") % str(POLICY)
    run = subprocess.run([python, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert str(tmp_path / "env") in run.stdout  # the installed package, not the source tree
    uninstall = subprocess.run([python, "-m", "pip", "uninstall", "-y", "kuan"], capture_output=True, text=True, env=env)
    assert uninstall.returncode == 0, uninstall.stderr  # RECORD lists every file
