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
