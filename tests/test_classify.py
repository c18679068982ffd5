"""Principle classification: codebook, labels, model file safety, classification and training."""

from __future__ import annotations

import csv
import json
import zipfile
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from skops.io import dump

from pipeline.classify.codebook import load_codebooks
from pipeline.classify.labels import build_labels_from_gold, read_label_file
from pipeline.classify.model import (
    MODEL_DIR,
    MODEL_FILE,
    classify_sections,
    domain_rate,
    load_model,
    save_model,
)
from pipeline.classify.review import import_review
from pipeline.classify.train import train
from pipeline.errors import CodebookError, ModelError
from pipeline.records import Block, ParsedDocument, PlacedBlock, Section

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
GOLD = SHARED / "gold"
SEEDS = SHARED / "corpus" / "seeds"
needs_gold = pytest.mark.skipif(not GOLD.is_dir() or not SEEDS.is_dir(),
                                reason="needs ../shared gold and seeds")

CONTRACT_IDS = {
    "LC_NEIGHBOURHOODS", "LC_LOCALITY_BOARD", "LC_PLACE_LEAD", "LC_ACCOUNTABILITY", "LC_PRIORITIES_FUNDING",
    "LC_CLINICAL_LEADERSHIP", "LC_CCG_STAFF", "LC_HWB", "LC_PROVIDER_ALLIANCE",
    "DP_BOLD_TRANSFORMATION", "DP_ALIGNED_INCENTIVES", "DP_SHARED_STEWARDSHIP", "DP_PROVIDER_LEADERSHIP",
    "ICS_POPULATION_HEALTH", "ICS_INEQUALITIES", "ICS_VALUE", "ICS_SOCIAL_ECONOMIC",
}
GOLD_POSITIVES = {
    "LC_NEIGHBOURHOODS": 35, "LC_LOCALITY_BOARD": 36, "LC_PLACE_LEAD": 14, "LC_ACCOUNTABILITY": 23,
    "LC_PRIORITIES_FUNDING": 42, "LC_CLINICAL_LEADERSHIP": 26, "LC_CCG_STAFF": 33, "LC_HWB": 14,
    "LC_PROVIDER_ALLIANCE": 34, "DP_BOLD_TRANSFORMATION": 32, "DP_ALIGNED_INCENTIVES": 16,
    "DP_SHARED_STEWARDSHIP": 45, "DP_PROVIDER_LEADERSHIP": 35, "ICS_POPULATION_HEALTH": 45,
    "ICS_INEQUALITIES": 27, "ICS_VALUE": 29, "ICS_SOCIAL_ECONOMIC": 22,
}


@pytest.fixture(scope="session")
def model():
    loaded = load_model()
    assert loaded is not None, f"no committed model in {MODEL_DIR}; run `icsdocs train`"
    return loaded


def one_section_document(text: str) -> tuple[ParsedDocument, list[Section]]:
    heading = "Item 5: Update"
    full = f"{heading}\n\n{text}"
    blocks = (
        PlacedBlock(Block(kind="heading", text=heading, page=1), 0, len(heading)),
        PlacedBlock(Block(kind="paragraph", text=text, page=2), len(heading) + 2, len(full)),
    )
    parsed = ParsedDocument(path="made_up.txt", format="text", n_pages=2, text=full, blocks=blocks)
    start = len(heading) + 2
    section = Section(doc_id="made_up", section_id="s0001", ordinal=1, parent_id=None, heading=heading,
                      heading_path=(heading,), level=1, kind="body", text=text, page_start=2, page_end=2,
                      char_start=start, char_end=len(full))
    return parsed, [section]


def test_codebook_has_exactly_the_contract_ids():
    principles = load_codebooks()
    assert [p.principle_id for p in principles if p.principle_id in CONTRACT_IDS] == [
        p.principle_id for p in principles
    ]
    assert {p.principle_id for p in principles} == CONTRACT_IDS
    assert len(principles) == 17
    assert Counter(p.framework for p in principles) == {"gm_locality": 9, "gm_design": 4, "ics_purposes": 4}


def test_codebook_error_on_malformed_yaml(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("framework: extra\nprinciples: [\n  - id: X_ONE\n", encoding="utf-8")
    message = r"bad\.yaml: invalid YAML at line 3, column 3: expected the node content, but found '-'"
    with pytest.raises(CodebookError, match=message):
        load_codebooks([bad])


def test_codebook_error_on_missing_definition(tmp_path):
    bad = tmp_path / "extra.yaml"
    bad.write_text("framework: extra\nprinciples:\n  - id: X_ONE\n    name: One\n", encoding="utf-8")
    with pytest.raises(CodebookError,
                       match=r"extra\.yaml: framework extra, principle #1: 'definition' is missing"):
        load_codebooks([bad])


def test_a_new_framework_is_a_new_file(tmp_path):
    extra = tmp_path / "extra.yaml"
    extra.write_text(
        "framework: extra\nprinciples:\n  - id: X_ONE\n    name: One\n    definition: The first.\n"
        "    phrases: [first thing]\n",
        encoding="utf-8",
    )
    from pipeline.classify.codebook import codebook_paths

    principles = load_codebooks([*codebook_paths(), extra])
    assert len(principles) == 18
    assert principles[-1].framework == "extra"
    assert principles[-1].phrases == ("first thing",)


def test_model_round_trip(tmp_path, model):
    save_model(model, tmp_path / MODEL_FILE)
    again = load_model(tmp_path)
    texts = ["Pooled budgets under a section 75 agreement.", "Saturday opening hours."]
    assert np.array_equal(again.scores(texts), model.scores(texts))
    assert np.array_equal(again.scores(texts, [0, 0]), model.scores(texts, [0, 0]))
    assert again.principle_ids == model.principle_ids
    assert again.context_weight == model.context_weight > 0


def test_a_passage_is_read_with_its_neighbours_in_the_same_section_only():
    from pipeline.classify.model import in_context

    z = np.array([[2.0], [0.0], [-1.0], [4.0], [1.0]])
    owners = [0, 0, 0, 1, 2]  # sections: three passages, then one, then one
    out = in_context(z, owners, 0.5)
    # the middle passage gains from its better neighbour (2.0), not from the next section's 4.0
    assert out[:, 0].tolist() == [2.0, 1.0, -1.0, 6.0, 1.5]
    assert np.array_equal(in_context(z, owners, 0.0), z)


def test_model_file_with_untrusted_type_is_refused(tmp_path):
    from sklearn.linear_model import LogisticRegression

    dump({"vectorizer": LogisticRegression()}, tmp_path / MODEL_FILE, compression=zipfile.ZIP_DEFLATED)
    untrusted = r"untrusted types \['sklearn\.linear_model\._logistic\.LogisticRegression'\]"
    with pytest.raises(ModelError, match=untrusted):
        load_model(tmp_path)


def test_missing_model_is_none(tmp_path):
    assert load_model(tmp_path) is None


def test_made_up_passage_gets_its_principle(model):
    text = ("The Oldham Locality Board will hold pooled budgets under a section 75 agreement with the "
            "council, and will decide how funding flows to the providers in the borough.")
    parsed, sections = one_section_document(text)
    labels = {label.principle_id: label for label in classify_sections(model, parsed, sections)}
    funding = labels["LC_PRIORITIES_FUNDING"]
    assert funding.score >= model.threshold("LC_PRIORITIES_FUNDING")
    assert funding.evidence_text == text
    assert parsed.text[funding.evidence_start:funding.evidence_end] == text
    assert funding.page == 2
    assert funding.framework == "gm_locality"
    assert funding.method == "tfidf-lex-lr-v2"


def test_codebook_lexicon_comes_from_the_codebook_and_scores_its_wording():
    from pipeline.classify.lexicon import build_lexicon, lexical_features

    principles = load_codebooks()
    lexicon = build_lexicon(principles)
    ids = [p.principle_id for p in principles]
    assert len(lexicon) == 17
    # Words every principle shares weigh less than a principle's own; phrase pairs weigh more than words.
    hwb = lexicon[ids.index("LC_HWB")]
    assert hwb["wellbe_board"] > hwb["wellbe"]
    features = lexical_features(["The pooling of budgets under a section 75 agreement.",
                                 "The library opening hours on Saturdays will change."], lexicon)
    assert features.shape == (2, 17)
    assert features[0].argmax() == ids.index("LC_PRIORITIES_FUNDING")
    assert features[1].max() < features[0].max() / 2  # only a shared word ("change")


def test_model_archive_holds_only_trusted_types(model, tmp_path):
    from pipeline.classify.model import TRUSTED_TYPES, archive_types

    save_model(model, tmp_path / MODEL_FILE)
    assert archive_types(tmp_path / MODEL_FILE) <= set(TRUSTED_TYPES)
    assert model.lexicon and model.lexical_weights is not None


def test_unrelated_passage_is_below_every_threshold(model):
    parsed, sections = one_section_document("The library opening hours on Saturdays will change.")
    labels = classify_sections(model, parsed, sections)
    assert [lab.principle_id for lab in labels if lab.score >= model.threshold(lab.principle_id)] == []


def test_cover_sheets_and_tiny_sections_are_skipped(model):
    parsed, sections = one_section_document("Pooled budgets under a section 75 agreement with the council.")
    from dataclasses import replace

    assert classify_sections(model, parsed, [replace(sections[0], kind="cover_sheet")]) == []
    assert classify_sections(model, parsed, [replace(sections[0], text="Section 75")]) == []
    assert classify_sections(None, parsed, sections) == []


def test_a_heading_alone_is_not_classified_but_its_body_is():
    from dataclasses import replace

    from pipeline.classify.model import classifiable

    _, sections = one_section_document("The pooled fund covers community equipment and reablement.")
    heading = "Draft Integrated Care Partnership Terms of Reference"
    alone = replace(sections[0], heading=heading, heading_path=(heading,), text=f"**{heading}**\n")
    assert not classifiable(alone)
    assert classifiable(replace(alone, text=f"{heading}\n\nThe partnership meets quarterly in public."))
    assert classifiable(replace(alone, heading=None, heading_path=()))


def test_principle_rows_for_the_principles_table(model):
    rows = model.principle_rows()
    assert len(rows) == 17
    assert {row[1] for row in rows} == CONTRACT_IDS
    assert {row[4] for row in rows} == {0.5}


@needs_gold
def test_labels_from_gold_have_positives_for_every_principle(tmp_path):
    out = tmp_path / "gold_passages.csv"
    n = build_labels_from_gold(GOLD, SEEDS, out)
    rows = read_label_file(out)
    assert n == len(rows) == 13823
    positives = Counter(row.principle_id for row in rows if row.label == 1)
    assert dict(positives) == GOLD_POSITIVES
    assert {row.doc_id for row in rows} == {p.stem for p in GOLD.glob("*.json")}
    assert all("**" not in row.text for row in rows)


def test_review_import_turns_verdicts_into_labels(tmp_path):
    from datetime import date

    review = tmp_path / "review.csv"
    with open(review, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("doc_id", "section_id", "heading", "text", "principle_id", "score", "verdict",
                         "other_principle_id"))
        writer.writerow(("d1", "s1", "", "Pooled budget text.", "LC_PRIORITIES_FUNDING", "0.51", "agree", ""))
        writer.writerow(("d1", "s2", "", "Opening hours.", "ICS_VALUE", "0.49", "disagree", ""))
        writer.writerow(("d1", "s3", "", "HWB text.", "ICS_POPULATION_HEALTH", "0.5", "other", "LC_HWB"))
        writer.writerow(("d1", "s4", "", "Not reviewed.", "ICS_VALUE", "0.5", "", ""))
    out = import_review(review, tmp_path / "labels", today=date(2026, 1, 2))
    assert out.name == "review_2026-01-02.csv"
    assert [(r.text, r.principle_id, r.label) for r in read_label_file(out)] == [
        ("Pooled budget text.", "LC_PRIORITIES_FUNDING", 1),
        ("Opening hours.", "ICS_VALUE", 0),
        ("HWB text.", "ICS_POPULATION_HEALTH", 0),
        ("HWB text.", "LC_HWB", 1),
    ]


@needs_gold
def test_train_on_a_small_subset(tmp_path):
    labels_dir, model_dir = tmp_path / "labels", tmp_path / "models"
    full = tmp_path / "all.csv"
    build_labels_from_gold(GOLD, SEEDS, full)
    keep = {"002_dd004184d169712a", "004_c425c1ce42fc7d0f"}
    labels_dir.mkdir()
    with open(full, newline="", encoding="utf-8") as src, open(labels_dir / "gold_passages.csv", "w",
                                                              newline="", encoding="utf-8") as dst:
        reader = csv.DictReader(src)
        writer = csv.DictWriter(dst, fieldnames=reader.fieldnames)
        writer.writeheader()
        writer.writerows(row for row in reader if row["doc_id"] in keep)
    card = train(labels_dir, model_dir)  # no sections/ folder: cuts from the passages alone
    assert sorted(p.name for p in model_dir.iterdir()) == ["MODEL_CARD.md", "model_card.json",
                                                          "principles.json", "principles.npz", MODEL_FILE]
    assert card["training_data"]["documents"] == sorted(keep)
    assert set(card["thresholds"]) == CONTRACT_IDS
    assert load_model(model_dir).principle_ids == tuple(card["thresholds"])


def _annotated(docs: dict[str, tuple[list[bool], list[str]]]):
    """GoldSections of one-principle documents: per doc, whether each section holds evidence, and the
    section texts (one passage per section)."""
    from pipeline.classify.train import GoldSections

    gold = {d: np.array([[h] for h in holds]) for d, (holds, _) in docs.items()}
    return GoldSections(
        passages={d: texts for d, (_, texts) in docs.items()},
        owners={d: np.arange(len(texts)) for d, (_, texts) in docs.items()},
        gold=gold, texts={d: texts for d, (_, texts) in docs.items()},
        labels={d: g.astype(np.int8) for d, g in gold.items()},
        capped={d: np.zeros(1, dtype=bool) for d in docs},
        evidence={d: {"P": [t for h, t in zip(holds, texts, strict=True) if h]}
                  for d, (holds, texts) in docs.items()},
        sets={d: "devset" for d in docs}, assessed={d: True for d in docs})


def test_nested_cuts_come_only_from_models_that_never_saw_the_held_out_fold():
    from pipeline.classify.crossval import Scores, levels, nested_predictions

    docs = {d: ([True, False], [f"{d} pooled budget", f"{d} minutes"]) for d in ("a", "b", "c")}
    sections = _annotated(docs)
    folds = {"a": 0, "b": 1, "c": 2}
    outer = {d: np.array([[1.0], [-1.0]]) for d in docs}
    # Models without the held-out fold too score the other documents' positives at -2: the cut chosen on
    # them (below -2) lets every held-out negative through.
    inner = {(f, d): np.array([[-2.0], [-3.0]]) for f in range(3) for d in docs if folds[d] != f}
    none = np.zeros((0, 1))
    sec_z, cuts = nested_predictions(Scores(folds, outer, inner, none), sections, sorted(docs), 0.5)
    figures = levels(sec_z, cuts, sections, sorted(docs), ["P"])
    assert figures["section"]["per_principle"]["P"]["fp"] == 3
    assert figures["section"]["per_principle"]["P"]["tp"] == 3
    fair = {(f, d): outer[d] for f in range(3) for d in docs if folds[d] != f}
    sec_z, cuts = nested_predictions(Scores(folds, outer, fair, none), sections, sorted(docs), 0.5)
    assert levels(sec_z, cuts, sections, sorted(docs), ["P"])["section"]["macro_f1"] == 1.0


def test_document_decision_is_the_strongest_section_for_a_page_and_a_plan_alike():
    from pipeline.classify.crossval import choose_cuts, document_z

    page = np.array([[0.4]])  # a page of minutes: one section
    plan = np.array([[-3.0]] * 19 + [[0.4]])  # a 20-section plan whose one section says the same
    assert document_z(page)[0] == document_z(plan)[0] == 0.4
    sections = _annotated({"page": ([True], ["x"]), "plan": ([False] * 19 + [True], ["y"] * 20),
                           "other": ([False], ["z"])})
    cuts = choose_cuts({"page": page, "plan": plan, "other": np.array([[-1.0]])}, sections,
                       ["page", "plan", "other"], 0.5)
    assert -1.0 < cuts[0] <= 0.4


def test_assign_folds_spreads_the_long_papers():
    from pipeline.classify.crossval import assign_folds

    sizes = {f"long{i}": 100 + i for i in range(3)} | {f"page{i}": 3 for i in range(9)}
    folds = assign_folds(sorted(sizes), sizes, k=3, seed=1)
    assert sorted(folds[f"long{i}"] for i in range(3)) == [0, 1, 2]
    assert sorted(list(folds.values()).count(f) for f in range(3)) == [4, 4, 4]


def test_quote_overlap_needs_shared_wording_not_the_same_topic():
    from pipeline.classify.crossval import overlaps

    gold = ["The Partnership Board will hold the pooled budget for community services from April."]
    assert overlaps("hold the pooled budget for community services", gold)
    assert overlaps("The Partnership Board will hold the pooled budget for community services from April. "
                    "It will report quarterly.", gold)
    assert not overlaps("Community services will be commissioned jointly next year.", gold)
    assert not overlaps("", gold)


def test_learning_curve_rises_when_the_documents_teach_what_the_codebook_does_not():
    from pipeline.classify.codebook import Principle
    from pipeline.classify.crossval import learning_curve
    from pipeline.classify.train import TrainingSet, fit

    principles = [Principle("T", "P", "Ferries", "Boats on the river."),
                  Principle("T", "Q", "Kites", "Flying kites in the park.")]
    # The documents call ferries "tugs" and kites "gliders": words the codebook never uses.
    texts = {d: [f"The {d} tug pulls barges along the quay.", f"The {d} glider rides the thermals.",
                 f"The {d} committee approved the minutes."] for d in ("a", "b", "c")}
    gold = np.array([[True, False], [False, True], [False, False]])
    rows = [(d, text, gold[i].astype(np.int8)) for d, ts in texts.items() for i, text in enumerate(ts)]
    codebook = [("Ferries. Boats on the river.", [1, 0]), ("Kites. Flying kites in the park.", [0, 1])]
    data = TrainingSet(tuple([t for _, t, _ in rows] + [t for t, _ in codebook]),
                       tuple([d for d, _, _ in rows] + [None, None]),
                       np.vstack([y for _, _, y in rows] + [np.array(y, dtype=np.int8) for _, y in codebook]),
                       np.ones(len(rows) + 2), ("passage",) * len(rows) + ("codebook",) * 2)
    held = _annotated({d: ([True, False, False], ts) for d, ts in texts.items()})
    held = replace(held, gold={d: gold for d in texts})
    curve = learning_curve(data, principles, held, {"a": 0, "b": 1, "c": 2}, fit)
    points = curve["points"]
    assert [pt["training_folds"] for pt in points] == [0, 1, 2]
    assert points[2]["section_average_precision"] == 1.0
    assert points[0]["section_average_precision"] < 1.0


def test_domain_rate_counts_health_and_care_words_not_health_and_safety():
    assert domain_rate("The NHS trust and the council's adult social care team met patients.") > 200
    assert domain_rate("A health and safety inspection of the library found no issues.") == 0
    assert domain_rate("") == 0


def test_long_paper_outside_health_and_care_is_not_classified(model):
    planning = ("The Framework sets out a presumption in favour of sustainable development, and the "
                "economic, social and environmental roles of the planning system. The appeal site lies in "
                "the Green Belt, where the proposal would reduce openness and harm the village. "
                "Value for money, local jobs and growth were argued for the scheme by the appellant. ") * 6
    parsed, sections = one_section_document(planning)
    assert len(planning.split()) >= 300
    assert classify_sections(model, parsed, sections) == []
    # the same paper cut to a few sentences is classified: too short to judge its subject
    short = planning[: planning.index("Value for money")]
    parsed, sections = one_section_document(short)
    assert classify_sections(model, parsed, sections) != []


def test_the_health_item_of_minutes_outside_health_and_care_is_classified(model, tmp_path):
    from pipeline.read import read_document
    from pipeline.sections import build_sections

    planning = ("The committee considered the appeal on the Green Belt site and the presumption in favour of "
                "sustainable development, the economic and social roles of the planning system, and the "
                "value for money of the highways scheme. ") * 40
    health = ("The Cabinet Member for Adult Social Care presented the section 75 agreement with the NHS "
              "integrated care board: a pooled budget for community health and social care services, "
              "neighbourhood teams around primary care networks, and the Health and Wellbeing Board's "
              "oversight of the place-based partnership.")
    paper = tmp_path / "cabinet-minutes.md"
    paper.write_text(f"# 4. Planning appeals\n\n{planning}\n\n# 5. Health and care integration\n\n{health}\n",
                     encoding="utf-8")
    parsed = read_document(paper)
    sections = build_sections("cabinet", parsed)
    assert len(parsed.text.split()) >= 300 and domain_rate(parsed.text) < 10
    labelled = {label.section_id for label in classify_sections(model, parsed, sections)}
    assert labelled == {s.section_id for s in sections if s.heading == "5. Health and care integration"}


def test_contents_references_links_and_acknowledgements_are_never_evidence():
    from pipeline.classify.model import non_evidence_heading, non_evidence_line, non_evidence_passage

    for heading in ("Contents", "4. References", "Useful links", "Table of figures", "Acknowledgements",
                    "B. Glossary of terms"):
        assert non_evidence_heading(heading), heading
    for heading in ("Our neighbourhood model", "5. Pooled budgets", "Health and Wellbeing Board"):
        assert not non_evidence_heading(heading), heading
    for line in ("3. Neighbourhood working ........ 14",
                 "2.4 Governance of the partnership 9",
                 "Patel, R. and Okafor, N. (2021) Place-based partnerships in practice. Leeds: NHS Confed.",
                 "Place partnerships guidance https://www.example.org.uk/guidance",
                 "We would like to thank colleagues in primary care for their help."):
        assert non_evidence_line(line) and non_evidence_passage(line), line
    for line in ("Adults Committee - Tuesday, 14th March, 2023 2.00 pm",
                 "Meeting: 03/02/2022 - Cabinet (Item 7)",
                 "The Committee is recommended to:"):
        assert non_evidence_passage(line) and not non_evidence_line(line), line
    for line in ("The Partnership Board will hold a pooled budget of £80m for community services.",
                 "Neighbourhood teams of 30,000 to 50,000 people are built around primary care networks.",
                 "The following services transfer to the alliance from April 2024 under the agreement:",
                 "The board met on Tuesday 4 June and agreed the pooled budget."):
        assert not non_evidence_passage(line), line


def test_a_bare_heading_line_is_not_a_quote_but_a_short_statement_is():
    from pipeline.classify.model import heading_like

    assert heading_like("Mental health and wellbeing")
    assert heading_like("3. Our priorities")
    assert heading_like("Integrated neighbourhood working", ("Plan", "Integrated neighbourhood working"))
    assert not heading_like("Convening a clinical and professional senate")
    assert not heading_like("GPs lead the neighbourhood teams.")


def test_sections_that_cannot_be_evidence_give_no_passage():
    from pipeline.classify.model import evidence_passages

    _, (body,) = one_section_document("x")
    references = replace(body, heading="References", heading_path=("Plan", "References"),
                         text="The King's report on place-based partnerships, 2021, was consulted.")
    assert evidence_passages(references) == ()
    entry = replace(body, heading="Okafor, N.", heading_path=("Plan", "Bibliography", "Okafor, N."),
                    text="Okafor, N. 2019. Neighbourhood teams and the locality board. Manchester.")
    assert evidence_passages(entry) == ()
    # A plan the sectioner put under its contents page is still read; the contents page itself is not.
    under_contents = replace(body, heading="A. Background", heading_path=("Contents", "A. Background"),
                             text="The locality board will agree a pooled budget for reablement services.")
    assert evidence_passages(under_contents) != ()
    assert evidence_passages(replace(under_contents, heading="Contents", heading_path=("Contents",))) == ()
    contents = replace(body, heading=None, heading_path=(), text=(
        "1. Introduction 3\n2. Our neighbourhoods 5\n3. Pooled budgets and the locality board 8\n"
        "4. Clinical leadership 11\n"))
    assert evidence_passages(contents) == ()
    text = "Wellbeing and prevention\nThe locality board will agree a pooled budget for reablement services."
    plan = replace(body, heading="Our plan", heading_path=("Our plan",), text=text)
    spans = evidence_passages(plan)
    assert [text[s:e] for s, e in spans] == [
        "The locality board will agree a pooled budget for reablement services."]


def test_assessment_separates_outside_health_and_care_from_no_text(model):
    from pipeline.classify.model import assessment

    planning = ("The planning committee refused the application for forty homes on the Green Belt site, "
                "finding harm to openness and to the setting of the listed mill. The applicant may "
                "appeal. ") * 5
    parsed, sections = one_section_document(planning)
    assert len(planning.split()) >= 120
    assert assessment(parsed, sections) == "outside_domain"
    assert classify_sections(model, parsed, sections) == []
    health = "The integrated care board and the council agreed a pooled budget for community health services."
    parsed, sections = one_section_document(health)
    assert assessment(parsed, sections) == "assessed"
    parsed, sections = one_section_document("Contents\n1. Introduction 3\n2. Finance 7\n3. Risks 9\n")
    assert assessment(parsed, sections) == "no_text"


def test_devset_pages_lose_their_provenance_line(tmp_path):
    from pipeline.classify.labels import devset_documents, text_rows
    from pipeline.evaluation.devset import page_text

    assert page_text("SOURCE: https://example.org/a\n\nMinutes\nText.\n") == "Minutes\nText.\n"
    assert page_text("Minutes\nSOURCE: not provenance\n") == "Minutes\nSOURCE: not provenance\n"
    (tmp_path / "docs").mkdir()
    (tmp_path / "gold").mkdir()
    page = "The Locality Board agreed to pool the budgets for community care from next April onwards.\n"
    (tmp_path / "docs" / "dev_x_01.txt").write_text(f"SOURCE: https://example.org/x\n\n{page}",
                                                    encoding="utf-8")
    principles = {"LC_LOCALITY_BOARD": {"present": True, "evidence": [page.strip()]}}
    (tmp_path / "gold" / "dev_x_01.json").write_text(json.dumps({"principles": principles}), encoding="utf-8")
    [(doc_id, gold, text)] = devset_documents(tmp_path)
    assert (doc_id, text) == ("dev_x_01", page)
    rows = text_rows(gold, text, ["LC_LOCALITY_BOARD", "LC_HWB"], doc_id)
    assert [(offset, labels) for offset, _, labels in rows] == [(0, {"LC_LOCALITY_BOARD": 1, "LC_HWB": 0})]


def test_an_attendance_list_is_neither_evidence_nor_the_papers_subject():
    from pipeline.classify.model import attendance_line, non_evidence_passage

    present = ("Present: Councillor Hale (Chair), Councillor Ibbotson, Councillor Moss; Director of Public "
               "Health; Director of Adult Social Care; Chief Nurse of the integrated care board")
    assert attendance_line(present) and non_evidence_passage(present)
    assert attendance_line("Apologies for absence were received from the Chief Officer of the CCG.")
    assert not attendance_line("The Director of Public Health presented the pooled budget for prevention.")
    assert not attendance_line("Councillor Hale asked how the neighbourhood teams would be staffed.")
    cabinet = "\n".join([present] + ["The Cabinet approved the leisure centre refurbishment and the "
                                     "new bus lane on the ring road, within the capital budget."] * 12)
    assert len(cabinet.split()) >= 120
    assert domain_rate(cabinet) < 10
    assert domain_rate("The Director of Public Health and the Chief Nurse presented the care plan.") > 10


def test_a_paper_outside_health_and_care_is_not_assessed_rather_than_not_evidenced(tmp_path):
    import duckdb

    from pipeline.ingest import ingest

    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "licensing.txt").write_text(
        "Licensing Sub-Committee\n\n" + "The sub-committee heard the application for a premises licence for "
        "the wine bar on the market square, with late opening on Fridays and Saturdays. Residents objected "
        "to noise and the police asked for door staff after ten. The licence was granted with conditions. "
        * 5, encoding="utf-8")
    (folder / "plan.txt").write_text(
        "Locality plan\n\nThe integrated care board and the council will hold a pooled budget for community "
        "health and social care, overseen by the Locality Board, with neighbourhood teams built around "
        "primary care networks.\n", encoding="utf-8")
    manifest = folder.parent / "manifest.csv"
    manifest.write_text("path,locality,doc_type\nlicensing.txt,Leigh,minutes\nplan.txt,Hyde,plan\n",
                        encoding="utf-8")
    db = tmp_path / "db.duckdb"
    ingest([folder], db_path=db, workers=1, timeout=60, extract=False, manifest_path=manifest)
    con = duckdb.connect(str(db), read_only=True)
    try:
        status = dict(con.execute("SELECT filename, principles_status FROM documents").fetchall())
        cells = con.execute("SELECT DISTINCT locality, status, not_assessed_because FROM locality_principles "
                            "WHERE locality = 'Leigh'").fetchall()
        doc_cells = con.execute("SELECT DISTINCT d.status FROM doc_principles d JOIN documents USING "
                                "(doc_id) WHERE filename = 'licensing.txt'").fetchall()
        hyde = {s for (s,) in con.execute("SELECT status FROM locality_principles WHERE locality = 'Hyde'")
                .fetchall()}
    finally:
        con.close()
    assert status == {"licensing.txt": "outside_domain", "plan.txt": "assessed"}
    assert cells == [("Leigh", "not assessed", "outside health and care")]
    assert doc_cells == [("not assessed",)]
    assert "not assessed" not in hyde and "evidenced" in hyde
