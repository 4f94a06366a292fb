-- Up Migration

-- As for the event log (event store migration 1776000000000): the refusal of log readers' rows is checked in
-- the trigger's WHEN clause, so an ordinary command's outbox row pays no PL/pgSQL call.
DROP TRIGGER feed_outbox_refuse_log_readers ON feed_outbox;
CREATE TRIGGER feed_outbox_refuse_log_readers
  BEFORE INSERT ON feed_outbox
  FOR EACH ROW
  WHEN (current_setting('claim_ledger.log_reader', true) = 'on' OR current_setting('application_name') LIKE 'claim-ledger-log-reader:%')
  EXECUTE FUNCTION refuse_log_reader_write();

-- Down Migration
DROP TRIGGER feed_outbox_refuse_log_readers ON feed_outbox;
CREATE TRIGGER feed_outbox_refuse_log_readers
  BEFORE INSERT ON feed_outbox
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_log_reader_write();
