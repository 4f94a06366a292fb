-- Up Migration

-- API keys, projected inline from the api-key-<uuid> streams (ApiKeyIssued, ApiKeyRevoked,
-- ApiKeyExpiryChanged) in the transaction that appends them. The secret is never stored: secret_hash is
-- the SHA-256 of the whole key, looked up by id (the key carries its id) and compared in constant time.
CREATE TABLE api_keys (
  key_id       uuid        PRIMARY KEY,
  version      integer     NOT NULL,
  name         text        NOT NULL,
  role         text        NOT NULL,
  -- non-secret start of the key, for listings (clk_1a2b3c4d)
  prefix       text        NOT NULL,
  secret_hash  text        NOT NULL,
  created_at   timestamptz NOT NULL,
  created_by   text        NOT NULL,
  expires_at   timestamptz,
  revoked_at   timestamptz,
  -- operational, not history: updated at most once a minute per key, outside the event log
  last_used_at timestamptz
);

CREATE INDEX api_keys_created ON api_keys (created_at, key_id);

-- Down Migration
DROP TABLE api_keys;
