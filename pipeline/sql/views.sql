-- Views are recreated on every write; they hold no data.

-- One row per readable document x principle of the codebook: the decision, taken from the document's
-- strongest section (not its length), the number of sections at/above the threshold, and where the
-- strongest evidence is.  A principle no section scored is present = false with NULL evidence.
-- status: 'evidenced' | 'not evidenced' (assessed, nothing at the threshold) | 'not assessed' (a paper
-- outside health and care, with no text that could be evidence, or classified without a model), with
-- not_assessed_because saying which (documents.principles_status).
CREATE OR REPLACE VIEW doc_principles AS
WITH ranked AS (
    SELECT l.*,
           row_number() OVER (PARTITION BY l.doc_id, l.principle_id ORDER BY l.score DESC, s.ordinal)
               AS rank_in_doc,
           s.page_start,
           s.text AS section_text
    FROM section_labels l
    JOIN sections s USING (doc_id, section_id)
),
above AS (
    SELECT l.doc_id, l.principle_id, count(*) AS n_sections
    FROM section_labels l
    JOIN principles p USING (principle_id)
    WHERE l.score >= coalesce(p.threshold, 0.5)
    GROUP BY 1, 2
)
SELECT d.doc_id,
       p.principle_id,
       p.framework,
       coalesce(r.score >= coalesce(p.threshold, 0.5), false) AS present,
       r.score,
       coalesce(a.n_sections, 0) AS n_sections,
       r.section_id AS evidence_section_id,
       coalesce(r.evidence_text, left(r.section_text, 400)) AS evidence_text,
       coalesce(r.page, r.page_start) AS page,
       CASE WHEN d.principles_status NOT IN ('assessed', 'health_sections') OR d.principles_status IS NULL
                THEN 'not assessed'
            WHEN coalesce(r.score >= coalesce(p.threshold, 0.5), false) THEN 'evidenced'
            ELSE 'not evidenced' END AS status,
       CASE coalesce(d.principles_status, 'not_classified')
            WHEN 'outside_domain' THEN 'outside health and care'
            WHEN 'no_text' THEN 'no text'
            WHEN 'not_classified' THEN 'not classified' END AS not_assessed_because
FROM documents d
CROSS JOIN principles p
LEFT JOIN ranked r ON r.doc_id = d.doc_id AND r.principle_id = p.principle_id AND r.rank_in_doc = 1
LEFT JOIN above a ON a.doc_id = d.doc_id AND a.principle_id = p.principle_id
WHERE d.status = 'ok';
