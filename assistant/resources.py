"""Where the data folders (``policy/``, ``prompts/``, ``knowledge/``) are read from.

The repository's top-level folders are the single source of truth: sales-ops edits
``policy/`` at the root.  The wheel carries a copy of each folder as package data
(``assistant/_data/<name>``, copied by the ``build_py`` step in ``setup.py``), so an
installed ``assistant`` works with no checkout.  Resolution, first match wins:

1. the ``ASSISTANT_<NAME>_DIR`` environment variable (handled by :mod:`assistant.config`);
2. the repository folder, when running from a checkout (an editable install);
3. the copy shipped in the installed package (:func:`importlib.resources.files`).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["DATA_FOLDERS", "PROJECT_ROOT", "data_dir", "default_home", "running_from_checkout"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_FOLDERS = ("policy", "prompts", "knowledge")
_PACKAGED = "_data"
_HOME_FOLDER = ".fastflex-assistant"  # under the user's home directory when installed from a wheel


def running_from_checkout() -> bool:
    """True when the package is imported from the repository (source tree or editable install)."""
    return (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "policy").is_dir()


def data_dir(name: str) -> Path:
    """The folder ``name`` (one of :data:`DATA_FOLDERS` or ``evals``): the repository's, else the packaged copy."""
    if running_from_checkout():
        return PROJECT_ROOT / name
    return Path(str(files("assistant").joinpath(_PACKAGED, name)))


def default_home() -> Path:
    """The default state directory: ``.assistant/`` in a checkout, ``~/.fastflex-assistant`` when installed."""
    if running_from_checkout():
        return PROJECT_ROOT / ".assistant"
    return Path.home() / _HOME_FOLDER
