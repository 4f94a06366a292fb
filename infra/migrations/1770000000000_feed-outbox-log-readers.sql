-- Up Migration

-- The outbox is read under the event log's watermark (log_watermark()), which passes transactions marked
-- as log readers: like the log, it must refuse their rows, or a reader could move past one.
CREATE TRIGGER feed_outbox_refuse_log_readers
  BEFORE INSERT ON feed_outbox
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_log_reader_write();

-- Down Migration
DROP TRIGGER feed_outbox_refuse_log_readers ON feed_outbox;
