-- How much of a paper is health and care vocabulary (pipeline/data/domain.yaml): a paper of 300 words or more
-- below the minimum is classified only in its sections about health and care.  NULL when classification was off.
ALTER TABLE documents ADD COLUMN IF NOT EXISTS domain_rate DOUBLE;
