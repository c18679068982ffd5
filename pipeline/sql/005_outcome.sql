-- What became of each recommendation, resolution or decision: approved | noted | agreed | endorsed | deferred |
-- rejected | delegated | other, from the item's verb (cues in pipeline/data/recommendations.yaml).
ALTER TABLE recommendations ADD COLUMN IF NOT EXISTS outcome VARCHAR;
