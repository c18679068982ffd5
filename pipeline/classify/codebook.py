"""The principles codebook as data: YAML files in `pipeline/data/codebooks/`, one framework per file.

A file holds either one framework::

    framework: gm_locality
    title: GM locality characteristics        # optional
    principles:
      - id: LC_NEIGHBOURHOODS
        name: Neighbourhood approach
        definition: A neighbourhood approach with integrated working ...
        phrases: [integrated neighbourhood teams, ...]

or several under `frameworks:` (a list of such mappings).  An analyst adds a framework by adding a file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..datafiles import data_path
from ..errors import CodebookError


@dataclass(frozen=True)
class Principle:
    framework: str
    principle_id: str
    name: str
    definition: str
    phrases: tuple[str, ...] = ()


def codebook_paths(directory: Path | None = None) -> list[Path]:
    """The codebook files (default: `pipeline/data/codebooks/`, found when called, like every data file)."""
    directory = directory or data_path("codebooks")
    return sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])


def load_codebooks(paths: Iterable[Path | str] | None = None) -> list[Principle]:
    """Read the codebook files (default: every YAML file in the package's codebook folder).

    Raises CodebookError naming the file and the problem when a file is not valid YAML, lacks a field,
    or repeats a principle id.
    """
    files = [Path(p) for p in paths] if paths is not None else codebook_paths()
    if not files:
        raise CodebookError(f"no codebook files found (looked for *.yaml in {data_path('codebooks')})")
    principles: list[Principle] = []
    seen: dict[str, Path] = {}
    for path in files:
        for principle in _read_file(path):
            if principle.principle_id in seen:
                raise CodebookError(
                    f"{path}: principle id {principle.principle_id} is already defined in "
                    f"{seen[principle.principle_id]}; ids must be unique across codebook files"
                )
            seen[principle.principle_id] = path
            principles.append(principle)
    return principles


def _read_file(path: Path) -> list[Principle]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CodebookError(f"{path}: cannot read codebook file ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise CodebookError(f"{path}: invalid YAML{where}: {problem}") from exc
    if not isinstance(data, dict):
        raise CodebookError(f"{path}: expected a mapping with 'framework' and 'principles' (or 'frameworks')")
    if "frameworks" in data:
        blocks = data["frameworks"]
        if not isinstance(blocks, list):
            raise CodebookError(f"{path}: 'frameworks' must be a list of framework mappings")
    else:
        blocks = [data]
    out: list[Principle] = []
    for n, block in enumerate(blocks, start=1):
        out.extend(_read_framework(path, n, block))
    return out


def _read_framework(path: Path, n: int, block: object) -> list[Principle]:
    if not isinstance(block, dict):
        raise CodebookError(f"{path}: framework #{n} must be a mapping")
    framework = block.get("framework")
    if not isinstance(framework, str) or not framework.strip():
        raise CodebookError(f"{path}: framework #{n} needs a 'framework' name (a non-empty string)")
    items = block.get("principles")
    if not isinstance(items, list) or not items:
        raise CodebookError(f"{path}: framework {framework} needs a non-empty 'principles' list")
    out = []
    for i, item in enumerate(items, start=1):
        where = f"{path}: framework {framework}, principle #{i}"
        if not isinstance(item, dict):
            raise CodebookError(f"{where} must be a mapping with id, name, definition, phrases")
        for key in ("id", "name", "definition"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                raise CodebookError(f"{where}: '{key}' is missing or not a non-empty string")
        phrases = item.get("phrases", [])
        if not isinstance(phrases, list) or not all(isinstance(p, str) and p.strip() for p in phrases):
            raise CodebookError(f"{where} ({item['id']}): 'phrases' must be a list of non-empty strings")
        out.append(
            Principle(
                framework=framework.strip(),
                principle_id=item["id"].strip(),
                name=item["name"].strip(),
                definition=" ".join(item["definition"].split()),
                phrases=tuple(p.strip() for p in phrases),
            )
        )
    return out
