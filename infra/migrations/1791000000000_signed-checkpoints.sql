-- Up Migration

-- Signed checkpoints (docs/transparency-log.md): each checkpoint also records the size and root of the
-- transparency log's Merkle tree (libs/event-store/src/transparency) at its position, and the C2SP signed
-- note over them. Null on checkpoints taken before the tree existed; `note` is null when no signing key is
-- configured.
ALTER TABLE log_checkpoints
  ADD COLUMN tree_size bigint CHECK (tree_size >= 0),
  ADD COLUMN root_hash bytea CHECK (octet_length(root_hash) = 32),
  ADD COLUMN note text,
  ADD CONSTRAINT log_checkpoints_tree_complete CHECK ((tree_size IS NULL) = (root_hash IS NULL));

-- Witnesses' cosignatures (C2SP tlog-cosignature/v1) of a checkpoint, verified against the configured
-- witness keys before they are stored. Append-only like the checkpoints.
CREATE TABLE log_checkpoint_cosignatures (
  id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  checkpoint_id bigint      NOT NULL REFERENCES log_checkpoints (id),
  key_name      text        NOT NULL,
  key_id        bytea       NOT NULL CHECK (octet_length(key_id) = 4),
  signed_at     bigint      NOT NULL,
  line          text        NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT log_checkpoint_cosignatures_line_unique UNIQUE (checkpoint_id, line)
);

CREATE TRIGGER log_checkpoint_cosignatures_append_only_rows BEFORE UPDATE OR DELETE ON log_checkpoint_cosignatures
  FOR EACH ROW EXECUTE FUNCTION reject_append_only_change();
CREATE TRIGGER log_checkpoint_cosignatures_append_only_truncate BEFORE TRUNCATE ON log_checkpoint_cosignatures
  FOR EACH STATEMENT EXECUTE FUNCTION reject_append_only_change();

-- A fresh database creates the tree's tables (event-store migrations) before the app role's blanket grant:
-- take the changing rights back here, for them and for the cosignatures.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'claim_ledger_app') THEN
    REVOKE UPDATE, DELETE, TRUNCATE ON log_tree_leaves, log_tree_nodes, log_checkpoint_cosignatures FROM claim_ledger_app;
    GRANT SELECT, INSERT ON log_tree_leaves, log_tree_nodes, log_checkpoint_cosignatures TO claim_ledger_app;
  END IF;
END $$;

-- Down Migration
DROP TABLE log_checkpoint_cosignatures;
ALTER TABLE log_checkpoints DROP CONSTRAINT log_checkpoints_tree_complete, DROP COLUMN note, DROP COLUMN root_hash, DROP COLUMN tree_size;
