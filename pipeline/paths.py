"""Where the project's own inputs and outputs live by default, whatever the working directory.

The training labels and the model sit in the project (`corpus/labels/`, `models/`); the shared gold and
devset beside it (`../shared/`).  Defaults are resolved from this file, so `icsdocs train` or `ingest`
run from another folder use the same files as `make` does; options and `ICSDOCS_MODELS` point elsewhere.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .errors import InputMissing

PROJECT_ROOT = Path(__file__).resolve().parents[1]
LABELS_DIR = PROJECT_ROOT / "corpus" / "labels"
SHARED_DIR = PROJECT_ROOT.parent / "shared"
GOLD_DIR = SHARED_DIR / "gold"
MODELS_ENV = "ICSDOCS_MODELS"


def models_dir(explicit: str | Path | None = None) -> Path:
    """The model folder: `explicit` (--models), else $ICSDOCS_MODELS, else the project's `models/`."""
    if explicit is not None:
        return Path(explicit)
    if os.environ.get(MODELS_ENV):
        return Path(os.environ[MODELS_ENV])
    from .classify import model

    return model.MODEL_DIR  # looked up on each call, so a test can point it elsewhere


def models_dir_named(explicit: str | Path | None = None) -> bool:
    """True when the user named the model folder (--models or $ICSDOCS_MODELS): a missing model there is
    an error, not a run without classification."""
    return explicit is not None or bool(os.environ.get(MODELS_ENV))


def require_dir(path: Path, what: str, option: str) -> Path:
    """`path` if it is a folder, else InputMissing saying which option names another."""
    if not path.is_dir():
        raise InputMissing(f"No {what} at {path}. Pass {option} DIR with the folder that holds them.")
    return path


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
