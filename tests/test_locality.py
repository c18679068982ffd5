"""Locality inference: the paper's own place from layout cues and weighted mentions, never a place it only
discusses; `locality_source` says why."""

import pytest

from pipeline.locality import infer_locality, locality_evidence


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


def test_joint_footprint_named_at_the_top():
    text = ("Terms of reference of the Kent and Medway Partnership Board\n\nKent County Council and Medway "
            "Council will each appoint two members. Kent residents make up most of the population.")
    locality, source = infer_locality(text)
    assert locality == "Kent and Medway"
    assert "named at the top" in source


def test_joint_footprint_mentioned_late_does_not_win():
    text = ("Kent County Council Cabinet\n\nThe Cabinet discussed adult social care in Kent. Kent teams will "
            "work with Kent partners. " + "Later business. " * 40 + "The Kent and Medway board meets in May.")
    assert infer_locality(text)[0] == "Kent"


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
