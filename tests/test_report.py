"""The HTML report: escaping of untrusted text, and what a real headless Chromium shows."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import duckdb
import pytest

from pipeline.report import cell_hash, script_json, write_report
from pipeline.store import migrate
from tests.test_compare import ALERT, IMG, SCRIPT, TG, build_sample_db

CHROMIUM = shutil.which("chromium")
needs_chromium = pytest.mark.skipif(CHROMIUM is None,
                                    reason="chromium is not installed (apt-get install chromium)")


@pytest.fixture()
def report(tmp_path: Path) -> Path:
    db = build_sample_db(tmp_path / "icsdocs.duckdb")
    return write_report(db, tmp_path / "out")


# --- a small DOM model from html.parser, for asserts on both the file and Chromium's dump -------------


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str, **attrs: str) -> list[Node]:
        return [n for n in self.iter() if n.tag == tag and all(n.attrs.get(k) == v for k, v in attrs.items())]

    def find_id(self, element_id: str) -> Node:
        (node,) = [n for n in self.iter() if n.attrs.get("id") == element_id]
        return node


VOID = {"meta", "br", "img", "input", "link", "hr", "wbr", "source", "col", "area", "base", "embed"}


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html_text: str) -> Node:
    builder = _Builder()
    builder.feed(html_text)
    builder.close()
    return builder.root


# --- the file itself --------------------------------------------------------------------------------------


def test_report_is_one_self_contained_file(report):
    assert report.name == "report.html"
    assert sorted(p.name for p in report.parent.iterdir()) == ["report.html"]
    html_text = report.read_text(encoding="utf-8")
    assert not re.search(r"(src|href)=\"(https?:)?//", html_text), "the report must not load anything remote"
    assert "<link" not in html_text and "@import" not in html_text


def test_untrusted_text_is_escaped_in_html(report):
    html_text = report.read_text(encoding="utf-8")
    # The only script elements are the report's own two; no payload became markup.
    assert html_text.count("<script") == 2
    assert html_text.count("</script>") == 2
    assert "<img" not in html_text and "<i>" not in html_text and "<b>" not in html_text
    # Document text shown as text: the timeline context of the T&G paper and other fields.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_text
    assert "T&amp;G &lt;paper&gt;.docx" in html_text
    assert "&lt;i&gt;Cllr&lt;/i&gt; Smith" in html_text
    assert "Tameside &amp; Glossop &lt;HWB&gt;" in html_text
    assert f'href="#cell={quote(TG, safe="")}:LC_HWB"' in html_text


def test_embedded_json_cannot_close_its_script_and_round_trips(report):
    html_text = report.read_text(encoding="utf-8")
    match = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', html_text, re.S)
    raw = match.group(1)
    assert "<" not in raw and ">" not in raw and "&" not in raw
    data = json.loads(raw)
    (cell,) = [c for c in data["cells"] if c["locality"] == TG and c["principle_id"] == "LC_HWB"]
    assert cell["status"] == "evidenced"
    assert cell["evidence"] == [{
        "doc_id": "tg1", "filename": "T&G <paper>.docx", "page": 1, "heading": "<b>Plan</b> & more",
        "score": 0.8, "quote": f"{SCRIPT} The Health & Wellbeing Board {IMG} will oversee the plan",
    }]
    assert script_json("</script><!--\u2028") == '"\\u003c/script\\u003e\\u003c!--\\u2028"'


def test_content_security_policy_allows_only_the_report_script(report):
    html_text = report.read_text(encoding="utf-8")
    scripts = re.findall(r"<script>(.*?)</script>", html_text, re.S)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode("utf-8")).digest()).decode("ascii")
    meta = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html_text)
    csp = html.unescape(meta.group(1))
    assert f"script-src 'sha256-{digest}'" in csp
    assert "default-src 'none'" in csp
    assert "innerHTML" not in scripts[0] and "insertAdjacentHTML" not in scripts[0]


def test_heatmap_cells_in_the_file(report):
    page = parse(report.read_text(encoding="utf-8"))
    heatmap = page.find_id("heatmap")
    header = [th.text() for th in heatmap.find_all("thead")[0].find_all("th")]
    assert header == ["Principle", "Bury", TG, "Wigan", "(unknown)"]
    cells = {
        (a.attrs["data-locality"], a.attrs["data-principle"]): (a.parent.attrs["class"], a.text())
        for a in heatmap.find_all("a") if "data-locality" in a.attrs
    }
    assert cells == {
        ("Bury", "LC_NEIGHBOURHOODS"): ("cell ev4", "1/2"),
        ("Bury", "LC_HWB"): ("cell ne", "0/2"),
        ("Bury", "ICS_VALUE"): ("cell ev1", "1/2"),
        (TG, "LC_NEIGHBOURHOODS"): ("cell ne", "0/1"),
        (TG, "LC_HWB"): ("cell ev3", "1/1"),
        (TG, "ICS_VALUE"): ("cell ne", "0/1"),
        ("Wigan", "LC_NEIGHBOURHOODS"): ("cell nr", "n/a"),
        ("Wigan", "LC_HWB"): ("cell nr", "n/a"),
        ("Wigan", "ICS_VALUE"): ("cell nr", "n/a"),
        ("(unknown)", "LC_NEIGHBOURHOODS"): ("cell na", "\u2013"),
        ("(unknown)", "LC_HWB"): ("cell na", "\u2013"),
        ("(unknown)", "ICS_VALUE"): ("cell na", "\u2013"),
    }
    rows = [tr.find_all("th")[0].text() for tr in heatmap.find_all("tbody")[0].find_all("tr")]
    assert rows == ["gm_locality", "LC_NEIGHBOURHOODSNeighbourhoods", "LC_HWBHealth and Wellbeing Board",
                    "ics_purposes", "ICS_VALUEValue"]


def test_locality_sections(report):
    page = parse(report.read_text(encoding="utf-8"))
    sections = [s for s in page.find_all("section") if s.attrs.get("class") == "locality"]
    assert [s.find_all("h2")[0].text() for s in sections] == ["Bury", TG, "Wigan", "(unknown)"]
    bury, tg, wigan, _ = sections
    summaries = [s.text() for s in bury.find_all("summary")]
    assert summaries == ["Papers (3)", "Bodies (2)", "Roles (1)", "Memberships (1)", "Recommendations (1)",
                         "Timeline (2)"]
    assert "2021-06-07" in bury.text() and "Place Based Lead" in bury.text()
    assert "No paper from this locality could be read" in wigan.text()
    assert "No paper from this locality could be read" not in tg.text()
    assert "Encrypted." in wigan.text()


def test_long_lists_are_cut_and_say_where_the_rest_are(tmp_path):
    db = build_sample_db(tmp_path / "icsdocs.duckdb")
    path = write_report(db, tmp_path / "out", max_quotes=1, max_rows=2)
    html_text = path.read_text(encoding="utf-8")
    raw = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', html_text, re.S)
    (cell,) = [c for c in json.loads(raw.group(1))["cells"]
               if c["locality"] == "Bury" and c["principle_id"] == "LC_NEIGHBOURHOODS"]
    assert cell["n_evidence"] == 2
    quotes = [e["quote"] for e in cell["evidence"]]
    assert quotes == ["Integrated neighbourhood teams will be built around PCNs."]
    bury = [s for s in parse(html_text).find_all("section") if s.attrs.get("class") == "locality"][0]
    papers = bury.find_all("details")[0]
    assert len(papers.find_all("tr")) == 1 + 2  # header and the first two of three papers
    assert "Showing the first 2 of 3 rows" in papers.text()
    assert "Showing the first" not in bury.find_all("details")[1].text()  # two bodies: all shown


def test_report_of_an_empty_database(tmp_path):
    con = duckdb.connect(str(tmp_path / "empty.duckdb"))
    migrate(con)
    con.close()
    page = parse(write_report(tmp_path / "empty.duckdb", tmp_path / "out").read_text(encoding="utf-8"))
    assert "0 papers (0 readable) from 0 localities" in page.text()


def test_report_header_names_the_last_run(report):
    assert "last run finished 2024-01-02 03:04 UTC" in report.read_text(encoding="utf-8")


def test_cell_hash_encodes_locality():
    assert cell_hash("Tameside & Glossop", "LC_HWB") == "#cell=Tameside%20%26%20Glossop:LC_HWB"
    assert cell_hash("a:b#c", "P") == "#cell=a%3Ab%23c:P"


# --- in a real browser -----------------------------------------------------------------------------------


def chromium(url: str, profile: Path, *extra: str) -> str:
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--virtual-time-budget=3000", *extra, url],
        capture_output=True, text=True, timeout=90, check=True,
    )
    return result.stdout


def dump_dom(path: Path, fragment: str, profile: Path) -> Node:
    return parse(chromium(path.as_uri() + fragment, profile, "--dump-dom"))


def assert_not_injected(page: Node) -> None:
    html_el = page.find_all("html")[0]
    assert "data-pwned" not in html_el.attrs, f"payload ran: {html_el.attrs['data-pwned']}"
    assert page.find_all("img") == []
    assert page.find_all("i") == [] and page.find_all("b") == []
    assert len(page.find_all("script")) == 2


@needs_chromium
def test_browser_drill_down_shows_escaped_evidence(report, tmp_path):
    page = dump_dom(report, cell_hash(TG, "LC_HWB"), tmp_path / "profile")
    drill = page.find_id("drill")
    assert "hidden" not in drill.attrs
    assert drill.attrs["data-locality"] == TG and drill.attrs["data-principle"] == "LC_HWB"
    assert drill.find_all("h3")[0].text() == f"Health and Wellbeing Board \u2014 {TG}"
    assert drill.find_all("p")[1].text() == "Evidenced in 1 of 1 readable paper, 1 section; best score 0.80."
    quotes = [q.text() for q in drill.find_all("blockquote")]
    assert quotes == [f"{SCRIPT} The Health & Wellbeing Board {IMG} will oversee the plan"]
    sources = [p.text() for p in drill.find_all("p") if p.attrs.get("class") == "src"][1:]
    assert sources == ["T&G <paper>.docx, page 1 \u00b7 <b>Plan</b> & more \u00b7 score 0.80"]
    selected = [td for td in page.find_all("td") if "selected" in td.attrs.get("class", "")]
    assert [td.find_all("a")[0].attrs["data-locality"] for td in selected] == [TG]
    assert_not_injected(page)


@needs_chromium
def test_browser_drill_down_lists_every_passage_and_explains_failures(report, tmp_path):
    page = dump_dom(report, cell_hash("Bury", "LC_NEIGHBOURHOODS"), tmp_path / "profile")
    drill = page.find_id("drill")
    assert [q.text() for q in drill.find_all("blockquote")] == [
        "Integrated neighbourhood teams will be built around PCNs.",
        "Each neighbourhood will have a shadow budget from April 2022.",
    ]
    sources = [p.text() for p in drill.find_all("p") if p.attrs.get("class") == "src"][1:]
    assert sources == [
        "bury1.pdf, page 1 \u00b7 Update on GM ICS > 1. Introduction \u00b7 score 0.90",
        "bury1.pdf, page 2 \u00b7 Update on GM ICS > Neighbourhoods \u00b7 score 0.70",
    ]
    page = dump_dom(report, cell_hash("Wigan", "LC_HWB"), tmp_path / "profile")
    drill = page.find_id("drill")
    assert drill.find_all("blockquote") == []
    assert "No paper from Wigan could be read" in drill.text()
    page = dump_dom(report, cell_hash("Bury", "LC_HWB"), tmp_path / "profile")
    assert "best score 0.55 (below the threshold)" in page.find_id("drill").text()


@needs_chromium
def test_browser_drill_down_says_how_many_quotes_it_leaves_out(tmp_path):
    db = build_sample_db(tmp_path / "icsdocs.duckdb")
    path = write_report(db, tmp_path / "out", max_quotes=1)
    drill = dump_dom(path, cell_hash("Bury", "LC_NEIGHBOURHOODS"), tmp_path / "profile").find_id("drill")
    assert [q.text() for q in drill.find_all("blockquote")] == [
        "Integrated neighbourhood teams will be built around PCNs."]
    assert "Showing the 1 strongest of 2 quotes; all are in evidence.csv" in drill.text()


@needs_chromium
def test_browser_without_hash_shows_no_drill_down_and_nothing_injected(report, tmp_path):
    page = dump_dom(report, "", tmp_path / "profile")
    assert "hidden" in page.find_id("drill").attrs
    assert_not_injected(page)
    # static text reached the DOM as text
    assert ALERT in page.text()


@needs_chromium
def test_browser_detector_sees_a_real_injection(tmp_path):
    """The checks above would notice an injection: a deliberately unsafe page trips them."""
    unsafe = tmp_path / "unsafe.html"
    unsafe.write_text(
        "<!DOCTYPE html><html><body><div id=q></div><script>"
        f"document.getElementById('q').innerHTML = {json.dumps(IMG)};</script></body></html>",
        encoding="utf-8",
    )
    page = dump_dom(unsafe, "", tmp_path / "profile")
    assert page.find_all("img")
    with pytest.raises(AssertionError):
        assert_not_injected(page)


@needs_chromium
def test_browser_screenshot(report, tmp_path):
    shot = tmp_path / "report.png"
    chromium(report.as_uri() + cell_hash(TG, "LC_HWB"), tmp_path / "profile", f"--screenshot={shot}",
             "--window-size=1400,1000", "--hide-scrollbars")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a blank page is a few kB
