import json

import duckdb
import pytest

from pipeline.evaluation.entities import evaluate_extraction, format_report

GOLD = {
    "doc_id": "001_abc",
    "meeting": {"body": "Strategic Commissioning Board", "date": "2021-06-07"},
    "bodies": ["Bury Strategic Commissioning Board", "Bury Council"],
    "body_aliases": {"Bury Strategic Commissioning Board": ["Strategic Commissioning Board", "SCB"]},
    "roles": ["Chief Executive"],
    "people": [{"name": "Geoff Little"}, {"name": "Su Long"}],
    "dates": [{"raw": "07 June 2021", "iso": "2021-06-07"}, {"raw": "20th May", "iso": "2021-05-20"}],
    "places": ["Bury"],
    "money": [],
    "recommendations": ["It is recommended that the **Board** note the report."],
}


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "t.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE documents (doc_id VARCHAR, filename VARCHAR, format VARCHAR, meeting_body VARCHAR,"
        " meeting_date DATE)"
    )
    con.execute("CREATE TABLE entities (doc_id VARCHAR, label VARCHAR, text VARCHAR, norm VARCHAR)")
    con.execute("CREATE TABLE recommendations (doc_id VARCHAR, text VARCHAR)")
    con.execute(
        "INSERT INTO documents VALUES ('001_abc.txt', '001_abc.txt', 'txt', 'SCB', '2021-06-07'),"
        " ('001_abc.pdf', '001_abc.pdf', 'pdf', NULL, NULL), ('999.pdf', '999.pdf', 'pdf', NULL, NULL)"
    )
    con.executemany(
        "INSERT INTO entities VALUES (?, ?, ?, ?)",
        [
            ("001_abc.txt", "BODY", "SCB", "SCB"),
            ("001_abc.txt", "BODY", "Strategic Commissioning Board", "Bury Strategic Commissioning Board"),
            ("001_abc.txt", "BODY", "Chief Executive", "Chief Executive"),
            ("001_abc.txt", "ROLE", "chief executive", "Chief Executive"),
            ("001_abc.txt", "PERSON", "Cllr Geoff Little", "Geoff Little"),
            ("001_abc.txt", "DATE", "7th June", "2021-06-07"),
            ("001_abc.txt", "DATE", "20th May", "2021-05-20"),
            ("001_abc.txt", "DATE", "June 2021", "2021-06"),
            ("001_abc.txt", "PLACE", "Bury", "Bury"),
            ("001_abc.pdf", "PERSON", "Su Long", "Su Long"),
        ],
    )
    con.executemany(
        "INSERT INTO recommendations VALUES (?, ?)",
        [
            ("001_abc.txt", "It is recommended that the Board  note the report."),
            ("001_abc.txt", "Another item."),
        ],
    )
    con.close()
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    (gold_dir / "001_abc.json").write_text(json.dumps(GOLD))
    (gold_dir / "README.md").write_text("not gold")
    return path, gold_dir


def test_evaluate_extraction(db):
    metrics = evaluate_extraction(*db)
    assert metrics["n_documents"] == 2
    assert metrics["documents_without_gold"] == ["999.pdf"]
    txt = metrics["by_format"]["txt"]
    assert txt["BODY"] == {
        "tp": 2,
        "fp": 1,
        "fn": 1,
        "precision": 0.6667,
        "recall": 0.5,
        "f1": 0.5714,
        "gold_found": 1,
    }
    assert txt["ROLE"] == {"tp": 1, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert txt["PERSON"] == {"tp": 1, "fp": 0, "fn": 1, "precision": 1.0, "recall": 0.5, "f1": 0.6667}
    assert txt["DATE"] == {"tp": 2, "fp": 1, "fn": 0, "precision": 0.6667, "recall": 1.0, "f1": 0.8}
    assert txt["DATE_RAW"] == {"tp": 1, "fp": 2, "fn": 1, "precision": 0.3333, "recall": 0.5, "f1": 0.4}
    assert txt["recommendations"] == {
        "tp": 1,
        "fp": 1,
        "fn": 0,
        "precision": 0.5,
        "recall": 1.0,
        "f1": 0.6667,
    }
    assert txt["meeting_body"]["tp"] == 1
    assert txt["meeting_date"]["tp"] == 1
    assert txt["MONEY"] == {"tp": 0, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0, "f1": 1.0}
    pdf = metrics["by_format"]["pdf"]
    assert (pdf["PERSON"]["tp"], pdf["PERSON"]["fn"], pdf["meeting_body"]["fn"]) == (1, 1, 1)
    assert metrics["overall"]["PERSON"] == {
        "tp": 2,
        "fp": 0,
        "fn": 2,
        "precision": 1.0,
        "recall": 0.5,
        "f1": 0.6667,
    }
    assert metrics["per_document"]["001_abc.txt"]["labels"]["BODY"]["errors"] == [
        {"fp": "Chief Executive"},
        {"fn": "Bury Council"},
    ]
    report = format_report(metrics)
    assert report.splitlines()[0] == "documents scored: 2"
    assert "  PERSON            1.000  0.500  0.667     2     0     2" in report.splitlines()


def test_the_cross_validated_figures_and_learning_curve_are_printed(db):
    from pipeline.evaluation import format_all

    curve = {"points": [{"training_folds": 0, "section_average_precision": 0.61},
                        {"training_folds": 1, "section_average_precision": 0.7}]}
    text = format_all({"extraction": evaluate_extraction(*db), "principles": {"note": "no model"},
                       "principles_cross_validated": {"section": {"macro_f1": 0.5}, "learning_curve": curve}})
    assert "  section                      macro-F1 0.500" in text.splitlines()
    assert text.splitlines()[-1].endswith("trained on): 0: 0.61, 1: 0.7")


def _accuracy_db(tmp_path):
    """Three pages: a meeting found right, one found with the wrong date, one without a meeting in gold."""
    path = tmp_path / "acc.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE documents (doc_id VARCHAR, filename VARCHAR, format VARCHAR, meeting_body VARCHAR,"
        " meeting_date DATE, meeting_date_text VARCHAR, meeting_title VARCHAR, locality VARCHAR,"
        " doc_type VARCHAR)"
    )
    con.execute("CREATE TABLE entities (doc_id VARCHAR, label VARCHAR, text VARCHAR, norm VARCHAR)")
    con.execute("CREATE TABLE recommendations (doc_id VARCHAR, text VARCHAR)")
    con.execute(
        "INSERT INTO documents VALUES"
        " ('p1.txt', 'p1.txt', 'txt', 'health and wellbeing board', NULL, '2019-03', NULL,"
        "  ' north  Tyneside', 'minutes'),"
        " ('p2.txt', 'p2.txt', 'txt', 'Scrutiny Panel', '2020-01-09', '2020-01-09', 'Budget', 'Derby',"
        "  'agenda'),"
        " ('p3.txt', 'p3.txt', 'txt', 'Cabinet', NULL, NULL, 'Libraries', NULL, 'strategy'),"
        " ('p4.txt', 'p4.txt', 'txt', 'Council', NULL, NULL, 'Libraries', 'Luton', 'minutes')"
    )
    con.close()
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    golds = {
        "p1": {"meeting": {"body": "Knowsley Health and Wellbeing Board", "date": "2019-03", "title": None},
               "bodies": ["Knowsley Health and Wellbeing Board"],
               "body_aliases": {"Knowsley Health and Wellbeing Board": ["Health and Wellbeing Board"]},
               "locality": "North Tyneside", "doc_type": "minutes"},
        "p2": {"meeting": {"body": "Scrutiny Panel", "date": "2020-01-10", "title": None},
               "locality": "Derby", "doc_type": "minutes"},
        "p3": {"meeting": None, "locality": "Luton", "doc_type": "strategy"},
        "p4": {"meeting": {"body": "Council", "date": None}, "locality": "Luton", "doc_type": "minutes"},
    }
    for stem, gold in golds.items():
        (gold_dir / f"{stem}.json").write_text(json.dumps(gold))
    return path, gold_dir


def test_accuracies_count_meeting_pages_only_where_gold_states_a_meeting(tmp_path):
    metrics = evaluate_extraction(*_accuracy_db(tmp_path))
    accuracy = metrics["accuracy"]
    assert (accuracy["meeting"]["correct"], accuracy["meeting"]["total"]) == (2, 3)
    assert (accuracy["locality"]["correct"], accuracy["locality"]["total"]) == (3, 4)
    assert (accuracy["doc_type"]["correct"], accuracy["doc_type"]["total"]) == (3, 4)
    assert accuracy["meeting"]["accuracy"] == 0.6667
    # p4's gold meeting has no title field: not scored for the title
    assert (accuracy["meeting_title"]["correct"], accuracy["meeting_title"]["total"]) == (1, 2)
    assert "meeting" not in metrics["per_document"]["p3.txt"]["accuracy"]
    wrong = metrics["per_document"]["p2.txt"]["accuracy"]["meeting"]
    assert wrong == {"right": False, "predicted": {"body": "Scrutiny Panel", "date": "2020-01-09"},
                     "gold": {"body": "Scrutiny Panel", "date": "2020-01-10"}}
    assert metrics["overall"]["meeting_date"]["tp"] == 1  # the month-only text date of p1
    report = format_report(metrics)
    expected = "  doc_type          0.750     3 /   4  all scored pages"
    assert any(line.startswith(expected) for line in report.splitlines())


def test_a_meeting_body_predicted_where_gold_has_none_is_wrong(tmp_path):
    path, gold_dir = _accuracy_db(tmp_path)
    (gold_dir / "p2.json").write_text(json.dumps(
        {"meeting": {"body": None, "date": "2020-01-09", "title": "A decision"}, "locality": "Derby",
         "doc_type": "decision_record"}))
    metrics = evaluate_extraction(path, gold_dir)
    assert metrics["per_document"]["p2.txt"]["accuracy"]["meeting"]["right"] is False
    assert metrics["accuracy"]["meeting"]["correct"] == 2


def test_an_older_database_without_the_new_columns_scores_them_as_null(db):
    path, gold_dir = db
    (gold_dir / "001_abc.json").write_text(json.dumps({**GOLD, "doc_type": "board_paper"}))
    metrics = evaluate_extraction(path, gold_dir)
    assert metrics["accuracy"]["doc_type"] == {"correct": 0, "total": 2, "accuracy": 0.0,
                                               "denominator": metrics["accuracy"]["doc_type"]["denominator"]}
    assert metrics["accuracy"]["meeting"]["correct"] == 1
