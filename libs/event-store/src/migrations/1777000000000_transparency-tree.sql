-- Up Migration

-- The transparency log (libs/event-store/src/transparency): an RFC 9162 Merkle tree over every event in
-- log order, one leaf per event (its stored chain hash). It is kept off the append path: the tree extender
-- adds the leaves of events up to the log's readable head, so appends pay nothing for it. Stored are the
-- leaves (which event is leaf i) and every complete aligned subtree (level L, index i covers leaves
-- [i·2^L, (i+1)·2^L); level 0 is the leaf hash): any root, inclusion or consistency proof is O(log n) rows.
-- Both tables only grow, like the events: a rewritten tree would be a rewritten history.
CREATE TABLE log_tree_leaves (
  leaf_index      bigint PRIMARY KEY CHECK (leaf_index >= 0),
  transaction_id  xid8   NOT NULL,
  global_position bigint NOT NULL,
  event_id        uuid   NOT NULL,
  event_hash      bytea  NOT NULL CHECK (octet_length(event_hash) = 32),
  CONSTRAINT log_tree_leaves_event_unique UNIQUE (event_id),
  CONSTRAINT log_tree_leaves_position_unique UNIQUE (transaction_id, global_position)
);

CREATE TABLE log_tree_nodes (
  level      smallint NOT NULL CHECK (level BETWEEN 0 AND 62),
  node_index bigint   NOT NULL CHECK (node_index >= 0),
  hash       bytea    NOT NULL CHECK (octet_length(hash) = 32),
  PRIMARY KEY (level, node_index)
);

CREATE TRIGGER log_tree_leaves_append_only_rows BEFORE UPDATE OR DELETE ON log_tree_leaves
  FOR EACH ROW EXECUTE FUNCTION reject_append_only_change();
CREATE TRIGGER log_tree_leaves_append_only_truncate BEFORE TRUNCATE ON log_tree_leaves
  FOR EACH STATEMENT EXECUTE FUNCTION reject_append_only_change();
CREATE TRIGGER log_tree_nodes_append_only_rows BEFORE UPDATE OR DELETE ON log_tree_nodes
  FOR EACH ROW EXECUTE FUNCTION reject_append_only_change();
CREATE TRIGGER log_tree_nodes_append_only_truncate BEFORE TRUNCATE ON log_tree_nodes
  FOR EACH STATEMENT EXECUTE FUNCTION reject_append_only_change();

-- The application role appends to the tree (the extender runs in the API); it never changes a row.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'claim_ledger_app') THEN
    GRANT SELECT, INSERT ON log_tree_leaves, log_tree_nodes TO claim_ledger_app;
    REVOKE UPDATE, DELETE, TRUNCATE ON log_tree_leaves, log_tree_nodes FROM claim_ledger_app;
  END IF;
END $$;

-- Down Migration
DROP TABLE log_tree_nodes;
DROP TABLE log_tree_leaves;
