-- Up Migration

-- The SHA-256 of each API key's secret, kept beside the event log rather than in it: the log is exported
-- (files leave the system) and, append-only, can never forget what it holds. ApiKeyIssued v2 carries no
-- hash; the registry writes this row in the transaction that appends the key's ApiKeyIssued event. Keys
-- issued before v2 keep their hash in their v1 event too; exports leave those key streams out.
CREATE TABLE api_key_secrets (
  key_id      uuid        PRIMARY KEY,
  secret_hash text        NOT NULL CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
  created_at  timestamptz NOT NULL DEFAULT now()
);

INSERT INTO api_key_secrets (key_id, secret_hash) SELECT key_id, secret_hash FROM api_keys;

-- One place for the hash: the projection row no longer holds it.
ALTER TABLE api_keys DROP COLUMN secret_hash;

-- Down Migration
ALTER TABLE api_keys ADD COLUMN secret_hash text;
UPDATE api_keys SET secret_hash = s.secret_hash FROM api_key_secrets s WHERE s.key_id = api_keys.key_id;
DELETE FROM api_keys WHERE secret_hash IS NULL;
ALTER TABLE api_keys ALTER COLUMN secret_hash SET NOT NULL;
DROP TABLE api_key_secrets;
