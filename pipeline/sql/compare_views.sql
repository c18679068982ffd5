-- Comparison views across localities.  Recreated on every write (CREATE OR REPLACE); they hold no data.
--
-- Conventions shared by every view here:
--   * a document whose locality is NULL is grouped under the locality '(unknown)';
--   * a document is readable when documents.status = 'ok'; only readable documents have sections,
--     entities, recommendations, memberships and labels;
--   * a section evidences a principle when its score >= the principle's threshold (0.5 when the codebook
--     gives none), the same rule as doc_principles;
--   * "dates seen" of a body or role are the meeting dates (documents.meeting_date) of the readable papers
--     that mention it.  Dates written inside a paper are not used: papers cite past events and planned
--     go-live dates, so the earliest or latest date in the text says little about when the paper was
--     written.  first_seen / last_seen are NULL when no paper mentioning the name has a known meeting date.

-- Every document with its locality bucket; the base of the other views.
CREATE OR REPLACE VIEW locality_documents AS
SELECT coalesce(locality, '(unknown)') AS locality, doc_id, filename, format, status, error, n_pages,
       title, doc_type, meeting_body, meeting_date, principles_status,
       status = 'ok' AND principles_status IN ('assessed', 'health_sections') AS assessed,
       CASE WHEN status <> 'ok' THEN NULL
            WHEN principles_status = 'outside_domain' THEN 'outside health and care'
            WHEN principles_status = 'no_text' THEN 'no text'
            WHEN principles_status IS NULL THEN 'not classified' END AS not_assessed_because
FROM documents;

-- One row per locality x principle (every locality seen in documents, every principle in the codebook).
--   n_docs             readable documents of the locality
--   n_docs_evidencing  readable documents with at least one section at/above the threshold
--   n_sections         sections at/above the threshold, over all the locality's documents
--   best_score         highest score any section got, even below the threshold (NULL: never scored)
--   n_docs_assessed    readable documents assessed against the principles (about health and care, with text)
--   status             'evidenced' | 'not evidenced' (papers assessed, nothing found) | 'not assessed' (papers
--                      read but none assessed) | 'no readable documents' (every paper failed to parse)
--   not_assessed_because  for 'not assessed': why, e.g. 'outside health and care', 'no text', 'not classified'
CREATE OR REPLACE VIEW locality_principles AS
WITH localities AS (
    SELECT locality, count(*) FILTER (WHERE status = 'ok') AS n_docs,
           count(*) FILTER (WHERE assessed) AS n_docs_assessed,
           string_agg(DISTINCT not_assessed_because, '; ' ORDER BY not_assessed_because)
               AS not_assessed_because
    FROM locality_documents
    GROUP BY locality
),
scored AS (
    SELECT d.locality, l.doc_id, l.section_id, l.principle_id, l.score,
           l.score >= coalesce(p.threshold, 0.5) AS evidencing
    FROM section_labels l
    JOIN locality_documents d ON d.doc_id = l.doc_id AND d.status = 'ok'
    JOIN principles p ON p.principle_id = l.principle_id
),
per_principle AS (
    SELECT locality, principle_id,
           count(DISTINCT doc_id) FILTER (WHERE evidencing) AS n_docs_evidencing,
           count(DISTINCT doc_id || chr(31) || section_id) FILTER (WHERE evidencing) AS n_sections,
           max(score) AS best_score
    FROM scored
    GROUP BY locality, principle_id
)
SELECT loc.locality,
       p.framework,
       p.principle_id,
       p.principle_name,
       loc.n_docs,
       coalesce(x.n_docs_evidencing, 0) AS n_docs_evidencing,
       coalesce(x.n_sections, 0) AS n_sections,
       x.best_score,
       CASE WHEN loc.n_docs = 0 THEN 'no readable documents'
            WHEN coalesce(x.n_docs_evidencing, 0) > 0 THEN 'evidenced'
            WHEN loc.n_docs_assessed = 0 THEN 'not assessed'
            ELSE 'not evidenced' END AS status,
       loc.n_docs_assessed,
       CASE WHEN loc.n_docs > 0 AND coalesce(x.n_docs_evidencing, 0) = 0 AND loc.n_docs_assessed = 0
            THEN loc.not_assessed_because END AS not_assessed_because
FROM localities loc
CROSS JOIN principles p
LEFT JOIN per_principle x ON x.locality = loc.locality AND x.principle_id = p.principle_id;

-- Every section label at/above its principle's threshold, with where to find it.
--   page   the label's page, else the first page of its section
--   quote  the classifier's evidence span (section_labels.evidence_text); when the classifier gave no
--          span, the first 400 characters of the section (the same fallback as doc_principles)
CREATE OR REPLACE VIEW principle_evidence AS
SELECT d.locality,
       l.principle_id,
       l.doc_id,
       d.filename,
       coalesce(l.page, s.page_start) AS page,
       s.heading_path,
       l.score,
       coalesce(l.evidence_text, left(s.text, 400)) AS quote
FROM section_labels l
JOIN locality_documents d ON d.doc_id = l.doc_id AND d.status = 'ok'
JOIN principles p ON p.principle_id = l.principle_id
LEFT JOIN sections s ON s.doc_id = l.doc_id AND s.section_id = l.section_id
WHERE l.score >= coalesce(p.threshold, 0.5);

-- Entities named in each locality's papers by label and canonical name (entities.norm, else the text as
-- written); the base of locality_bodies and locality_roles.
CREATE OR REPLACE VIEW locality_entity_counts AS
SELECT d.locality,
       e.label,
       coalesce(nullif(trim(e.norm), ''), e.text) AS name,
       count(DISTINCT e.doc_id) AS n_docs,
       count(*) AS n_mentions,
       min(d.meeting_date) AS first_seen,
       max(d.meeting_date) AS last_seen
FROM entities e
JOIN locality_documents d ON d.doc_id = e.doc_id AND d.status = 'ok'
GROUP BY d.locality, e.label, coalesce(nullif(trim(e.norm), ''), e.text);

-- Bodies named in each locality's papers, by canonical name.
CREATE OR REPLACE VIEW locality_bodies AS
SELECT locality, name AS body, n_docs, n_mentions, first_seen, last_seen
FROM locality_entity_counts WHERE label = 'BODY';

-- Roles (post titles) named in each locality's papers; same columns and rules as locality_bodies.
CREATE OR REPLACE VIEW locality_roles AS
SELECT locality, name AS role, n_docs, n_mentions, first_seen, last_seen
FROM locality_entity_counts WHERE label = 'ROLE';

-- Who sits on which body, one row per distinct (body, member) statement per document and page.
CREATE OR REPLACE VIEW locality_memberships AS
SELECT DISTINCT d.locality, m.body, m.member, m.member_kind, m.doc_id, d.filename, d.meeting_date, m.page
FROM memberships m
JOIN locality_documents d ON d.doc_id = m.doc_id AND d.status = 'ok';

-- What the boards were asked to agree, with the paper, its meeting and the page.
CREATE OR REPLACE VIEW recommendations_by_locality AS
SELECT d.locality, r.doc_id, d.filename, d.meeting_body, d.meeting_date, r.page, r.kind, r.outcome,
       r.addressed_to, r.text
FROM recommendations r
JOIN locality_documents d ON d.doc_id = r.doc_id AND d.status = 'ok';

-- Dates written in the papers (DATE entities with an ISO norm: YYYY, YYYY-MM or YYYY-MM-DD, kept as text so
-- month-only dates stay month-only; ISO text sorts in date order).  context is the document text from
-- 80 characters before the date to 80 after it, whitespace collapsed.
CREATE OR REPLACE VIEW timeline AS
SELECT d.locality,
       e.norm AS date,
       e.doc_id,
       e.page,
       coalesce(
           trim(regexp_replace(
               substring(t.text, greatest(e.char_start - 80, 0) + 1,
                         least(e.char_end + 80, length(t.text)) - greatest(e.char_start - 80, 0)),
               '\s+', ' ', 'g')),
           e.text) AS context
FROM entities e
JOIN locality_documents d ON d.doc_id = e.doc_id AND d.status = 'ok'
JOIN documents t ON t.doc_id = e.doc_id
WHERE e.label = 'DATE' AND regexp_matches(e.norm, '^[0-9]{4}(-[0-9]{2}){0,2}$');
