-- Up Migration

-- The log. Every row is immutable once written (see the append-only triggers below).
-- transaction_id is the writer's transaction id: readers of the global log order by
-- (transaction_id, global_position) and only take rows below the oldest running transaction
-- (pg_snapshot_xmin), so a transaction that commits late can never be skipped by a reader
-- that already moved past a later sequence number.
CREATE TABLE events (
  global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
  stream_id       text        NOT NULL,
  stream_version  bigint      NOT NULL CHECK (stream_version > 0),
  event_id        uuid        NOT NULL,
  event_type      text        NOT NULL,
  schema_version  integer     NOT NULL DEFAULT 1 CHECK (schema_version > 0),
  data            jsonb       NOT NULL,
  metadata        jsonb       NOT NULL DEFAULT '{}'::jsonb,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT events_stream_version_unique UNIQUE (stream_id, stream_version),
  CONSTRAINT events_event_id_unique UNIQUE (event_id)
);

CREATE INDEX events_log_order ON events (transaction_id, global_position);

CREATE FUNCTION events_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the events table is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER events_append_only_rows
  BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION events_reject_change();

CREATE TRIGGER events_append_only_truncate
  BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION events_reject_change();

-- One round trip per append. Returns a single row:
--   outcome 'appended'   positions of the new rows
--   outcome 'duplicate'  every event id was already stored with the same content (a retry): positions of those rows
--   outcome 'wrong_expected_version' / 'event_id_conflict'  nothing written
-- Expectation kinds: 'exact' (p_expected_version), 'no_stream', 'stream_exists', 'any'.
-- Concurrent writers that pass the version check race on events_stream_version_unique: the loser
-- gets a unique violation, which the client turns into WrongExpectedVersion (or a retry for 'any').
CREATE FUNCTION append_events(
  p_stream_id text,
  p_expected_kind text,
  p_expected_version bigint,
  p_events jsonb
) RETURNS TABLE (
  outcome text,
  stream_version bigint,
  positions bigint[],
  transaction_id text,
  conflicting_event_id uuid
) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  v_current bigint;
  v_count int := jsonb_array_length(p_events);
  v_found int;
  v_conflict uuid;
BEGIN
  -- Idempotency: a retry of an append that already went through writes nothing.
  SELECT count(*),
         (array_agg(e.event_id) FILTER (
            WHERE e.stream_id <> p_stream_id
               OR e.event_type <> n.value->>'type'
               OR e.schema_version <> (n.value->>'schemaVersion')::int
               OR e.data <> n.value->'data'))[1]
    INTO v_found, v_conflict
    FROM jsonb_array_elements(p_events) AS n
    JOIN events e ON e.event_id = (n.value->>'eventId')::uuid;

  IF v_found > 0 THEN
    IF v_conflict IS NOT NULL THEN
      RETURN QUERY SELECT 'event_id_conflict'::text, NULL::bigint, NULL::bigint[], NULL::text, v_conflict;
      RETURN;
    END IF;
    IF v_found < v_count THEN
      RETURN QUERY SELECT 'event_id_conflict'::text, NULL::bigint, NULL::bigint[], NULL::text,
        (SELECT e.event_id FROM events e
           WHERE e.event_id IN (SELECT (n.value->>'eventId')::uuid FROM jsonb_array_elements(p_events) n) LIMIT 1);
      RETURN;
    END IF;
    RETURN QUERY
      SELECT 'duplicate'::text, max(e.stream_version),
             array_agg(e.global_position ORDER BY e.global_position), (array_agg(e.transaction_id))[1]::text, NULL::uuid
        FROM events e
       WHERE e.event_id IN (SELECT (n.value->>'eventId')::uuid FROM jsonb_array_elements(p_events) n);
    RETURN;
  END IF;

  SELECT coalesce(max(e.stream_version), 0) INTO v_current FROM events e WHERE e.stream_id = p_stream_id;

  IF (p_expected_kind = 'exact' AND v_current <> p_expected_version)
     OR (p_expected_kind = 'no_stream' AND v_current <> 0)
     OR (p_expected_kind = 'stream_exists' AND v_current = 0) THEN
    RETURN QUERY SELECT 'wrong_expected_version'::text, v_current, NULL::bigint[], NULL::text, NULL::uuid;
    RETURN;
  END IF;

  RETURN QUERY
    WITH inserted AS (
      INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, data, metadata)
      SELECT p_stream_id, v_current + n.ordinality, (n.value->>'eventId')::uuid, n.value->>'type',
             (n.value->>'schemaVersion')::int, n.value->'data', coalesce(n.value->'metadata', '{}'::jsonb)
        FROM jsonb_array_elements(p_events) WITH ORDINALITY AS n
      RETURNING events.global_position, events.transaction_id
    )
    SELECT 'appended'::text, v_current + v_count,
           array_agg(i.global_position ORDER BY i.global_position), (array_agg(i.transaction_id))[1]::text, NULL::uuid
      FROM inserted i;

  PERFORM pg_notify('event_store_appended', '');
END;
$$;

CREATE TABLE subscription_checkpoints (
  name            text        PRIMARY KEY,
  transaction_id  xid8        NOT NULL,
  global_position bigint      NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  last_error      text,
  failed_attempts integer     NOT NULL DEFAULT 0
);

-- Down Migration
DROP TABLE subscription_checkpoints;
DROP FUNCTION append_events(text, text, bigint, jsonb);
DROP TABLE events;
DROP FUNCTION events_reject_change();
