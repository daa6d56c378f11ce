"""setuptools' side of pyproject.toml: the _kuan extension is built by CMake (the same
target as a CMake build's), then copied where setuptools expects it."""
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


class CMakeExtension(build_ext):
    def build_extension(self, ext: Extension) -> None:
        build = ROOT / "build-python"  # a CMake build of its own (build/ is the developer's)
        configure = ["cmake", "-S", str(ROOT), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release",
                     f"-DPython3_EXECUTABLE={sys.executable}"]
        if shutil.which("ccache"):
            configure.append("-DCMAKE_CXX_COMPILER_LAUNCHER=ccache")
        subprocess.run(configure, check=True)
        subprocess.run(["cmake", "--build", str(build), "--target", "_kuan", "-j", str(os.cpu_count() or 2)],
                       check=True)
        built = build / ("_kuan" + sysconfig.get_config_var("EXT_SUFFIX"))
        target = Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built, target)


version = re.search(r"project\(\s*\w+[^)]*?VERSION\s+([0-9][0-9.]*)", (ROOT / "CMakeLists.txt").read_text()).group(1)
setup(version=version, ext_modules=[Extension("kuan._kuan", sources=[])], cmdclass={"build_ext": CMakeExtension})
