-- Up Migration

-- A log reader's mark (1770000000000) could be withdrawn, or imitated, after a reader relied on it. Made in
-- a subtransaction, ROLLBACK TO SAVEPOINT took its settings back, and the transaction could then write
-- events below a position a reader had already passed. And any transaction could give itself the marker
-- name by hand after writing. Now:
--  - the mark is made at a transaction's top level only, where nothing but the end of the transaction
--    undoes it;
--  - it also takes a transaction-level advisory lock keyed on the transaction's id (no one can release it
--    early), and the watermark passes a transaction only when its session holds that lock and no lock
--    that writing to the log leaves behind. A name or a lock set by hand after writing fools no reader.

-- A row written here gets the writer's current transaction id as its xmin, a subtransaction's own id
-- inside a savepoint: that is how the mark tells where it runs. Its rows do not outlive the call.
CREATE UNLOGGED TABLE log_reader_probe ();
GRANT SELECT, INSERT, DELETE ON log_reader_probe TO PUBLIC;

-- The mark's lock: (0x636c6c72 << 32) | the transaction id's low 32 bits. pg_locks shows a bigint advisory
-- key as classid (high half), objid (low half) and objsubid 1.
CREATE FUNCTION log_reader_lock_key(reader xid8) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT (1668049010::bigint << 32) | xid(reader)::text::bigint $$;

CREATE OR REPLACE FUNCTION mark_log_reader() RETURNS xid8 LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  own xid8;
  probe_xmin xid;
  probe_row tid;
BEGIN
  -- A transaction that already has an id may already have written events the readers would then skip.
  IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
    RAISE EXCEPTION 'mark_log_reader() must be the first thing a transaction does: this one already has a transaction id'
      USING ERRCODE = 'active_sql_transaction';
  END IF;
  INSERT INTO log_reader_probe DEFAULT VALUES RETURNING xmin, ctid INTO probe_xmin, probe_row;
  DELETE FROM log_reader_probe WHERE ctid = probe_row;
  own := pg_current_xact_id();
  IF NOT probe_xmin = xid(own) THEN
    RAISE EXCEPTION 'mark_log_reader() must run at the top level of a transaction, not in a savepoint or a block with an exception handler: rolling back to it would take the mark back'
      USING ERRCODE = 'active_sql_transaction';
  END IF;
  IF NOT pg_try_advisory_xact_lock(log_reader_lock_key(own)) THEN
    RAISE EXCEPTION 'mark_log_reader(): another session holds this transaction''s reader lock (key %)', log_reader_lock_key(own)
      USING ERRCODE = 'lock_not_available';
  END IF;
  PERFORM set_config('application_name', 'claim-ledger-log-reader:' || own::text, true),
          set_config('claim_ledger.log_reader', 'on', true);
  RETURN own;
END;
$$;

-- The watermark (xid8): rows of transactions below it are final. It is the oldest running transaction that
-- could still write rows of this database, or the snapshot's xmax when none runs. Skipped: transactions of
-- other databases (they cannot write this database's tables), and marked log readers, known by three
-- signs together: the marker name, the mark's lock held by the same session, and no RowExclusiveLock on
-- a table that refuses log readers' writes (a transaction holds that lock from its first write there to its
-- end, so one that wrote before imitating a mark is never passed). Each sign disappears when the
-- transaction ends, so a sign read late only keeps the watermark lower. Prepared transactions have no
-- session, so they are never skipped. The lock table is read only when a running transaction carries the
-- marker name (a CTE runs when first read), and at most once per call.
-- STABLE: it reads on the caller's snapshot, so a statement's rows and its watermark agree. PL/pgSQL
-- rather than SQL: its plan is cached per session instead of being made again on every call.
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
                      AND wrote.relation IN (SELECT t.tgrelid FROM pg_trigger AS t WHERE t.tgfoid = 'refuse_log_reader_write'::regproc)))));
  RETURN coalesce(oldest, pg_snapshot_xmax(taken));
END;
$$;

-- Down Migration
CREATE OR REPLACE FUNCTION log_watermark() RETURNS xid8 LANGUAGE plpgsql STABLE PARALLEL RESTRICTED AS $$
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
CREATE OR REPLACE FUNCTION mark_log_reader() RETURNS xid8 LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  own xid8;
BEGIN
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
DROP FUNCTION log_reader_lock_key(xid8);
DROP TABLE log_reader_probe;
