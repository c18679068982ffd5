"""Where the classifier and its inputs are found: a new codebook file, a model folder named by
--models / ICSDOCS_MODELS, training inputs resolved from the project rather than the working directory."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pipeline import datafiles
from pipeline.classify import model
from pipeline.cli import main
from pipeline.ingest import ingest
from pipeline.paths import LABELS_DIR
from pipeline.progress import summary_lines
from pipeline.store import building_path

PAPER = "The Locality Board agreed the integrated neighbourhood teams plan and the pooled budget for 2023.\n"
EXTRA_CODEBOOK = """framework: ferries
principles:
  - id: FERRY_CROSSINGS
    name: Ferry crossings
    definition: Boats that carry people across the river.
"""


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture()
def papers(tmp_path: Path) -> Path:
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "minutes.txt").write_text(PAPER, encoding="utf-8")
    return folder


def test_a_new_codebook_file_is_not_classified_and_the_summary_says_to_train(tmp_path, papers, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(datafiles.DATA_DIR, data)
    (data / "codebooks" / "ferries.yaml").write_text(EXTRA_CODEBOOK, encoding="utf-8")
    monkeypatch.setattr(datafiles, "DATA_DIR", data)
    db = tmp_path / "db.duckdb"
    summary = ingest([papers], db_path=db, workers=1, extract=False)
    assert summary.untrained_principles == ("FERRY_CROSSINGS",)
    said = [line for line in summary_lines(summary, db) if "FERRY_CROSSINGS" in line]
    assert len(said) == 1 and "icsdocs train" in said[0]
    assert not building_path(db).exists()
    con = duckdb.connect(str(db), read_only=True)
    stored = {pid for (pid,) in con.execute("SELECT principle_id FROM principles").fetchall()}
    assert stored == set(model.load_model().principle_ids)
    assert con.execute("SELECT status FROM documents").fetchall() == [("ok",)]


def test_ingest_uses_the_model_folder_named_by_option_or_setting(tmp_path, papers, monkeypatch):
    chosen = tmp_path / "chosen"
    shutil.copytree(model.MODEL_DIR, chosen)
    monkeypatch.setattr(model, "MODEL_DIR", tmp_path / "no_models")
    unnamed = ingest([papers], db_path=tmp_path / "none.duckdb", workers=1, extract=False)
    assert unnamed.model_missing
    assert any(str(tmp_path / "no_models") in line and "--models" in line
               for line in summary_lines(unnamed, tmp_path / "none.duckdb"))
    named = ingest([papers], db_path=tmp_path / "named.duckdb", workers=1, extract=False, model_dir=chosen)
    assert not named.model_missing
    monkeypatch.setenv("ICSDOCS_MODELS", str(chosen))
    result = run("ingest", str(papers), "--db", str(tmp_path / "env.duckdb"), "--no-extract", "-q")
    assert result.exit_code == 0
    con = duckdb.connect(str(tmp_path / "env.duckdb"), read_only=True)
    assert con.execute("SELECT principles_status FROM documents").fetchall() == [("assessed",)]


def test_a_named_model_folder_without_a_model_is_one_line_and_writes_nothing(tmp_path, papers):
    db = tmp_path / "db.duckdb"
    result = run("ingest", str(papers), "--db", str(db), "--models", str(tmp_path / "empty"))
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("icsdocs: No trained model at ")
    assert "icsdocs train --models" in lines[0]
    assert not db.exists() and not building_path(db).exists()


def test_train_with_a_missing_labels_folder_is_one_line(tmp_path):
    result = run("train", "--labels", str(tmp_path / "nowhere"), "--models", str(tmp_path / "m"))
    assert result.exit_code == 2
    assert result.output.strip() == (f"icsdocs: No label files at {tmp_path / 'nowhere'}. Pass --labels DIR "
                                     "with the folder that holds them.")
    assert not (tmp_path / "m").exists()


def test_train_reads_the_projects_labels_from_any_folder_and_says_how_to_use_the_model(tmp_path, monkeypatch):
    labels = tmp_path / "labels"
    labels.mkdir()
    with open(LABELS_DIR / "gold_passages.csv", newline="", encoding="utf-8") as src:
        rows = list(csv.DictReader(src))
    keep = sorted({row["doc_id"] for row in rows})[:2]
    with open(labels / "gold_passages.csv", "w", newline="", encoding="utf-8") as dst:
        writer = csv.DictWriter(dst, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(row for row in rows if row["doc_id"] in keep)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # no corpus/ or models/ here
    trial = tmp_path / "trial"
    result = run("train", "--labels", str(labels), "--models", str(trial))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1] == f"model: {trial / model.MODEL_FILE}; card: {trial / 'MODEL_CARD.md'}"
    assert lines[2] == f"use it with `icsdocs ingest PATH --models {trial}` (or ICSDOCS_MODELS={trial})"
    assert model.load_model(trial) is not None
    assert not (elsewhere / "models").exists()


def test_the_training_defaults_are_the_projects_not_the_working_directorys():
    from pipeline.cli import train

    defaults = {param.name: param.default for param in train.params}
    assert defaults["labels"] == LABELS_DIR and LABELS_DIR.is_absolute() and LABELS_DIR.is_dir()


def test_evaluate_with_a_missing_gold_folder_is_one_line(tmp_path):
    result = run("evaluate", "--db", str(tmp_path / "db.duckdb"), "--gold", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert result.output.strip() == (f"icsdocs: No gold JSON files at {tmp_path / 'nowhere'}. Pass --gold "
                                     "DIR with the folder that holds them.")


def test_evaluates_gold_default_is_beside_the_project_not_the_working_directory():
    from pipeline.cli import evaluate
    from pipeline.paths import GOLD_DIR, PROJECT_ROOT

    defaults = {param.name: param.default for param in evaluate.params}
    assert defaults["gold"] == GOLD_DIR == PROJECT_ROOT.parent / "shared" / "gold"
