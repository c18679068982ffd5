"""The extraction stage's speed-ups (`pipeline/extract/fast.py`) change nothing: the fast path and the
reference path (`ICSDOCS_REFERENCE=1`: plain spaCy Matcher, `re` patterns as first written, no gate, the
tokenizer as spaCy makes it) give the same entities, recommendations, memberships, cover sheet and
meeting on every sample file and every devset page.

The switch is read once per process, so each path runs in a fresh Python of its own.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpus" / "samples"
DEVSET = ROOT.parent / "shared" / "devset"

EXTRACT_ALL = """
import json, sys
from pathlib import Path
from pipeline.extract import extract_document, fast
from pipeline.extract.nlp import build_nlp
from pipeline.read import read_document
from pipeline.sections import build_sections

nlp = build_nlp()
paths = [Path(p) for p in sys.argv[1:]]
result = {"fast": fast.ENABLED, "docs": {}}
for path in paths:
    parsed = read_document(path)
    extraction = extract_document(path.stem, parsed, build_sections(path.stem, parsed), nlp)
    result["docs"][str(path)] = repr(extraction)
print(json.dumps(result))
"""


def _files(tmp_path: Path) -> list[Path]:
    """Every sample file, and every devset page as a text file without its SOURCE line."""
    from pipeline.evaluation.devset import devset_pages

    files = sorted(p for p in SAMPLES.rglob("*") if p.is_file() and p.suffix in (".pdf", ".docx", ".txt"))
    if DEVSET.is_dir():
        for doc_id, text in devset_pages(DEVSET):
            page = tmp_path / f"{doc_id}.txt"
            page.write_text(text, encoding="utf-8")
            files.append(page)
    return files


def _extract(files: list[Path], *, reference: bool) -> dict:
    env = {key: value for key, value in os.environ.items() if key != "ICSDOCS_REFERENCE"}
    if reference:
        env["ICSDOCS_REFERENCE"] = "1"
    done = subprocess.run([sys.executable, "-c", EXTRACT_ALL, *map(str, files)],
                          capture_output=True, text=True, cwd=ROOT, env=env, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def both_paths(tmp_path_factory):
    files = _files(tmp_path_factory.mktemp("devset_pages"))
    return files, _extract(files, reference=False), _extract(files, reference=True)


def test_each_path_runs_as_switched(both_paths):
    _, fast_run, reference_run = both_paths
    assert fast_run["fast"] is True
    assert reference_run["fast"] is False


def test_fast_and_reference_paths_extract_the_same(both_paths):
    files, fast_run, reference_run = both_paths
    assert len(fast_run["docs"]) == len(files) >= 15
    for path in files:
        assert fast_run["docs"][str(path)] == reference_run["docs"][str(path)], path.name


@pytest.mark.skipif(not DEVSET.is_dir(), reason="../shared/devset is absent")
def test_the_devset_pages_are_compared(both_paths):
    files, fast_run, _ = both_paths
    pages = [path for path in files if not path.is_relative_to(SAMPLES)]
    assert len(pages) == 52
    assert all(str(path) in fast_run["docs"] for path in pages)
