"""The review loop: export the least certain section predictions, import an analyst's verdicts as labels.

Export writes one row per (section, principle) whose score lies nearest the principle's threshold, with
an empty `verdict` to fill in: `agree` (the section addresses the principle), `disagree` (it does not),
or `other` (it addresses `other_principle_id` instead).  Import turns marked rows into
`corpus/labels/review_<date>.csv` (`text,principle_id,label`), which the next `icsdocs train` reads.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from ..csvcell import safe_row
from .labels import LabelError

EXPORT_FIELDS = ("doc_id", "section_id", "heading", "text", "principle_id", "score", "verdict",
                 "other_principle_id")
VERDICTS = ("agree", "disagree", "other")


def export_review(db_path: Path | str, out_csv: Path | str, n: int = 50) -> int:
    """Write the `n` section labels whose score is nearest their principle's threshold; return the count."""
    from ..store import connect_read_only

    con = connect_read_only(db_path)
    try:
        rows = con.execute(
            """
            SELECT l.doc_id, l.section_id, s.heading, s.text, l.principle_id, l.score
            FROM section_labels l
            JOIN sections s USING (doc_id, section_id)
            LEFT JOIN principles p USING (principle_id)
            ORDER BY abs(l.score - coalesce(p.threshold, 0.5)), l.doc_id, s.ordinal, l.principle_id
            LIMIT ?
            """,
            [n],
        ).fetchall()
    finally:
        con.close()
    out_csv = Path(out_csv)
    out_csv.parent.mkdir(parents=True, exist_ok=True)
    with open(out_csv, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(EXPORT_FIELDS)
        for doc_id, section_id, heading, text, principle_id, score in rows:
            row = (doc_id, section_id, heading or "", text, principle_id, f"{score:.4f}", "", "")
            writer.writerow(safe_row(row))
    return len(rows)


def import_review(csv_in: Path | str, labels_dir: Path | str, *, today: date | None = None) -> Path:
    """Append the marked rows of a review CSV to `labels_dir/review_<date>.csv`; return that path.

    agree -> label 1 for the predicted principle; disagree -> 0; other -> 0 for the predicted principle
    and 1 for `other_principle_id`.  Rows with an empty verdict are skipped; an unknown verdict, or
    `other` without a principle id, raises LabelError naming the line.
    """
    from .codebook import load_codebooks

    known = {p.principle_id for p in load_codebooks()}
    out_rows: list[tuple[str, str, int, str]] = []
    with open(csv_in, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {"text", "principle_id", "verdict"} - set(reader.fieldnames or ())
        if missing:
            raise LabelError(f"{csv_in}: missing column(s) {sorted(missing)}; export one with "
                             "`icsdocs review export`")
        for n, rec in enumerate(reader, start=2):
            verdict = (rec.get("verdict") or "").strip().lower()
            if not verdict:
                continue
            if verdict not in VERDICTS:
                raise LabelError(f"{csv_in}, line {n}: verdict must be one of {', '.join(VERDICTS)}, "
                                 f"found {verdict!r}")
            text, pid, doc_id = rec["text"], rec["principle_id"].strip(), (rec.get("doc_id") or "").strip()
            if verdict == "agree":
                out_rows.append((text, pid, 1, doc_id))
            elif verdict == "disagree":
                out_rows.append((text, pid, 0, doc_id))
            else:
                other = (rec.get("other_principle_id") or "").strip()
                if other not in known:
                    raise LabelError(f"{csv_in}, line {n}: verdict 'other' needs other_principle_id, one of "
                                     f"the codebook ids (found {other!r})")
                out_rows.extend([(text, pid, 0, doc_id), (text, other, 1, doc_id)])
    labels_dir = Path(labels_dir)
    labels_dir.mkdir(parents=True, exist_ok=True)
    out = labels_dir / f"review_{(today or date.today()).isoformat()}.csv"
    new_file = not out.exists()
    with open(out, "a", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        if new_file:
            writer.writerow(("text", "principle_id", "label", "doc_id"))
        writer.writerows(out_rows)
    return out
