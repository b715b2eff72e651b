"""Build hook: copy the repository's data folders into the wheel as package data.

``policy/``, ``prompts/`` and ``knowledge/`` stay at the repository root (sales-ops edits
them there); ``build_py`` copies each whole folder to ``assistant/_data/<name>`` in the
build, so an installed package reads them through ``importlib.resources``
(see ``assistant/resources.py``).  Editable installs read the root folders directly.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
DATA_FOLDERS = ("policy", "prompts", "knowledge")


class BuildWithData(build_py):
    """``build_py`` that also copies the data folders into ``assistant/_data``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "assistant" / "_data"
        for name in DATA_FOLDERS:
            source = ROOT / name
            if not source.is_dir():
                raise SystemExit(f"data folder {source} is missing; the wheel would not work")
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithData})
