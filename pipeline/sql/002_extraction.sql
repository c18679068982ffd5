-- Extraction and classification tables.  Offsets index documents.text.
CREATE TABLE IF NOT EXISTS entities (
    doc_id      VARCHAR NOT NULL,
    section_id  VARCHAR,
    label       VARCHAR NOT NULL,
    text        VARCHAR NOT NULL,
    norm        VARCHAR,
    char_start  INTEGER,
    char_end    INTEGER,
    page        INTEGER,
    source      VARCHAR,
    flag        VARCHAR
);

CREATE TABLE IF NOT EXISTS recommendations (
    doc_id        VARCHAR NOT NULL,
    section_id    VARCHAR,
    text          VARCHAR NOT NULL,
    kind          VARCHAR,
    addressed_to  VARCHAR,
    char_start    INTEGER,
    char_end      INTEGER,
    page          INTEGER
);

CREATE TABLE IF NOT EXISTS cover_fields (
    doc_id  VARCHAR NOT NULL,
    field   VARCHAR NOT NULL,
    value   VARCHAR
);

CREATE TABLE IF NOT EXISTS memberships (
    doc_id       VARCHAR NOT NULL,
    section_id   VARCHAR,
    body         VARCHAR NOT NULL,
    member       VARCHAR NOT NULL,
    member_kind  VARCHAR,
    page         INTEGER,
    char_start   INTEGER,
    char_end     INTEGER
);

CREATE TABLE IF NOT EXISTS section_labels (
    doc_id          VARCHAR NOT NULL,
    section_id      VARCHAR NOT NULL,
    principle_id    VARCHAR NOT NULL,
    framework       VARCHAR NOT NULL,
    score           DOUBLE NOT NULL,
    method          VARCHAR,
    evidence_text   VARCHAR,
    evidence_start  INTEGER,
    evidence_end    INTEGER,
    page            INTEGER
);

-- The codebook the labels refer to, with the document-level decision threshold of each principle.
CREATE TABLE IF NOT EXISTS principles (
    framework       VARCHAR NOT NULL,
    principle_id    VARCHAR PRIMARY KEY,
    principle_name  VARCHAR,
    definition      VARCHAR,
    threshold       DOUBLE
);
