-- Core tables: documents, sections, runs.  Column names are a contract with analysts' SQL.
CREATE TABLE IF NOT EXISTS runs (
    run_id       VARCHAR PRIMARY KEY,
    started_at   TIMESTAMP,
    finished_at  TIMESTAMP,
    version      VARCHAR,
    n_docs       INTEGER,
    n_ok         INTEGER,
    n_failed     INTEGER,
    args         VARCHAR
);

CREATE TABLE IF NOT EXISTS documents (
    doc_id           VARCHAR PRIMARY KEY,
    path             VARCHAR NOT NULL,
    filename         VARCHAR NOT NULL,
    sha256           VARCHAR NOT NULL,
    format           VARCHAR,
    status           VARCHAR NOT NULL,
    error            VARCHAR,
    n_pages          INTEGER,
    n_chars          INTEGER,
    title            VARCHAR,
    locality         VARCHAR,
    locality_source  VARCHAR,
    doc_type         VARCHAR,
    doc_type_source  VARCHAR,
    meeting_body     VARCHAR,
    meeting_date     DATE,
    ingested_at      TIMESTAMP,
    run_id           VARCHAR,
    text             VARCHAR
);

CREATE TABLE IF NOT EXISTS sections (
    doc_id        VARCHAR NOT NULL,
    section_id    VARCHAR NOT NULL,
    ordinal       INTEGER NOT NULL,
    parent_id     VARCHAR,
    heading       VARCHAR,
    heading_path  VARCHAR[],
    level         INTEGER,
    kind          VARCHAR,
    text          VARCHAR,
    page_start    INTEGER,
    page_end      INTEGER,
    char_start    INTEGER,
    char_end      INTEGER,
    PRIMARY KEY (doc_id, section_id)
);
