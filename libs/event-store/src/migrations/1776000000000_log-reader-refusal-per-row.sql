-- Up Migration

-- The refusal of log readers' writes moves into the WHEN clause of the row trigger that keys the log
-- (events_log_key): the server evaluates the condition without calling PL/pgSQL, so an ordinary append pays
-- for one trigger's condition, not for a PL/pgSQL call on every statement (which added about a third to a
-- single-event append's latency). The outbox keeps a trigger of its own, with the same condition.
-- refuse_log_reader_write() keeps its name: log_watermark() finds the tables that refuse readers by it.
CREATE OR REPLACE FUNCTION refuse_log_reader_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('claim_ledger.log_reader', true) = 'on' OR current_setting('application_name') LIKE 'claim-ledger-log-reader:%' THEN
    RAISE EXCEPTION 'a log reader''s transaction cannot write to %: readers of the log do not wait for it', TG_TABLE_NAME
      USING ERRCODE = 'read_only_sql_transaction',
            HINT = 'write events from a transaction that did not call mark_log_reader() (e.g. not from a subscription''s batch)';
  END IF;
  IF TG_LEVEL = 'ROW' THEN
    RETURN NEW;
  END IF;
  RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION events_log_key() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  predecessor xid8;
BEGIN
  IF current_setting('claim_ledger.log_reader', true) = 'on' OR current_setting('application_name') LIKE 'claim-ledger-log-reader:%' THEN
    RAISE EXCEPTION 'a log reader''s transaction cannot write to %: readers of the log do not wait for it', TG_TABLE_NAME
      USING ERRCODE = 'read_only_sql_transaction',
            HINT = 'write events from a transaction that did not call mark_log_reader() (e.g. not from a subscription''s batch)';
  END IF;
  NEW.transaction_id := pg_current_xact_id();
  IF NEW.stream_version > 1 THEN
    SELECT e.transaction_id INTO predecessor FROM events e
     WHERE e.stream_id = NEW.stream_id AND e.stream_version = NEW.stream_version - 1;
    IF predecessor > NEW.transaction_id THEN
      NEW.transaction_id := predecessor;
    END IF;
  END IF;
  RETURN NEW;
END;
$$;

DROP TRIGGER events_refuse_log_readers ON events;
DROP TRIGGER events_log_key ON events;
CREATE TRIGGER events_log_key
  BEFORE INSERT ON events
  FOR EACH ROW
  WHEN (NEW.transaction_id IS DISTINCT FROM pg_current_xact_id()
        OR (NEW.stream_version > 1 AND pg_current_xact_id() < pg_snapshot_xmax(pg_current_snapshot()))
        OR current_setting('claim_ledger.log_reader', true) = 'on'
        OR current_setting('application_name') LIKE 'claim-ledger-log-reader:%')
  EXECUTE FUNCTION events_log_key();
ALTER TABLE events ENABLE ALWAYS TRIGGER events_log_key;
-- log_watermark() knows the tables that refuse log readers' writes by their triggers' functions: the log's
-- refusal now lives in events_log_key.
CREATE OR REPLACE FUNCTION log_watermark() RETURNS xid8 LANGUAGE plpgsql STABLE PARALLEL RESTRICTED AS $$
DECLARE
  taken pg_snapshot := pg_current_snapshot();
  here oid := (SELECT d.oid FROM pg_database d WHERE d.datname = current_database());
  oldest xid8;
BEGIN
  WITH locks AS MATERIALIZED (SELECT * FROM pg_lock_status() AS l WHERE l.database = here AND l.granted)
  SELECT min(running.xid) INTO oldest FROM pg_snapshot_xip(taken) AS running(xid)
   WHERE NOT EXISTS (
     SELECT 1 FROM pg_stat_get_activity(NULL) AS a
      WHERE a.backend_xid = xid(running.xid)
        AND (a.datid <> here
             OR (a.application_name = 'claim-ledger-log-reader:' || running.xid::text
                 AND EXISTS (
                   SELECT 1 FROM locks AS mark
                    WHERE mark.pid = a.pid AND mark.locktype = 'advisory' AND mark.objsubid = 1
                      AND (mark.classid::text::bigint << 32) | mark.objid::text::bigint = log_reader_lock_key(running.xid))
                 AND NOT EXISTS (
                   SELECT 1 FROM locks AS wrote
                    WHERE wrote.pid = a.pid AND wrote.locktype = 'relation' AND wrote.mode = 'RowExclusiveLock'
                      AND wrote.relation IN (SELECT t.tgrelid FROM pg_trigger AS t WHERE t.tgfoid IN ('refuse_log_reader_write'::regproc, 'events_log_key'::regproc))))));
  RETURN coalesce(oldest, pg_snapshot_xmax(taken));
END;
$$;


-- Down Migration
DROP TRIGGER events_log_key ON events;
CREATE TRIGGER events_log_key
  BEFORE INSERT ON events
  FOR EACH ROW
  WHEN (NEW.transaction_id IS DISTINCT FROM pg_current_xact_id()
        OR (NEW.stream_version > 1 AND pg_current_xact_id() < pg_snapshot_xmax(pg_current_snapshot())))
  EXECUTE FUNCTION events_log_key();
ALTER TABLE events ENABLE ALWAYS TRIGGER events_log_key;
CREATE TRIGGER events_refuse_log_readers
  BEFORE INSERT ON events
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_log_reader_write();
