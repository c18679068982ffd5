-- Whether a readable paper was assessed against the design principles, so that "not evidenced" (assessed,
-- nothing found) is never confused with "not assessed":
--   'assessed'         the whole paper is about health and care and was classified
--   'health_sections'  a paper outside health and care whose health and care sections were classified
--   'outside_domain'   a paper outside health and care (pipeline/data/domain.yaml): not classified
--   'no_text'          no passage that could be evidence (empty, scanned, headings and contents only)
--   NULL               classification was off (no model) or the paper was not readable
ALTER TABLE documents ADD COLUMN IF NOT EXISTS principles_status VARCHAR;
-- Papers classified before this column existed were assessed as far as anyone can now tell.
UPDATE documents SET principles_status = 'assessed'
WHERE status = 'ok' AND domain_rate IS NOT NULL AND principles_status IS NULL;
