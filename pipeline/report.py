"""The analysts' HTML report: one self-contained file comparing the localities.

It works offline (inline CSS and JS, no fonts, images or CDN) and treats every string from the
database as untrusted:
  * text placed in HTML goes through `html.escape` (quotes included, for attributes);
  * data the script needs is JSON inside `<script type="application/json">`, with `<`, `>` and `&`
    written as \\u003c, \\u003e, \\u0026 so no text can close the element; the script builds the DOM with
    `textContent` and never with `innerHTML`;
  * a Content-Security-Policy allows only the page's own script (by its hash), so even a mistake in the
    escaping could not run injected script or event handlers.

The heatmap cells are links to `#cell=<locality>:<principle_id>` (URL-encoded); the script opens the
drill-down for the hash on load and whenever it changes, so a cell can be linked to and bookmarked.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote

import duckdb

from .compare import (
    HEADING_SEPARATOR,
    STATUS_EVIDENCED,
    STATUS_NO_READABLE,
    STATUS_NOT_ASSESSED,
    UNKNOWN_LOCALITY,
    ordered_localities,
)
from .store import connect_read_only

REPORT_FILENAME = "report.html"
TABLE_OPEN_LIMIT = 40  # longer tables start collapsed
# The report stays a few MB at hundreds of papers: each cell shows its strongest quotes and each table its
# first rows, and says where the rest are (the CSVs of `icsdocs compare` and the SQL views hold them all).
QUOTES_PER_CELL = 20
ROWS_PER_TABLE = 300

_LOCALITY_ORDER = f"locality = '{UNKNOWN_LOCALITY}', locality"
_PRINCIPLE_ORDER = "(SELECT rowid FROM principles p WHERE p.principle_id = v.principle_id)"


def write_report(db_path: str | Path, out_dir: str | Path, *, max_quotes: int = QUOTES_PER_CELL,
                 max_rows: int = ROWS_PER_TABLE) -> Path:
    """Write `report.html` into `out_dir` from the database's comparison views; return its path.

    Each heatmap cell carries its `max_quotes` strongest quotes and each locality table its first
    `max_rows` rows; the report says how many more there are and where to find them."""
    out = Path(out_dir)
    con = connect_read_only(db_path)  # before any folder is made: a wrong --db leaves nothing behind
    out.mkdir(parents=True, exist_ok=True)
    try:
        data = load_report_data(con)
    finally:
        con.close()
    path = out / REPORT_FILENAME
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(render(data, source=Path(db_path).name, max_quotes=max_quotes, max_rows=max_rows),
                   encoding="utf-8")
    tmp.replace(path)
    return path


@dataclass(frozen=True)
class ReportData:
    localities: list[str]
    principles: list[dict]  # framework, principle_id, principle_name, definition, threshold (codebook order)
    cells: list[dict]  # locality_principles rows, each with its evidence list
    documents: dict[str, list[dict]]  # per locality
    tables: dict[str, dict[str, list[dict]]]  # table name -> locality -> rows
    last_run: str | None


def _dicts(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _by_locality(rows: list[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for row in rows:
        grouped.setdefault(row["locality"], []).append(row)
    return grouped


TABLE_QUERIES: dict[str, str] = {
    "bodies": "SELECT * FROM locality_bodies ORDER BY n_docs DESC, n_mentions DESC, body",
    "roles": "SELECT * FROM locality_roles ORDER BY n_docs DESC, n_mentions DESC, role",
    "memberships": "SELECT * FROM locality_memberships ORDER BY body, member, doc_id, page",
    "recommendations": "SELECT * FROM recommendations_by_locality "
                       "ORDER BY meeting_date NULLS LAST, doc_id, page, text",
    "timeline": "SELECT t.*, d.filename FROM timeline t JOIN documents d USING (doc_id) "
                "ORDER BY date, doc_id, page, context",
}


def load_report_data(con: duckdb.DuckDBPyConnection) -> ReportData:
    localities = ordered_localities(con)
    principles = _dicts(
        con, "SELECT framework, principle_id, principle_name, definition, threshold FROM principles "
             "ORDER BY rowid",
    )
    cells = _dicts(con, f"SELECT * FROM locality_principles v ORDER BY {_LOCALITY_ORDER}, {_PRINCIPLE_ORDER}")
    evidence = _dicts(
        con,
        "SELECT * FROM principle_evidence ORDER BY locality, principle_id, score DESC, doc_id, page, quote",
    )
    by_cell: dict[tuple[str, str], list[dict]] = {}
    for row in evidence:
        by_cell.setdefault((row["locality"], row["principle_id"]), []).append(row)
    for cell in cells:
        cell["evidence"] = by_cell.get((cell["locality"], cell["principle_id"]), [])
    documents = _by_locality(_dicts(con, "SELECT * FROM locality_documents ORDER BY meeting_date, filename"))
    tables = {name: _by_locality(_dicts(con, sql)) for name, sql in TABLE_QUERIES.items()}
    run = con.execute("SELECT max(finished_at) FROM runs").fetchone()
    return ReportData(
        localities=localities,
        principles=principles,
        cells=cells,
        documents=documents,
        tables=tables,
        last_run=f"{run[0]:%Y-%m-%d %H:%M}" if run and run[0] else None,
    )


# --- rendering -----------------------------------------------------------------------------------------


def esc(value: object) -> str:
    """Any value as escaped HTML text (quotes escaped too, so it is safe in attributes)."""
    return html.escape(_text(value), quote=True)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, (list, tuple)):
        return HEADING_SEPARATOR.join(_text(v) for v in value)
    return str(value)


def script_json(value: object) -> str:
    """JSON that is safe inside a <script> element: no `<`, `>` or `&` appears literally."""
    text = json.dumps(value, ensure_ascii=False, default=_text, separators=(",", ":"))
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def cell_hash(locality: str, principle_id: str) -> str:
    return "#cell=" + quote(locality, safe="") + ":" + quote(principle_id, safe="")


def score_band(cell: dict) -> str:
    """CSS class of a heatmap cell: status first, then the best score in four bands."""
    if cell["status"] == STATUS_NO_READABLE:
        return "nr"
    if cell["status"] == STATUS_NOT_ASSESSED:
        return "na"
    if cell["status"] != STATUS_EVIDENCED:
        return "ne"
    score = cell["best_score"] or 0.0
    band = 4 if score >= 0.9 else 3 if score >= 0.8 else 2 if score >= 0.7 else 1
    return f"ev{band}"


def _cell_label(cell: dict) -> str:
    if cell["status"] == STATUS_NO_READABLE:
        return "n/a"
    if cell["status"] == STATUS_NOT_ASSESSED:
        return "\u2013"
    return f"{cell['n_docs_evidencing']}/{cell['n_docs']}"


def _cell_title(cell: dict) -> str:
    best = "" if cell["best_score"] is None else f"; best score {cell['best_score']:.2f}"
    if cell["status"] == STATUS_NOT_ASSESSED:
        return (f"{cell['locality']} / {cell['principle_id']}: not assessed "
                f"({cell.get('not_assessed_because')}; {cell['n_docs']} readable papers, none assessed)")
    return (f"{cell['locality']} / {cell['principle_id']}: {cell['status']} "
            f"({cell['n_docs_evidencing']} of {cell['n_docs']} readable papers{best})")


def render(data: ReportData, *, source: str = "", max_quotes: int = QUOTES_PER_CELL,
           max_rows: int = ROWS_PER_TABLE) -> str:
    script = _SCRIPT
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    csp = f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{digest}'; base-uri 'none'; " \
          "form-action 'none'"
    payload = {
        "cells": [_cell_payload(cell, max_quotes) for cell in data.cells],
        "principles": [{k: p[k] for k in ("principle_id", "principle_name", "definition", "framework")}
                       for p in data.principles],
    }
    n_docs = sum(len(docs) for docs in data.documents.values())
    n_ok = sum(1 for docs in data.documents.values() for d in docs if d["status"] == "ok")
    parts = [
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{esc(csp)}\">\n",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
        "<title>icsdocs: locality comparison</title>\n",
        f"<style>{_CSS}</style>\n</head>\n<body>\n",
        "<header>\n<h1>Locality comparison</h1>\n",
        f"<p class=\"muted\">{plural(n_docs, 'paper')} ({n_ok} readable) from "
        f"{len(data.localities)} {'locality' if len(data.localities) == 1 else 'localities'}"
        + (f"; database {esc(source)}" if source else "")
        + (f"; last run finished {esc(data.last_run)} UTC" if data.last_run else "")
        + ".</p>\n",
        _nav(data),
        "</header>\n<main>\n",
        _heatmap(data),
        "\n".join(_locality_section(data, i, loc, max_rows) for i, loc in enumerate(data.localities)),
        "</main>\n",
        f"<script type=\"application/json\" id=\"report-data\">{script_json(payload)}</script>\n",
        f"<script>{script}</script>\n</body>\n</html>\n",
    ]
    return "".join(parts)


def _cell_payload(cell: dict, max_quotes: int) -> dict:
    keep = ("locality", "principle_id", "principle_name", "framework", "n_docs", "n_docs_evidencing",
            "n_sections", "best_score", "status", "n_docs_assessed", "not_assessed_because")
    payload = {k: cell.get(k) for k in keep}
    payload["n_evidence"] = len(cell["evidence"])
    payload["evidence"] = [
        {
            "doc_id": e["doc_id"],
            "filename": e["filename"],
            "page": e["page"],
            "heading": _text(e["heading_path"]),
            "score": e["score"],
            "quote": e["quote"],
        }
        for e in cell["evidence"][:max_quotes]  # strongest first
    ]
    return payload


def _nav(data: ReportData) -> str:
    links = ["<a href=\"#heatmap\">Principles heatmap</a>"]
    links += [f"<a href=\"#loc-{i}\">{esc(loc)}</a>" for i, loc in enumerate(data.localities)]
    return "<nav>" + " ".join(links) + "</nav>\n"


def _heatmap(data: ReportData) -> str:
    cells = {(c["locality"], c["principle_id"]): c for c in data.cells}
    out = [
        "<section id=\"heatmap\">\n<h2>Design principles by locality</h2>\n",
        "<p class=\"muted\">Each cell: readable papers evidencing the principle / readable papers. "
        "Click a cell for the passages behind it.</p>\n",
        "<p class=\"legend\"><span class=\"sw ev4\"></span>evidenced, best score &ge; 0.9 "
        "<span class=\"sw ev3\"></span>&ge; 0.8 <span class=\"sw ev2\"></span>&ge; 0.7 "
        "<span class=\"sw ev1\"></span>lower <span class=\"sw ne\"></span>not evidenced (assessed, nothing "
        "found) <span class=\"sw na\"></span>not assessed (outside health and care, no text or not "
        "classified) "
        "<span class=\"sw nr\"></span>no readable papers</p>\n",
        "<div class=\"scroll\"><table class=\"heatmap\">\n<thead><tr><th scope=\"col\">Principle</th>",
    ]
    out += [f"<th scope=\"col\"><a href=\"#loc-{i}\">{esc(loc)}</a></th>"
            for i, loc in enumerate(data.localities)]
    out.append("</tr></thead>\n<tbody>\n")
    framework = None
    for p in data.principles:
        if p["framework"] != framework:
            framework = p["framework"]
            span = len(data.localities) + 1
            out.append(f"<tr class=\"fw\"><th colspan=\"{span}\">{esc(framework)}</th></tr>\n")
        out.append(
            f"<tr><th scope=\"row\" title=\"{esc(p['definition'])}\">"
            f"<span class=\"pid\">{esc(p['principle_id'])}</span><br>"
            f"<span class=\"pname\">{esc(p['principle_name'])}</span></th>"
        )
        for loc in data.localities:
            cell = cells.get((loc, p["principle_id"]))
            if cell is None:
                out.append("<td></td>")
                continue
            out.append(
                f"<td class=\"cell {score_band(cell)}\"><a href=\"{esc(cell_hash(loc, p['principle_id']))}\" "
                f"data-locality=\"{esc(loc)}\" data-principle=\"{esc(p['principle_id'])}\" "
                f"title=\"{esc(_cell_title(cell))}\">{esc(_cell_label(cell))}</a></td>"
            )
        out.append("</tr>\n")
    out.append("</tbody></table></div>\n")
    out.append("<section id=\"drill\" class=\"drill\" hidden aria-live=\"polite\"></section>\n</section>\n")
    return "".join(out)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


_NOWRAP_ATTR = ' class="nw"'
_NOWRAP = {"meeting_date", "first_seen", "last_seen", "date", "page", "n_docs", "n_mentions", "n_pages"}


def _table(title: str, rows: list[dict], columns: Sequence[tuple[str, str]], *, max_rows: int, full: str,
           empty: str = "None found.") -> str:
    is_open = " open" if len(rows) <= TABLE_OPEN_LIMIT else ""
    out = [f"<details{is_open}><summary>{esc(title)} ({len(rows)})</summary>\n"]
    if not rows:
        out.append(f"<p class=\"muted\">{esc(empty)}</p></details>\n")
        return "".join(out)
    out.append("<table class=\"data\"><thead><tr>")
    out += [f"<th scope=\"col\">{esc(label)}</th>" for _, label in columns]
    out.append("</tr></thead><tbody>\n")
    for row in rows[:max_rows]:
        tds = (f"<td{_NOWRAP_ATTR if key in _NOWRAP else ''}>{esc(row.get(key))}</td>" for key, _ in columns)
        out.append("<tr>" + "".join(tds) + "</tr>\n")
    out.append("</tbody></table>")
    if len(rows) > max_rows:
        out.append(f"<p class=\"muted more\">Showing the first {max_rows} of {len(rows)} rows; all are in "
                   f"{esc(full)}.</p>")
    out.append("</details>\n")
    return "".join(out)


def _locality_section(data: ReportData, index: int, locality: str, max_rows: int) -> str:
    docs = data.documents.get(locality, [])
    cells = [c for c in data.cells if c["locality"] == locality]
    evidenced = [c for c in cells if c["status"] == STATUS_EVIDENCED]
    readable = sum(1 for d in docs if d["status"] == "ok")
    assessed = sum(1 for d in docs if d.get("assessed"))
    out = [
        f"<section class=\"locality\" id=\"loc-{index}\">\n<h2>{esc(locality)}</h2>\n",
        f"<p class=\"muted\">{plural(len(docs), 'paper')}, {readable} readable, {assessed} assessed against "
        f"the principles; {len(evidenced)} of "
        f"{plural(len(cells), 'principle')} evidenced. <a href=\"#heatmap\">Back to the heatmap</a></p>\n",
    ]
    if readable == 0:
        out.append("<p class=\"warn\">No paper from this locality could be read, so the gaps below say "
                   "nothing about its arrangements.</p>\n")
    elif assessed == 0:
        reasons = sorted({d["not_assessed_because"] for d in docs if d.get("not_assessed_because")})
        out.append("<p class=\"warn\">No paper from this locality was assessed against the principles ("
                   f"{esc('; '.join(reasons) or 'not classified')}), so the gaps below say nothing about its "
                   "arrangements.</p>\n")
    if cells:
        chips = "".join(
            f"<a class=\"chip {score_band(c)}\" href=\"{esc(cell_hash(locality, c['principle_id']))}\" "
            f"title=\"{esc(c['status'])}\">{esc(c['principle_id'])}</a>"
            for c in cells
        )
        out.append(f"<p class=\"chips\">{chips}</p>\n")
    out.append(_table("Papers", docs, [
        ("filename", "File"), ("title", "Title"), ("doc_type", "Type"), ("meeting_body", "Meeting"),
        ("meeting_date", "Date"), ("n_pages", "Pages"), ("status", "Status"), ("error", "Problem"),
        ("not_assessed_because", "Not assessed"),
    ], max_rows=max_rows, full="the locality_documents view"))
    out += [_table(title, data.tables[key].get(locality, []), columns, max_rows=max_rows, full=full)
            for title, key, columns, full in LOCALITY_TABLES]
    out.append("</section>\n")
    return "".join(out)


# The tables of a locality's part: (title, key of ReportData.tables, (column, header) pairs, where the
# full rows are when the table is cut).
LOCALITY_TABLES: tuple[tuple[str, str, tuple[tuple[str, str], ...], str], ...] = (
    ("Bodies", "bodies", (("body", "Body"), ("n_docs", "Papers"), ("n_mentions", "Mentions"),
                          ("first_seen", "First seen"), ("last_seen", "Last seen")),
     "bodies.csv (locality_bodies view)"),
    ("Roles", "roles", (("role", "Role"), ("n_docs", "Papers"), ("n_mentions", "Mentions"),
                        ("first_seen", "First seen"), ("last_seen", "Last seen")),
     "roles.csv (locality_roles view)"),
    ("Memberships", "memberships", (("body", "Body"), ("member", "Member"), ("member_kind", "Kind"),
                                    ("filename", "Paper"), ("page", "Page")),
     "memberships.csv (locality_memberships view)"),
    ("Recommendations", "recommendations", (("meeting_date", "Date"), ("meeting_body", "Meeting"),
                                            ("kind", "Kind"), ("outcome", "Outcome"),
                                            ("text", "Recommendation"), ("addressed_to", "Addressed to"),
                                            ("filename", "Paper"), ("page", "Page")),
     "recommendations.csv (recommendations_by_locality view)"),
    ("Timeline", "timeline", (("date", "Date"), ("context", "Context"), ("filename", "Paper"),
                              ("page", "Page")),
     "timeline.csv (timeline view)"),
)


_CSS = """
:root{--ev4:#1a7f37;--ev3:#2da44e;--ev2:#6fcf86;--ev1:#b7ebc3;--ne:#f6f8fa;--nr:#d0d7de;--ink:#1f2328;
--muted:#59636e;--line:#d0d7de;--accent:#0969da}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:var(--ink);margin:0;
background:#fff}
header{padding:16px 24px 8px;border-bottom:1px solid var(--line);background:#f6f8fa}
h1{margin:0 0 4px;font-size:22px}h2{font-size:19px;margin:28px 0 6px}
main{padding:0 24px 48px}
nav a{margin-right:12px;white-space:nowrap}
a{color:var(--accent)}
.muted{color:var(--muted)}
.warn{background:#fff8c5;border:1px solid #d4a72c;padding:6px 10px;border-radius:6px}
.scroll{overflow-x:auto}
table{border-collapse:collapse}
table.heatmap th,table.heatmap td{border:1px solid #fff;padding:0}
table.heatmap thead th{font-size:13px;padding:4px 6px;vertical-align:bottom;max-width:110px}
table.heatmap tbody th{text-align:left;padding:4px 8px;font-weight:normal;background:#f6f8fa;min-width:260px}
table.heatmap tr.fw th{background:#eaeef2;font-weight:600;text-transform:uppercase;font-size:12px;
letter-spacing:.04em}
.pid{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;color:var(--muted)}
.pname{font-size:13px}
td.cell a{display:block;min-width:72px;padding:10px 6px;text-align:center;text-decoration:none;
color:var(--ink);font-variant-numeric:tabular-nums}
td.cell a:hover,td.cell a:focus{outline:2px solid var(--accent);outline-offset:-2px}
td.cell.selected a{outline:3px solid #0550ae;outline-offset:-3px;font-weight:700}
.ev4{background:var(--ev4)}.ev4,.ev4 a,.ev3,.ev3 a{color:#fff !important}.ev3{background:var(--ev3)}
.ev2{background:var(--ev2)}.ev1{background:var(--ev1)}.ne{background:var(--ne)}
.nr{background:repeating-linear-gradient(45deg,var(--nr),var(--nr) 4px,#eef1f4 4px,#eef1f4 8px)}
.na{background:repeating-linear-gradient(90deg,var(--nr),var(--nr) 2px,#ffffff 2px,#ffffff 6px)}
td.ne a{color:var(--muted)}
.legend{font-size:13px}
.sw{display:inline-block;width:14px;height:14px;vertical-align:-2px;margin:0 4px 0 10px;
border:1px solid var(--line)}
.drill{margin-top:16px;border:1px solid var(--line);border-radius:8px;padding:12px 16px;background:#fbfcfd}
.drill h3{margin:0 0 4px}
.drill ol{padding-left:22px}.drill li{margin:10px 0}
.drill blockquote{margin:0;padding:4px 10px;border-left:4px solid var(--ev3);background:#fff;
white-space:pre-wrap}
.src{font-size:13px;color:var(--muted);margin:2px 0 0}
.chips .chip{display:inline-block;font:12px ui-monospace,Menlo,Consolas,monospace;padding:2px 6px;margin:2px;
border-radius:10px;text-decoration:none;color:var(--ink);border:1px solid var(--line)}
details{margin:8px 0}summary{cursor:pointer;font-weight:600}
table.data{margin:6px 0 10px;font-size:13px;width:100%}
table.data th,table.data td{border:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
table.data th{background:#f6f8fa}
section.locality{border-top:2px solid var(--line);margin-top:24px}
button.close{float:right}
td.nw{white-space:nowrap}
"""

# The script reads the JSON data block and builds the drill-down with textContent only.
_SCRIPT = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var SEP = "\\u0000";
  var cells = new Map();
  data.cells.forEach(function (c) { cells.set(c.locality + SEP + c.principle_id, c); });
  var definitions = new Map();
  data.principles.forEach(function (p) { definitions.set(p.principle_id, p.definition); });
  var panel = document.getElementById("drill");

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
  function fmt(score) { return score === null || score === undefined ? "none" : Number(score).toFixed(2); }

  function select(locality, principleId) {
    document.querySelectorAll("td.cell").forEach(function (td) {
      var a = td.querySelector("a");
      var on = a.dataset.locality === locality && a.dataset.principle === principleId;
      td.classList.toggle("selected", on);
    });
  }

  function show(locality, principleId) {
    var c = cells.get(locality + SEP + principleId);
    panel.replaceChildren();
    panel.hidden = false;
    var close = el("button", "close", "Close");
    close.type = "button";
    close.addEventListener("click", function () {
      panel.hidden = true;
      select(null, null);
      history.replaceState(null, "", "#heatmap");
    });
    panel.appendChild(close);
    if (!c) {
      panel.appendChild(el("p", "muted", "No cell for " + locality + " / " + principleId + "."));
      return;
    }
    select(locality, principleId);
    panel.dataset.locality = locality;
    panel.dataset.principle = principleId;
    panel.appendChild(el("h3", null, c.principle_name + " \\u2014 " + locality));
    panel.appendChild(el("p", "src", c.principle_id + ": " + (definitions.get(c.principle_id) || "")));
    var summary;
    if (c.status === "no readable documents") {
      summary = "No paper from " + locality +
        " could be read, so this gap says nothing about its arrangements.";
    } else if (c.status === "not assessed") {
      summary = "Not assessed: " + plural(c.n_docs, "readable paper") + " from " + locality +
        ", none assessed against the principles (" + (c.not_assessed_because || "not classified") +
        "), so this gap says nothing about its arrangements.";
    } else if (c.status === "evidenced") {
      summary = "Evidenced in " + c.n_docs_evidencing + " of " + plural(c.n_docs, "readable paper") + ", " +
        plural(c.n_sections, "section") + "; best score " + fmt(c.best_score) + ".";
    } else {
      summary = "Not evidenced in " + plural(c.n_docs, "readable paper") + (c.best_score === null
        ? "; no section was scored for it."
        : "; best score " + fmt(c.best_score) + " (below the threshold).");
    }
    panel.appendChild(el("p", "status", summary));
    if (c.evidence.length) {
      var list = el("ol", "quotes");
      c.evidence.forEach(function (e) {
        var item = el("li");
        item.appendChild(el("blockquote", null, e.quote));
        var where = e.filename + ", page " + (e.page === null ? "?" : e.page);
        if (e.heading) { where += " \\u00b7 " + e.heading; }
        where += " \\u00b7 score " + fmt(e.score);
        item.appendChild(el("p", "src", where));
        list.appendChild(item);
      });
      panel.appendChild(list);
      if (c.n_evidence > c.evidence.length) {
        panel.appendChild(el("p", "muted more", "Showing the " + c.evidence.length + " strongest of " +
          c.n_evidence + " quotes; all are in evidence.csv (icsdocs compare) and the principle_evidence " +
          "view."));
      }
    }
    panel.scrollIntoView({block: "nearest"});
  }

  function fromHash() {
    var hash = window.location.hash;
    if (hash.indexOf("#cell=") !== 0) { return; }
    var value;
    try { value = decodeURIComponent(hash.slice(6)); } catch (err) { return; }
    var cut = value.lastIndexOf(":");
    if (cut < 0) { return; }
    show(value.slice(0, cut), value.slice(cut + 1));
  }

  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
"""
