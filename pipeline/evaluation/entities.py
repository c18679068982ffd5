"""Compare an icsdocs database with gold annotations (schema: ../shared/gold/README.md).

A database document matches the gold file whose stem equals its filename's stem, so the .txt, .docx and .pdf
renditions of one paper are each scored against the same gold, per format and overall.  Counts are
micro-averaged over documents.  What is compared, per label:

- PERSON: the set of `norm`s against gold `people[].name`, exact after whitespace collapse.
- DATE: the set of ISO `norm`s against gold `dates[].iso` (label DATE); the set of surface texts against
  `dates[].raw` is reported too, as DATE_RAW.  ISO is the headline: it is what analysts query, and two raw
  forms of one date ("7th June", "07 June 2021") are one fact.
- BODY: a predicted body (distinct `norm`, with all its surface texts) is right when its norm or any of its
  texts equals a gold body's canonical name or one of its aliases (case-insensitive).  Recall is over gold
  canonical bodies: one found surface form counts the body as found.  Several predictions of one gold body
  are each true positives, so precision is not penalised for keeping aliases apart.
- ROLE, PLACE: sets of surface texts (and norms), case-insensitive, against gold `roles` / `places`.
- MONEY: surface texts against gold `money` (raw strings).
- recommendations: a predicted text matches a gold one (each at most once, best first) when, after collapsing
  whitespace and removing `**` / `*`, difflib's ratio is at least 0.9, or one contains the other and the
  shorter is at least 0.8 of the longer.
- meeting_body / meeting_date: `documents.meeting_body` / `meeting_date` against gold `meeting`; a body
  is right when it names the same gold body (canonical or alias), a date when equal.  Null is no prediction.
  The date is `meeting_date_text` where the database has it (it keeps a month-only "2021-03"), else
  `meeting_date`.

Accuracies sit beside the F1s (`ACCURACY_DENOMINATORS` says what each counts):
- meeting: body and date both right, on the pages whose gold meeting states a body or a date.  A field the
  gold leaves null is right only when the database leaves it null too.
- meeting_title: `documents.meeting_title` against the gold meeting's title (null on a whole-meeting page),
  on the pages whose gold states a meeting with a title field (null or not).
- locality: `documents.locality` equals gold `locality` after case-folding and whitespace collapse.
- doc_type: `documents.doc_type` equals gold `doc_type`.
"""

from __future__ import annotations

import difflib
import fnmatch
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from ..errors import GoldMismatch
from ..store import connect_read_only

LABELS = (
    "BODY",
    "ROLE",
    "PERSON",
    "DATE",
    "DATE_RAW",
    "PLACE",
    "MONEY",
    "recommendations",
    "meeting_body",
    "meeting_date",
)
ACCURACIES = ("meeting", "meeting_title", "locality", "doc_type")
ACCURACY_DENOMINATORS = {
    "meeting": "pages whose gold meeting states a body or a date; right when body (gold name or alias, "
               "case-insensitive) and date (ISO text) are both right, a null gold field needing a null",
    "meeting_title": "pages whose gold states a meeting with a title field; documents.meeting_title equals "
                     "the gold title after case-fold and whitespace collapse (null, a whole-meeting page, "
                     "equals null)",
    "locality": "all scored pages; documents.locality equals gold locality after case-fold and whitespace "
                "collapse (null equals null)",
    "doc_type": "all scored pages; documents.doc_type equals gold doc_type",
}
DOCUMENT_COLUMNS = ("doc_id", "filename", "format", "meeting_body", "meeting_date", "meeting_date_text",
                    "meeting_title", "locality", "doc_type")
REC_RATIO = 0.9
REC_CONTAINMENT = 0.8


@dataclass
class Counts:
    """Matches counted on both sides: `tp` predictions right, `tp_gold` gold items found.

    The two differ only for BODY, where several predicted aliases can find one gold body.
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    tp_gold: int | None = None

    @property
    def found(self) -> int:
        return self.tp if self.tp_gold is None else self.tp_gold

    def add(self, other: Counts) -> None:
        self.tp_gold = self.found + other.found
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def as_dict(self) -> dict[str, Any]:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.found / (self.found + self.fn) if self.found + self.fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if self.tp + self.fp + self.fn == 0:
            precision = recall = f1 = 1.0
        result = {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
        }
        if self.found != self.tp:
            result["gold_found"] = self.found
        return result


@dataclass
class Accuracy:
    """Pages right out of pages scored, for a one-answer-per-page field."""

    correct: int = 0
    total: int = 0

    def add(self, right: bool) -> None:
        self.correct += int(right)
        self.total += 1

    def as_dict(self, denominator: str) -> dict[str, Any]:
        accuracy = self.correct / self.total if self.total else 0.0
        return {"correct": self.correct, "total": self.total, "accuracy": round(accuracy, 4),
                "denominator": denominator}


def _collapse(text: str | None) -> str:
    return " ".join((text or "").split())


def _fold(text: str | None) -> str:
    return _collapse(text).casefold()


def _rec_text(text: str) -> str:
    return _collapse(text.replace("**", "").replace("*", ""))


def _set_counts(predicted: set[str], gold: set[str]) -> Counts:
    counts = Counts(len(predicted & gold), len(predicted - gold), len(gold - predicted))
    counts.errors = [{"fp": v} for v in sorted(predicted - gold)] + [
        {"fn": v} for v in sorted(gold - predicted)
    ]
    return counts


def _body_groups(gold: dict[str, Any]) -> list[set[str]]:
    aliases = gold.get("body_aliases") or {}
    return [{_fold(body)} | {_fold(a) for a in aliases.get(body, [])} for body in gold.get("bodies") or []]


def _body_counts(predicted: dict[str, set[str]], gold: dict[str, Any]) -> Counts:
    groups = _body_groups(gold)
    found: set[int] = set()
    counts = Counts()
    for norm, surfaces in sorted(predicted.items()):
        forms = {_fold(norm)} | {_fold(s) for s in surfaces}
        hits = [i for i, group in enumerate(groups) if forms & group]
        if hits:
            counts.tp += 1
            found.update(hits)
        else:
            counts.fp += 1
            counts.errors.append({"fp": norm})
    canonical = gold.get("bodies") or []
    counts.tp_gold = len(found)
    counts.fn = len(groups) - len(found)
    counts.errors += [{"fn": canonical[i]} for i in range(len(groups)) if i not in found]
    return counts


def _rec_match(a: str, b: str) -> bool:
    if difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= REC_RATIO:
        return True
    short, long_ = sorted((a, b), key=len)
    return bool(short) and short in long_ and len(short) >= REC_CONTAINMENT * len(long_)


def _rec_counts(predicted: list[str], gold: list[str]) -> Counts:
    preds = [_rec_text(p) for p in predicted]
    remaining = list(range(len(preds)))
    counts = Counts()
    for item in (_rec_text(g) for g in gold):
        match = next((i for i in remaining if _rec_match(preds[i], item)), None)
        if match is None:
            counts.fn += 1
            counts.errors.append({"fn": item})
        else:
            counts.tp += 1
            remaining.remove(match)
    counts.fp = len(remaining)
    counts.errors += [{"fp": preds[i]} for i in remaining]
    return counts


def _same_body(predicted: str | None, gold_body: str | None, gold: dict[str, Any]) -> bool:
    """Whether `predicted` names the gold meeting body (its canonical name or an alias)."""
    if not (gold_body and predicted):
        return False
    groups = [g for g in _body_groups(gold) if _fold(gold_body) in g] or [{_fold(gold_body)}]
    return any(_fold(predicted) in g for g in groups)


def _predicted_date(doc: dict[str, Any]) -> str | None:
    """The meeting date as ISO text, month-only where the database kept one."""
    if doc.get("meeting_date_text"):
        return str(doc["meeting_date_text"])
    return str(doc["meeting_date"]) if doc.get("meeting_date") is not None else None


def _meeting_counts(doc: dict[str, Any], gold: dict[str, Any]) -> dict[str, Counts]:
    meeting = gold.get("meeting") or {}
    gold_body, pred_body = meeting.get("body"), doc["meeting_body"]
    gold_date, pred_date = meeting.get("date"), _predicted_date(doc)
    return {
        "meeting_body": _pair_counts(pred_body, gold_body, _same_body(pred_body, gold_body, gold)),
        "meeting_date": _pair_counts(pred_date, gold_date, pred_date == gold_date),
    }


def _accuracy_checks(doc: dict[str, Any], gold: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per accuracy, {"right", "predicted", "gold"} for this page; meeting only when gold states one."""
    checks: dict[str, dict[str, Any]] = {}
    meeting = gold.get("meeting") or {}
    gold_body, gold_date = meeting.get("body"), meeting.get("date")
    if gold_body or gold_date:
        pred_body, pred_date = doc["meeting_body"], _predicted_date(doc)
        body_right = _same_body(pred_body, gold_body, gold) if gold_body else not pred_body
        checks["meeting"] = {"right": body_right and pred_date == gold_date,
                             "predicted": {"body": pred_body, "date": pred_date},
                             "gold": {"body": gold_body, "date": gold_date}}
    if gold.get("meeting") and "title" in gold["meeting"]:  # the samples' gold states no titles
        pred_title, gold_title = doc.get("meeting_title"), gold["meeting"].get("title")
        checks["meeting_title"] = {"right": _fold(pred_title) == _fold(gold_title),
                                   "predicted": pred_title, "gold": gold_title}
    pred_locality, gold_locality = doc.get("locality"), gold.get("locality")
    checks["locality"] = {"right": _fold(pred_locality) == _fold(gold_locality),
                          "predicted": pred_locality, "gold": gold_locality}
    checks["doc_type"] = {"right": (doc.get("doc_type") or None) == (gold.get("doc_type") or None),
                          "predicted": doc.get("doc_type"), "gold": gold.get("doc_type")}
    return checks


def _pair_counts(predicted: str | None, gold: str | None, equal: bool) -> Counts:
    counts = Counts()
    if predicted and gold and equal:
        counts.tp = 1
        return counts
    counts.fp = int(bool(predicted))
    counts.fn = int(bool(gold))
    if predicted or gold:
        counts.errors.append({"predicted": predicted, "gold": gold})
    return counts


def _documents(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The documents with the columns scored; a column an older database lacks reads as NULL."""
    present = {row[0] for row in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'documents'").fetchall()}
    select = ", ".join(c if c in present else f"NULL AS {c}" for c in DOCUMENT_COLUMNS)
    rows = con.execute(f"SELECT {select} FROM documents ORDER BY doc_id").fetchall()
    return [dict(zip(DOCUMENT_COLUMNS, row, strict=True)) for row in rows]


def load_gold(gold_dir: Path, match: str | None = None) -> dict[str, dict[str, Any]]:
    """Gold files by stem; `match` (a glob such as "dev_[ac]_*") keeps only the documents it names."""
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(gold_dir.glob("*.json"))
        if match is None or fnmatch.fnmatchcase(path.stem, match)
    }


def _score_document(
    con: duckdb.DuckDBPyConnection, doc: dict[str, Any], gold: dict[str, Any]
) -> dict[str, Counts]:
    rows = con.execute("SELECT label, text, norm FROM entities WHERE doc_id = ?", [doc["doc_id"]]).fetchall()
    by_label: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for label, text, norm in rows:
        by_label[label].append((_collapse(text), _collapse(norm) or _collapse(text)))
    bodies: dict[str, set[str]] = defaultdict(set)
    for text, norm in by_label["BODY"]:
        bodies[norm].add(text)

    def folded(label: str) -> set[str]:
        return {_fold(v) for pair in by_label[label] for v in pair if v}

    recs = [
        r[0]
        for r in con.execute("SELECT text FROM recommendations WHERE doc_id = ?", [doc["doc_id"]]).fetchall()
    ]
    counts = {
        "BODY": _body_counts(bodies, gold),
        "ROLE": _set_counts(folded("ROLE"), {_fold(r) for r in gold.get("roles") or []}),
        "PERSON": _set_counts(
            {n for _, n in by_label["PERSON"]}, {_collapse(p["name"]) for p in gold.get("people") or []}
        ),
        "DATE": _set_counts(
            {n for _, n in by_label["DATE"] if n}, {d["iso"] for d in gold.get("dates") or []}
        ),
        "DATE_RAW": _set_counts(
            {t for t, _ in by_label["DATE"]}, {_collapse(d["raw"]) for d in gold.get("dates") or []}
        ),
        "PLACE": _set_counts(folded("PLACE"), {_fold(p) for p in gold.get("places") or []}),
        "MONEY": _set_counts(
            {t for t, _ in by_label["MONEY"]}, {_collapse(m) for m in gold.get("money") or []}
        ),
        "recommendations": _rec_counts(recs, gold.get("recommendations") or []),
    }
    # ROLE and PLACE compare texts and norms together: a row counts once, by whichever form matches
    for label, gold_key in (("ROLE", "roles"), ("PLACE", "places")):
        gold_set = {_fold(v) for v in gold.get(gold_key) or []}
        predicted = {(_fold(t), _fold(n)) for t, n in by_label[label]}
        hits = {g for pair in predicted for g in pair if g in gold_set}
        wrong = {pair[1] for pair in predicted if not (set(pair) & gold_set)}
        counts[label] = Counts(
            len(hits),
            len(wrong),
            len(gold_set - hits),
            [{"fp": w} for w in sorted(wrong)] + [{"fn": g} for g in sorted(gold_set - hits)],
        )
    counts.update(_meeting_counts(doc, gold))
    return counts


def evaluate_extraction(
    db_path: str | Path, gold_dir: str | Path, match: str | None = None
) -> dict[str, Any]:
    """Precision / recall / F1 per label, overall and per format, plus per-document errors.

    With `match`, only the gold documents whose stem matches that glob are scored (a held-out half).
    """
    gold = load_gold(Path(gold_dir), match)
    if not gold:
        raise GoldMismatch(f"No gold JSON files in {gold_dir}" + (f" match {match!r}" if match else "")
                           + ". Pass --gold with a folder of gold files (schema of ../shared/gold).")
    con = connect_read_only(db_path)
    try:
        docs = _documents(con)
        overall = {label: Counts() for label in LABELS}
        accuracy = {name: Accuracy() for name in ACCURACIES}
        by_format: dict[str, dict[str, Counts]] = defaultdict(lambda: {label: Counts() for label in LABELS})
        per_document: dict[str, Any] = {}
        unmatched = []
        for doc in docs:
            stem = Path(doc["filename"] or doc["doc_id"]).stem
            if stem not in gold:
                if match is None or fnmatch.fnmatchcase(stem, match):
                    unmatched.append(doc["doc_id"])
                continue
            fmt = (doc["format"] or Path(doc["filename"]).suffix.lstrip(".") or "unknown").lower()
            counts = _score_document(con, doc, gold[stem])
            for label, c in counts.items():
                overall[label].add(c)
                by_format[fmt][label].add(c)
            checks = _accuracy_checks(doc, gold[stem])
            for name, check in checks.items():
                accuracy[name].add(check["right"])
            per_document[doc["doc_id"]] = {
                "gold": stem,
                "format": fmt,
                "labels": {label: {**c.as_dict(), "errors": c.errors} for label, c in counts.items()},
                "accuracy": checks,
            }
    finally:
        con.close()
    matched_stems = {d["gold"] for d in per_document.values()}
    if not matched_stems:
        # Scoring nothing would print P = R = F1 = 1.000: say why instead.
        raise GoldMismatch(f"None of the {len(gold)} gold files in {gold_dir} names a document in {db_path} "
                           "(a gold file matches the document whose file name has the same stem). Ingest "
                           "those papers, or pass the --gold or --db that belong together.")
    return {
        "n_documents": len(per_document),
        "gold_without_document": sorted(set(gold) - matched_stems),
        "documents_without_gold": unmatched,
        "overall": {label: c.as_dict() for label, c in overall.items()},
        "accuracy": {name: a.as_dict(ACCURACY_DENOMINATORS[name]) for name, a in accuracy.items()},
        "by_format": {
            fmt: {label: c.as_dict() for label, c in counts.items()}
            for fmt, counts in sorted(by_format.items())
        },
        "per_document": per_document,
    }


def format_report(metrics: dict[str, Any]) -> str:
    """A plain-text table of the overall and per-format figures."""
    lines = [f"documents scored: {metrics['n_documents']}"]
    if metrics.get("gold_without_document"):
        lines.append("gold without a document: " + ", ".join(metrics["gold_without_document"]))
    blocks = [("overall", metrics["overall"])] + list(metrics["by_format"].items())
    for name, table in blocks:
        lines.append("")
        lines.append(f"{name:<18}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}")
        for label, m in table.items():
            lines.append(
                f"  {label:<16}{m['precision']:>7.3f}{m['recall']:>7.3f}{m['f1']:>7.3f}"
                f"{m['tp']:>6}{m['fp']:>6}{m['fn']:>6}"
            )
    lines += ["", "accuracy (pages right / pages scored)"]
    for name, a in (metrics.get("accuracy") or {}).items():
        lines.append(f"  {name:<16}{a['accuracy']:>7.3f}{a['correct']:>6} /{a['total']:>4}  "
                     f"{a['denominator']}")
    return "\n".join(lines)


__all__ = ["evaluate_extraction", "format_report", "load_gold"]
