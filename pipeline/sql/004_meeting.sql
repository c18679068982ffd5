-- The meeting a page records or goes to, read from its layout and grammar (pipeline/extract/meeting.py), with
-- the span of documents.text each field came from (char_start inclusive, char_end exclusive; NULL when the
-- field is unknown or was not found verbatim in the text) and the cue that read it.
-- meeting_date stays a DATE (NULL for a month-only date); meeting_date_text is the ISO text as precise as
-- the page is: '2021-03-04', or '2021-03' for "March 2021".
ALTER TABLE documents ADD COLUMN IF NOT EXISTS meeting_date_text VARCHAR;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS meeting_title VARCHAR;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS meeting_body_start INTEGER;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS meeting_body_end INTEGER;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS meeting_date_start INTEGER;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS meeting_date_end INTEGER;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS meeting_title_start INTEGER;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS meeting_title_end INTEGER;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS meeting_source VARCHAR;
