-- Up Migration

-- Log checkpoints (libs/event-store/src/checkpoints.ts): a Merkle root over every stream's head hash at a
-- log position. An auditor keeps a checkpoint (its root and hash) outside the system and later proves the
-- log still matches it (`npm run cli -- audit verify --checkpoint <id|root>`). Each row chains to the
-- previous one by checkpoint_hash, and rows are append-only like the events.
CREATE TABLE log_checkpoints (
  id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  transaction_id  xid8        NOT NULL,
  global_position bigint      NOT NULL,
  created_at      timestamptz NOT NULL,
  stream_count    bigint      NOT NULL,
  event_count     bigint      NOT NULL,
  merkle_root     bytea       NOT NULL CHECK (octet_length(merkle_root) = 32),
  previous_hash   bytea       NOT NULL CHECK (octet_length(previous_hash) = 32),
  checkpoint_hash bytea       NOT NULL CHECK (octet_length(checkpoint_hash) = 32),
  CONSTRAINT log_checkpoints_hash_unique UNIQUE (checkpoint_hash)
);

CREATE INDEX log_checkpoints_root ON log_checkpoints (merkle_root);

CREATE TRIGGER log_checkpoints_append_only_rows
  BEFORE UPDATE OR DELETE ON log_checkpoints
  FOR EACH ROW EXECUTE FUNCTION reject_append_only_change();

CREATE TRIGGER log_checkpoints_append_only_truncate
  BEFORE TRUNCATE ON log_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION reject_append_only_change();

-- Projection rebuilds (libs/projections/src/rebuild): one row per rebuild target, so an interrupted
-- rebuild resumes from its cut and cursor instead of starting over.
CREATE TABLE projection_rebuilds (
  target              text        PRIMARY KEY,
  status              text        NOT NULL CHECK (status IN ('running', 'done')),
  phase               text        NOT NULL,
  cut_transaction_id  xid8        NOT NULL,
  cut_global_position bigint      NOT NULL,
  -- the last claim stream whose row is in the shadow table (keyset cursor of the claims pass)
  cursor_stream_id    text,
  events_done         bigint      NOT NULL DEFAULT 0,
  started_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  finished_at         timestamptz,
  report              jsonb
);

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'claim_ledger_app') THEN
    REVOKE UPDATE, DELETE, TRUNCATE ON log_checkpoints FROM claim_ledger_app;
  END IF;
END $$;

-- Down Migration
DROP TABLE projection_rebuilds;
DROP TABLE log_checkpoints;
