"""The extraction gazetteers and pattern files go through the one data-file loader: a malformed line is an
error naming the file and line, never a row dropped or a parser traceback."""
from __future__ import annotations

import shutil

import pytest

from pipeline import datafiles
from pipeline.errors import DataFileError
from pipeline.extract import nlp


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    shutil.copytree(datafiles.DATA_DIR, folder)
    monkeypatch.setattr(datafiles, "DATA_DIR", folder)
    nlp.gazetteers.cache_clear()
    yield folder
    nlp.gazetteers.cache_clear()


def test_a_pattern_line_that_is_not_json_names_its_file_and_line(data_copy):
    (data_copy / "trial.jsonl").write_text('# a comment\n{"label": "BODY", "pattern": "Forum"}\n'
                                           '{"label": "BODY", "pattern": \n', encoding="utf-8")
    with pytest.raises(DataFileError, match=r"trial\.jsonl:3: not JSON"):
        datafiles.read_jsonl("trial.jsonl")


def test_a_pattern_line_that_is_a_list_is_refused(data_copy):
    (data_copy / "trial.jsonl").write_text('["BODY", "Forum"]\n', encoding="utf-8")
    with pytest.raises(DataFileError, match=r"trial\.jsonl:1: not a JSON object"):
        datafiles.read_jsonl("trial.jsonl")


def test_good_pattern_lines_are_read_with_comments_and_blanks_left_out(data_copy):
    (data_copy / "trial.jsonl").write_text('\n# note\n{"label": "ROLE", "pattern": "Warden"}\n',
                                           encoding="utf-8")
    assert datafiles.read_jsonl("trial.jsonl") == [{"label": "ROLE", "pattern": "Warden"}]


def test_a_body_alias_without_its_canonical_name_stops_extraction_with_file_and_line(data_copy):
    with (data_copy / "bodies.csv").open("a", encoding="utf-8") as handle:
        handle.write(",Fenby Health Forum,partnership,local\n")
    lines = (data_copy / "bodies.csv").read_text(encoding="utf-8").splitlines()
    with pytest.raises(DataFileError, match=rf"bodies\.csv:{len(lines)}: no canonical"):
        nlp.gazetteers()


def test_a_place_row_with_a_stray_comma_stops_extraction_with_file_and_line(data_copy):
    with (data_copy / "places.csv").open("a", encoding="utf-8") as handle:
        handle.write("Fenby, Magna,town,Fenby,North West,Lancashire\n")
    with pytest.raises(DataFileError, match=r"places\.csv:\d+: more cells than the header"):
        nlp.gazetteers()
