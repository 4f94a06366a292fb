-- Up Migration

-- The log key of a row. Readers order the log by (transaction_id, global_position) and read only below the
-- log's watermark, so transaction_id must be the writer's, never a value the INSERT chose: the trigger
-- resets it, for every role (ENABLE ALWAYS: also under session_replication_role = replica).
--
-- It also keeps each stream's events in version order in the log. A transaction that took its id before
-- another one can append to a stream after that other one committed to it (inside a caller's transaction);
-- its own id would place the later version first. Such a row takes its predecessor's transaction id instead,
-- and sorts after it by global position (assigned later). That keeps the log gap-safe: a row only ever gets
-- a key at or above its writer's own id, and every transaction still running, or yet to start, has an id at
-- or above the readers' watermark, so no row can appear below a position a reader has passed.
--
-- The WHEN clause keeps the common append free of any lookup: a writer whose id was assigned after the
-- statement's snapshot was taken (its first write is this statement) is younger than every predecessor it
-- can have read, so its own id (the column default) already orders the row.
CREATE FUNCTION events_log_key() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  predecessor xid8;
BEGIN
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

CREATE TRIGGER events_log_key
  BEFORE INSERT ON events
  FOR EACH ROW
  WHEN (NEW.transaction_id IS DISTINCT FROM pg_current_xact_id()
        OR (NEW.stream_version > 1 AND pg_current_xact_id() < pg_snapshot_xmax(pg_current_snapshot())))
  EXECUTE FUNCTION events_log_key();
ALTER TABLE events ENABLE ALWAYS TRIGGER events_log_key;

-- The general append (see stream-append.ts): one call, race-free for every expectation. Appends to one
-- stream through it serialise on a transaction-scoped advisory lock on the stream; each statement of a
-- VOLATILE function takes a fresh snapshot, so once the lock is granted the head read sees what the
-- previous holder committed, and the next version is decided there, not guessed by the client. Appends on
-- the fast path (a plain INSERT after a known head) do not take the lock: when one of them takes the version
-- first, the first row's ON CONFLICT DO NOTHING waits for it, and the loop reads the head again.
--
-- p_events is a JSON array of {eventId, type, schemaVersion, data, metadata, recordedAt, contentHash (hex)}.
-- outcome: 'written'; 'wrong_version' (head_version is the stream's version); 'stored' (an event id of the
-- batch is stored already: the caller decides between an identical retry and a conflict). Nothing is
-- written unless 'written', and no outcome aborts the caller's transaction.
CREATE FUNCTION event_store_append(
  p_stream_id text, p_events jsonb, p_expected text, p_version bigint,
  OUT outcome text, OUT head_version bigint, OUT positions bigint[], OUT last_transaction_id text
) LANGUAGE plpgsql AS $$
DECLARE
  batch_size int := jsonb_array_length(p_events);
  head_hash bytea;
  hashes bytea[];
  first_position bigint;
  attempt int := 0;
  as_expected boolean;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('claim-ledger:stream:' || p_stream_id, 0));
  LOOP
    attempt := attempt + 1;
    IF EXISTS (SELECT 1 FROM jsonb_array_elements(p_events) AS n(value)
                 JOIN events e ON e.event_id = (n.value->>'eventId')::uuid) THEN
      outcome := 'stored';
      RETURN;
    END IF;
    SELECT e.stream_version, e.hash INTO head_version, head_hash
      FROM events e WHERE e.stream_id = p_stream_id ORDER BY e.stream_version DESC LIMIT 1;
    head_version := coalesce(head_version, 0);
    head_hash := coalesce(head_hash, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea);
    as_expected := CASE p_expected WHEN 'any' THEN true
                                   WHEN 'no_stream' THEN head_version = 0
                                   WHEN 'stream_exists' THEN head_version > 0
                                   ELSE head_version = p_version END;
    IF NOT as_expected THEN
      outcome := 'wrong_version';
      RETURN;
    END IF;
    -- The chain: sha256(previous hash || version as int8 || content hash), as event-hash.ts computes it.
    hashes := '{}';
    FOR i IN 1..batch_size LOOP
      head_hash := sha256(head_hash || int8send(head_version + i) || decode(p_events->(i - 1)->>'contentHash', 'hex'));
      hashes := hashes || head_hash;
    END LOOP;
    INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata, recorded_at, hash)
    SELECT p_stream_id, head_version + 1, (x->>'eventId')::uuid, x->>'type', (x->>'schemaVersion')::int,
           x->'data', x->'metadata', (x->>'recordedAt')::timestamptz, hashes[1]
      FROM (SELECT p_events->0) AS n(x)
    ON CONFLICT DO NOTHING
    RETURNING global_position, transaction_id::text INTO first_position, last_transaction_id;
    EXIT WHEN first_position IS NOT NULL;
    -- Another writer committed this version or one of these ids meanwhile: look again. Each turn means a
    -- commit by someone else, so this ends; the bound only turns a bug into an error.
    IF attempt >= 1000 THEN
      RAISE EXCEPTION 'event store: append to % kept losing the race for its next version', p_stream_id
        USING ERRCODE = 'serialization_failure';
    END IF;
  END LOOP;
  positions := ARRAY[first_position];
  IF batch_size > 1 THEN
    -- The first row holds the next version, so no other writer can take the ones after it. They chain to
    -- it in this transaction, so they share its log key (see events_log_key).
    WITH inserted AS (
      INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata, recorded_at, hash)
      SELECT p_stream_id, head_version + n.ordinal, (n.value->>'eventId')::uuid, n.value->>'type', (n.value->>'schemaVersion')::int,
             n.value->'data', n.value->'metadata', (n.value->>'recordedAt')::timestamptz, hashes[n.ordinal]
        FROM jsonb_array_elements(p_events) WITH ORDINALITY AS n(value, ordinal)
       WHERE n.ordinal > 1
       ORDER BY n.ordinal
      RETURNING global_position
    )
    SELECT positions || array_agg(i.global_position ORDER BY i.global_position) INTO positions FROM inserted i;
  END IF;
  outcome := 'written';
END;
$$;

-- Down Migration
DROP FUNCTION event_store_append(text, jsonb, text, bigint);
DROP TRIGGER events_log_key ON events;
DROP FUNCTION events_log_key();
