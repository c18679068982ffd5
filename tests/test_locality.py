"""Locality inference: the paper's own place from layout cues and weighted mentions, never a place it only
discusses; `locality_source` says why."""

import shutil

import pytest

from pipeline.errors import DataFileError
from pipeline.locality import Place, infer_locality, locality_evidence


def test_council_in_heading_beats_gm_wide_subject():
    # A locality's own paper about a GM-wide body: the issuing council wins over the many GM mentions.
    text = ("Trafford Council - Executive Decision\n\nThe Executive Member agreed to join the Greater "
            "Manchester joint committee. Greater Manchester partners and the Greater Manchester "
            "Combined Authority will host it; Greater Manchester officers will report on Greater "
            "Manchester progress in Greater Manchester.")
    locality, source = infer_locality(text)
    assert locality == "Trafford"
    assert "Trafford is the issuing body" in source


def test_gm_wide_paper_without_a_locality_cue():
    text = ("Greater Manchester Joint Commissioning Board\n\nPartners across Greater Manchester agreed the "
            "Greater Manchester workforce plan for Greater Manchester.")
    assert infer_locality(text)[0] == "Greater Manchester"


def test_town_counts_for_its_authority():
    text = "Venue: Main Hall, The Guildhall, Grimsby\n\nThe board reviewed respite care in Cleethorpes."
    assert infer_locality(text)[0] == "North East Lincolnshire"


def test_venue_town_hall_names_the_locality():
    text = "Scrutiny Panel\n\nVenue: Committee Room 3, Wigan Town Hall\n\nMembers noted the housing update."
    locality, source = infer_locality(text)
    assert locality == "Wigan"
    assert "venue" in source


def test_council_email_names_the_locality():
    text = "Licensing Sub-Committee\n\nContact: Pat Lee, committee.team@southwark.gov.uk\n\nItem 1: apologies"
    locality, source = infer_locality(text)
    assert locality == "Southwark"
    assert "e-mail" in source


def test_first_council_named_is_the_owner():
    # Its partner councils are named more often, but the paper is the county council's.
    text = ("Cabinet\n\nReport seeking approval for Norfolk County Council to share a public health team "
            "with Suffolk County Council. Suffolk residents and Suffolk services benefit; Suffolk agreed.")
    assert infer_locality(text)[0] == "Norfolk"


def test_joint_name_counts_for_its_first_place():
    # A partnership named after two places, led from the first: its cues count for the first.
    text = ("Update on the Leicester and Rutland Care Partnership\n\nThe Leicester and Rutland CCG area "
            "covers both. Rutland residents were consulted; Rutland surgeries took part.")
    locality, source = infer_locality(text)
    assert locality == "Leicester"


def test_footprint_joining_two_even_places():
    # Neither place outweighs the other and a known footprint joins them: the footprint is the locality.
    # (the footprint's own mention counts for its first place, Derby: 3 + 3 against Derbyshire's 3 + 3)
    text = ("Joint Forum\n\nDerby officers and Derbyshire officers met. Derby and Derbyshire partners agreed "
            "that Derbyshire would host the plan.")
    locality, source = infer_locality(text)
    assert locality == "Derby and Derbyshire"
    assert "joins the two leading places" in source


def test_two_even_places_without_a_footprint_stay_undecided():
    text = "Joint Forum\n\nYork officers and Leeds officers met. York and Leeds partners agreed a plan."
    assert infer_locality(text)[0] is None


def test_town_council_names_its_town():
    text = ("Minutes of the Finance Committee of Penfold Town Council held at the Guildhall.\n\n"
            "Cornwall Council had written about Cornwall highways; Cornwall officers will attend.")
    locality, source = infer_locality(text)
    assert locality == "Penfold"
    assert "town council" in source


def test_district_town_counts_for_its_county():
    # No issuing body is named: a district town is evidence for its county too.
    text = "Trust Board meeting in public, held at the Conference Centre, Basingstoke. Hampshire services."
    assert infer_locality(text)[0] == "Hampshire"


def test_district_council_paper_stays_with_the_district():
    text = ("Test Valley Borough Council - Cabinet\n\nThe Cabinet noted the Hampshire waste strategy and "
            "Hampshire highways plans for Hampshire.")
    assert infer_locality(text)[0] == "Test Valley"


@pytest.mark.parametrize("text", [
    "Minutes of the Planning Committee. The committee approved three applications.",  # no place at all
    "Reading the report, members noted that the Sale of the depot in March had gone ahead.",  # words only
])
def test_no_place(text):
    assert infer_locality(text) == (None, "inferred: no known place mentioned")


def test_no_dominant_place_between_two_equal_localities():
    text = "A joint visit: officers from Bolton and from Wigan met. Bolton and Wigan will report back."
    locality, source = infer_locality(text)
    assert locality is None
    assert source.startswith("inferred: no dominant place")


def test_evidence_records_its_cues():
    evidence = locality_evidence("NHS Sefton CCG Governing Body\n\nThe Governing Body met in Bootle.")
    assert evidence.owner == "Sefton"
    assert evidence.cues["Sefton"] == ["NHS body"]
    assert evidence.scores["Sefton"] == 3 + 5 + 3 + 10  # a head mention, the cue, Bootle, the owner bonus


def test_ambiguous_name_counts_only_before_a_cue():
    locality, source = infer_locality("Reading Borough Council approved the plan for Reading.")
    assert locality == "Reading"
    assert infer_locality("Venue: Town Hall, High Street\n\nReading the minutes took an hour.") == (
        None, "inferred: no known place mentioned")


@pytest.mark.parametrize(("text", "expected"), [
    ("Board of Directors\n\nThe Wigan and Leigh Teaching Hospitals NHS Foundation Trust board met.", "Wigan"),
    ("Cabinet\n\nA decision of the London Borough of Merton on adult social care.", "Merton"),
    ("Executive\n\nCity of Bradford Metropolitan District Council agreed the budget.", "Bradford"),
])
def test_more_issuing_bodies(text, expected):
    locality, source = infer_locality(text)
    assert locality == expected
    assert f"{expected} is the issuing body" in source


# --- the gazetteer and cue files are read by pipeline/datafiles.py, with file and line in errors ---------


@pytest.fixture()
def data_copy(tmp_path, monkeypatch):
    from pipeline import datafiles, locality

    data = tmp_path / "data"
    shutil.copytree(datafiles.DATA_DIR, data)
    monkeypatch.setattr(datafiles, "DATA_DIR", data)
    for cached in (locality.load_places, locality.locality_rules, locality._doc_type_rules):
        cached.cache_clear()
    yield data
    for cached in (locality.load_places, locality.locality_rules, locality._doc_type_rules):
        cached.cache_clear()


def _append(path, line: str) -> int:
    text = path.read_text(encoding="utf-8")
    path.write_text(text + line + "\n", encoding="utf-8")
    return text.count("\n") + 1


def test_a_place_added_to_the_copied_gazetteer_is_read(data_copy):
    from pipeline.locality import load_places

    _append(data_copy / "places.csv", "Ambridge,town,Borsetshire,West Midlands,")
    assert load_places()[-1] == Place("Ambridge", "town", "Borsetshire", "West Midlands", "")


@pytest.mark.parametrize("line, problem", [
    ("Ambridge,town,Borsetshire,West Midlands,,extra", "more cells than the header"),
    (",town,Borsetshire,West Midlands,", "no name"),
])
def test_a_malformed_gazetteer_line_names_the_file_and_line(data_copy, line, problem):
    from pipeline.locality import load_places

    number = _append(data_copy / "places.csv", line)
    with pytest.raises(DataFileError, match=rf"places\.csv:{number}: {problem}"):
        load_places()


def test_a_cue_that_is_no_regular_expression_is_named(data_copy):
    from pipeline.locality import locality_rules

    cues = data_copy / "locality_cues.yaml"
    text = cues.read_text(encoding="utf-8")
    cues.write_text(text.replace("  pattern: '", "  pattern: '(unclosed", 1), encoding="utf-8")
    with pytest.raises(DataFileError, match=r"locality_cues\.yaml: .*not a regular expression"):
        locality_rules()
