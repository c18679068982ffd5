"""spaCy imported without its command line, which the pipeline never uses.

`import spacy` imports `spacy.cli` (typer, weasel, requests, jinja2 and the rest: about 360 modules and a
third of the import's time) only to offer `spacy.info`.  Importing spaCy here puts a stand-in for that
module in its place during the import; once spaCy is in, the stand-in is gone, so a later
`import spacy.cli` (or `spacy.info()`, which imports it then) gets the real one.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

CLI_MODULES = ("spacy.cli", "spacy.cli.info")


def import_spacy() -> types.ModuleType:
    """The `spacy` module; its command line left unimported when spaCy was not imported yet."""
    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    stand_ins = {name: types.ModuleType(name) for name in CLI_MODULES}
    stand_ins["spacy.cli.info"].info = _info  # type: ignore[attr-defined]
    sys.modules.update(stand_ins)
    try:
        return importlib.import_module("spacy")
    except ImportError:  # a spaCy wanting more of its command line at import: the plain import, slower
        _forget_spacy()
        return importlib.import_module("spacy")
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]
        spacy = sys.modules.get("spacy")
        if spacy is not None and getattr(spacy, "cli", None) is stand_ins["spacy.cli"]:
            del spacy.cli


def _forget_spacy() -> None:
    """Drop the half-imported spaCy and the stand-ins, so the next import starts afresh."""
    for name in [n for n in sys.modules if n == "spacy" or n.startswith("spacy.")]:
        del sys.modules[name]


def _info(*args: Any, **kwargs: Any) -> Any:
    """`spacy.info`, from the real command line, imported when first called."""
    return importlib.import_module("spacy.cli.info").info(*args, **kwargs)
