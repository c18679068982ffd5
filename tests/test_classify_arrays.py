"""The classifier as plain arrays (`pipeline/classify/arrays.py`): the same decisions as the skops model,
loaded without scikit-learn, scipy or skops."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from pipeline.classify.arrays import ARRAYS_FILE, SETTINGS_FILE, arrays_current, export_arrays, load_arrays
from pipeline.classify.model import MODEL_DIR, MODEL_FILE, evidence_passages, load_model, save_model
from pipeline.errors import ModelError
from pipeline.evaluation.devset import devset_pages
from pipeline.read import read_document
from pipeline.sections import build_sections

ROOT = Path(__file__).resolve().parents[1]
DEVSET = ROOT.parent / "shared" / "devset"


@pytest.fixture(scope="module")
def skops_model():
    return load_model()


@pytest.fixture(scope="module")
def array_model():
    assert arrays_current(MODEL_DIR, MODEL_DIR / MODEL_FILE), "stale model arrays: run `make train`"
    return load_arrays(MODEL_DIR)


def _passages(doc_id: str, path: Path) -> list[str]:
    parsed = read_document(path)
    texts = []
    for section in build_sections(doc_id, parsed):
        texts += [section.text[start:end] for start, end in evidence_passages(section)]
    return texts


@pytest.fixture(scope="module")
def section_passages(tmp_path_factory) -> list[str]:
    """Every passage ingest scores in the sample papers and, when it is here, the devset's 52 pages."""
    texts = [t for path in sorted((ROOT / "corpus" / "samples" / "txt").iterdir())
             for t in _passages(path.stem, path)]
    if DEVSET.is_dir():
        folder = tmp_path_factory.mktemp("devset")
        for doc_id, text in devset_pages(DEVSET):
            (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
            texts += _passages(doc_id, folder / f"{doc_id}.txt")
    return texts


def test_arrays_score_every_passage_as_the_skops_model(skops_model, array_model, section_passages):
    assert len(section_passages) > 1000
    expected, actual = skops_model.decision(section_passages), array_model.decision(section_passages)
    assert np.abs(expected - actual).max() < 1e-12
    expected, actual = skops_model.scores(section_passages), array_model.scores(section_passages)
    assert np.array_equal(expected >= 0.5, actual >= 0.5)
    assert np.abs(expected - actual).max() < 1e-12


def test_arrays_match_on_edge_texts(skops_model, array_model):
    texts = ["", "a", "of the and", "Pooled budgets", "x" * 5000, "Ünïcode ÀÉÎ 123 4567 a1 b2", "ab",
             "Café naïve\u00a0 spaces\t\ttabs — “quotes”"]
    assert np.abs(skops_model.decision(texts) - array_model.decision(texts)).max() < 1e-12
    assert array_model.scores([]).shape == (0, 17)


def test_arrays_carry_the_model_settings(skops_model, array_model):
    assert array_model.principle_ids == skops_model.principle_ids
    assert array_model.frameworks == skops_model.frameworks
    assert (array_model.method, array_model.floor) == (skops_model.method, skops_model.floor)
    assert array_model.threshold("LC_HWB") == skops_model.threshold("LC_HWB")
    assert array_model.lexicon == skops_model.lexicon


def test_arrays_load_without_pickle(tmp_path, skops_model):
    save_model(skops_model, tmp_path / MODEL_FILE)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([ARRAYS_FILE, SETTINGS_FILE, MODEL_FILE])
    with np.load(tmp_path / ARRAYS_FILE, allow_pickle=False) as npz:
        assert all(npz[key].dtype != object for key in npz.files)
    settings = json.loads((tmp_path / SETTINGS_FILE).read_text(encoding="utf-8"))
    assert [v["analyzer"] for v in settings["vectorizers"]] == ["word", "char_wb"]


def test_stale_arrays_are_not_used(tmp_path, skops_model):
    from pipeline.classify.arrays import ArrayModel
    from pipeline.classify.model import PrincipleModel, load_scorer

    save_model(skops_model, tmp_path / MODEL_FILE)
    assert isinstance(load_scorer(tmp_path), ArrayModel)
    # A retrained archive written without its arrays: ingest falls back to the archive itself.
    from skops.io import dump

    dump(replace(skops_model, floor=0.3).to_dict(), tmp_path / MODEL_FILE)
    assert not arrays_current(tmp_path, tmp_path / MODEL_FILE)
    scorer = load_scorer(tmp_path)
    assert isinstance(scorer, PrincipleModel) and scorer.floor == 0.3


def test_export_refuses_a_vectoriser_it_cannot_reproduce(tmp_path, skops_model):
    import copy

    model = copy.deepcopy(skops_model)
    model.vectorizer.transformer_list[1][1].set_params(strip_accents="ascii")
    (tmp_path / MODEL_FILE).write_bytes(b"")
    refused = r"vectoriser 'char': unsupported settings \{'strip_accents': 'ascii'\}"
    with pytest.raises(ModelError, match=refused):
        export_arrays(model, tmp_path / MODEL_FILE)


CHECK_IMPORTS = """
import sys
from pathlib import Path
from pipeline.ingest import Task, ingest, load_stages, process_document
stages = load_stages()
result = process_document(Task(sys.argv[1], "one", "", None), stages)
assert result.status == "ok" and result.labels, result
summary = ingest([sys.argv[1]], db_path=Path(sys.argv[2]), workers=1)
assert summary.by_status == {"ok": 1}, summary
print(sorted(m for m in sys.modules if m.split(".")[0] in ("sklearn", "scipy", "skops")))
"""


def test_ingest_imports_no_scikit_learn(tmp_path):
    paper = sorted((ROOT / "corpus" / "samples" / "txt").iterdir())[0]
    done = subprocess.run([sys.executable, "-c", CHECK_IMPORTS, str(paper), str(tmp_path / "one.duckdb")],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"


def test_grouped_phrase_pattern_finds_what_the_flat_alternation_finds():
    import re

    from pipeline.classify.model import phrase_pattern
    from pipeline.datafiles import read_yaml

    data = read_yaml("domain.yaml")
    phrases = sorted((str(p) for p in data["terms"]), key=len, reverse=True)
    flat = re.compile(r"\b(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases) + r")\b",
                      re.IGNORECASE)
    texts = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "corpus/samples/txt").iterdir())]
    texts.append("Adult  Social\nCare, NHS-led well being; primary carers and Place-Based Lead")
    for text in texts:
        assert [m.span() for m in phrase_pattern(phrases).finditer(text)] == \
            [m.span() for m in flat.finditer(text)]
    assert len(phrase_pattern(phrases).findall(texts[-1])) == 5
