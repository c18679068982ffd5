-- Why a document (or page) gave no text, what the readers did to its text, and the settings used.
-- reason: a stable code (pipeline/reasons.py), NULL when status = 'ok'.  warnings: codes such as
-- repaired, encoding_fallback, nul_stripped, truncated, furniture_dropped, garbled_text, ocr.
ALTER TABLE documents ADD COLUMN IF NOT EXISTS reason VARCHAR;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS warnings VARCHAR[];
ALTER TABLE documents ADD COLUMN IF NOT EXISTS settings VARCHAR;

CREATE TABLE IF NOT EXISTS pages (
    doc_id          VARCHAR NOT NULL,
    page            INTEGER NOT NULL,
    n_chars         INTEGER,
    reason          VARCHAR,
    warnings        VARCHAR[],
    source          VARCHAR,
    ocr_confidence  DOUBLE,
    PRIMARY KEY (doc_id, page)
);

-- Rows that came from OCR'd pages: read with care (OCR misreads names and figures).
CREATE OR REPLACE VIEW ocr_rows AS
SELECT 'entity' AS kind, e.doc_id, e.page, e.label AS detail, e.text, p.ocr_confidence
FROM entities e JOIN pages p ON p.doc_id = e.doc_id AND p.page = e.page
WHERE p.source = 'ocr'
UNION ALL
SELECT 'recommendation', r.doc_id, r.page, r.kind, r.text, p.ocr_confidence
FROM recommendations r JOIN pages p ON p.doc_id = r.doc_id AND p.page = r.page
WHERE p.source = 'ocr'
UNION ALL
SELECT 'evidence', l.doc_id, l.page, l.principle_id, l.evidence_text, p.ocr_confidence
FROM section_labels l JOIN pages p ON p.doc_id = l.doc_id AND p.page = l.page
WHERE p.source = 'ocr';
