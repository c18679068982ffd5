-- Views are recreated on every write; they hold no data.

-- Per document and principle: the decision, the strongest evidence and where it is.
CREATE OR REPLACE VIEW doc_principles AS
WITH ranked AS (
    SELECT l.*, row_number() OVER (PARTITION BY l.doc_id, l.principle_id ORDER BY l.score DESC, s.ordinal)
               AS rank_in_doc,
           count(*) OVER (PARTITION BY l.doc_id, l.principle_id) AS n_labelled,
           s.page_start, s.text AS section_text
    FROM section_labels l
    JOIN sections s USING (doc_id, section_id)
)
SELECT r.doc_id,
       r.principle_id,
       r.framework,
       r.score >= coalesce(p.threshold, 0.5) AS present,
       r.score,
       (SELECT count(*) FROM section_labels x
         WHERE x.doc_id = r.doc_id AND x.principle_id = r.principle_id
           AND x.score >= coalesce(p.threshold, 0.5)) AS n_sections,
       r.section_id AS evidence_section_id,
       coalesce(r.evidence_text, left(r.section_text, 400)) AS evidence_text,
       coalesce(r.page, r.page_start) AS page
FROM ranked r
LEFT JOIN principles p USING (principle_id)
WHERE r.rank_in_doc = 1;
