-- Up Migration

-- The log. Every row is immutable once written (see the append-only triggers below).
-- transaction_id is the writer's transaction id: readers of the global log order by
-- (transaction_id, global_position) and only take rows below the oldest running transaction
-- (pg_snapshot_xmin), so a transaction that commits late can never be skipped by a reader
-- that already moved past a later sequence number.
CREATE TABLE events (
  global_position bigint GENERATED ALWAYS AS IDENTITY,
  transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
  stream_id       text        NOT NULL,
  stream_version  bigint      NOT NULL CHECK (stream_version > 0),
  event_id        uuid        NOT NULL,
  event_type      text        NOT NULL,
  schema_version  integer     NOT NULL DEFAULT 1 CHECK (schema_version > 0),
  data            jsonb       NOT NULL,
  metadata        jsonb       NOT NULL DEFAULT '{}'::jsonb,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  -- sha256(previous event's hash || stream_version as int8 || sha256(RFC 8785 canonical content)):
  -- a hash chain per stream, so an edit, removal, insertion or swap behind the application's back shows.
  hash            bytea       NOT NULL CHECK (octet_length(hash) = 32),
  -- The log order is the primary key: readers scan it, and no other index is needed for them.
  CONSTRAINT events_pkey PRIMARY KEY (transaction_id, global_position),
  CONSTRAINT events_stream_version_unique UNIQUE (stream_id, stream_version),
  CONSTRAINT events_event_id_unique UNIQUE (event_id)
);

-- Shared by every append-only table (the log, log checkpoints): refuses the change, naming table and operation.
CREATE FUNCTION reject_append_only_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the % table is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER events_append_only_rows
  BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION reject_append_only_change();

CREATE TRIGGER events_append_only_truncate
  BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION reject_append_only_change();

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
DROP TABLE events;
DROP FUNCTION reject_append_only_change();
