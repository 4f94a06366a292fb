-- Up Migration

-- Log readers that hold a transaction (a subscription's batch: its checkpoint and its handler's writes)
-- must not hold every other reader back. A reader of the log takes only rows of transactions below the
-- log's watermark; that used to be the oldest transaction running anywhere on the server, so one slow
-- subscription batch stopped all readers until it committed. Now a transaction may mark itself as a log
-- reader (first thing after BEGIN, with mark_log_reader()); a marked transaction can never write events,
-- so the watermark may pass it.

-- The marker: application_name 'claim-ledger-log-reader:<own xid8>', transaction-local, published in
-- pg_stat_activity, plus a transaction-local flag the insert check reads. Only the marked transaction
-- can name its own xid from its own backend, so a reader that sees the marker can trust it; one that
-- does not see it yet (a stale pg_stat_activity) only keeps a lower watermark.
CREATE FUNCTION mark_log_reader() RETURNS xid8 LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  own xid8;
BEGIN
  -- A transaction that already has an id may already have written events the readers would then skip.
  IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
    RAISE EXCEPTION 'mark_log_reader() must be the first thing a transaction does: this one already has a transaction id'
      USING ERRCODE = 'active_sql_transaction';
  END IF;
  own := pg_current_xact_id();
  PERFORM set_config('application_name', 'claim-ledger-log-reader:' || own::text, true),
          set_config('claim_ledger.log_reader', 'on', true);
  RETURN own;
END;
$$;

-- Refuses writes to a table read in transaction-id order from a marked transaction. Shared with the
-- application's outbox, which is read under the same watermark.
CREATE FUNCTION refuse_log_reader_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('claim_ledger.log_reader', true) = 'on' OR current_setting('application_name') LIKE 'claim-ledger-log-reader:%' THEN
    RAISE EXCEPTION 'a log reader''s transaction cannot write to %: readers of the log do not wait for it', TG_TABLE_NAME
      USING ERRCODE = 'read_only_sql_transaction',
            HINT = 'write events from a transaction that did not call mark_log_reader() (e.g. not from a subscription''s batch)';
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER events_refuse_log_readers
  BEFORE INSERT ON events
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_log_reader_write();

-- The watermark (xid8): rows of transactions below it are final. It is the oldest running transaction
-- that could still write rows of this database, or the snapshot's xmax when none runs. Skipped: marked
-- log readers (they cannot write events), and transactions of other databases (they cannot write this
-- database's tables). Prepared transactions have no backend, so they are never skipped.
-- STABLE: it reads on the caller's snapshot, so a statement's rows and its watermark agree. PL/pgSQL
-- rather than SQL: its plan is cached per session instead of being made again on every call.
CREATE FUNCTION log_watermark() RETURNS xid8 LANGUAGE plpgsql STABLE PARALLEL RESTRICTED AS $$
DECLARE
  taken pg_snapshot := pg_current_snapshot();
  oldest xid8;
BEGIN
  SELECT min(running.xid) INTO oldest FROM pg_snapshot_xip(taken) AS running(xid)
   WHERE NOT EXISTS (
     SELECT 1 FROM pg_stat_get_activity(NULL) AS a
      WHERE a.backend_xid = xid(running.xid)
        AND (a.application_name = 'claim-ledger-log-reader:' || running.xid::text
             OR a.datid <> (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())));
  RETURN coalesce(oldest, pg_snapshot_xmax(taken));
END;
$$;

-- Down Migration
DROP FUNCTION log_watermark();
DROP TRIGGER events_refuse_log_readers ON events;
DROP FUNCTION refuse_log_reader_write();
DROP FUNCTION mark_log_reader();
