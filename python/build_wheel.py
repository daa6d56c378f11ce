"""Assembles the kuan wheel from a CMake build, offline: the package's Python files
(python/kuan/), the _kuan extension the build made, and the wheel's METADATA,
WHEEL and RECORD (PEP 427, PEP 376). Called by python/build-wheel.sh.

    python3 python/build_wheel.py --build build --out dist
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import io
import re
import sys
import sysconfig
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def version() -> str:
    """The project's version, as CMakeLists.txt declares it."""
    text = (ROOT / "CMakeLists.txt").read_text(encoding="utf-8")
    found = re.search(r"project\(\s*\w+[^)]*?VERSION\s+([0-9][0-9.]*)", text)
    if not found:
        sys.exit("build_wheel: no VERSION in CMakeLists.txt's project()")
    return found.group(1)


def extension(build: Path) -> Path:
    """The _kuan extension of this interpreter in the build tree."""
    suffix = sysconfig.get_config_var("EXT_SUFFIX")  # .cpython-311-x86_64-linux-gnu.so
    found = sorted(build.glob("_kuan" + suffix))
    if not found:
        sys.exit(f"build_wheel: no _kuan{suffix} in {build}: build it first (cmake --build {build} --target _kuan)"
                 f" with this Python ({sys.executable})")
    return found[0]


def tag() -> str:
    """cp311-cp311-linux_x86_64: this interpreter's ABI and platform (the extension is built for it)."""
    py = f"cp{sys.version_info.major}{sys.version_info.minor}"
    platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return f"{py}-{py}-{platform}"


def metadata(v: str) -> str:
    readme = (ROOT / "python" / "README.md").read_text(encoding="utf-8")
    return (f"Metadata-Version: 2.1\nName: kuan\nVersion: {v}\n"
            "Summary: Kuan (款): subsidy policy rules evaluated with exact decimal money\n"
            "License: see the project's repository\nRequires-Python: >=3.9\n"
            "Provides-Extra: dask\nRequires-Dist: dask[bag]; extra == \"dask\"\n"
            "Requires-Dist: distributed; extra == \"dask\"\n"
            "Provides-Extra: pandas\nRequires-Dist: pandas; extra == \"pandas\"\n"
            "Description-Content-Type: text/markdown\n\n" + readme)


def record_line(name: str, data: bytes) -> list[str]:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return [name, f"sha256={digest}", str(len(data))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, default=ROOT / "build", help="the CMake build folder")
    parser.add_argument("--out", type=Path, required=True, help="where the wheel goes")
    args = parser.parse_args()
    v = version()
    wheel_tag = tag()
    files: dict[str, bytes] = {}
    for path in sorted((ROOT / "python" / "kuan").iterdir()):
        if path.suffix in (".py", ".pyi") or path.name == "py.typed":
            files[f"kuan/{path.name}"] = path.read_bytes()
    ext = extension(args.build)
    files[f"kuan/{ext.name}"] = ext.read_bytes()
    info = f"kuan-{v}.dist-info"
    files[f"{info}/METADATA"] = metadata(v).encode()
    files[f"{info}/WHEEL"] = (f"Wheel-Version: 1.0\nGenerator: kuan build_wheel.py\nRoot-Is-Purelib: false\n"
                              f"Tag: {wheel_tag}\n").encode()
    files[f"{info}/top_level.txt"] = b"kuan\n"
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for name, data in files.items():
        writer.writerow(record_line(name, data))
    writer.writerow([f"{info}/RECORD", "", ""])
    files[f"{info}/RECORD"] = record.getvalue().encode()

    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / f"kuan-{v}-{wheel_tag}.whl"
    partial = target.with_suffix(".whl.part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            entry = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))  # reproducible
            entry.external_attr = (0o755 if name.endswith(".so") else 0o644) << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(entry, data)
    partial.replace(target)
    print(target)


if __name__ == "__main__":
    main()
