-- Up Migration

-- Confidential sources (docs/protection.md). The log holds their identity sealed with a data key per
-- subject; the keys live here, outside the log, wrapped by the master key (DATA_KEY_ENCRYPTION_KEY).
-- Erasure sets wrapped_key to NULL: the ciphertext in the log stays, byte for byte, and opens no more.
CREATE TABLE subject_data_keys (
  subject_id     text        PRIMARY KEY,
  wrapped_key    text,
  -- Which master key wrapped it (a hash prefix, not the key): a wrong key is named, rotation finds the rest.
  master_key_id  text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  erased_at      timestamptz,
  erasure_reason text,
  CHECK ((wrapped_key IS NULL) = (erased_at IS NOT NULL)),
  CHECK ((wrapped_key IS NULL) = (master_key_id IS NULL))
);

-- The pseudonyms' numbers ("Confidential source 7"): given once at registration and kept in the log in
-- clear; a rolled-back registration leaves a gap, which is harmless.
CREATE SEQUENCE confidential_source_number;

-- Who was shown a confidential source's identity (each answer with decrypted fields adds a row).
CREATE TABLE confidential_access_log (
  id        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at        timestamptz NOT NULL,
  key_id    text        NOT NULL,
  key_name  text,
  source_id text        NOT NULL,
  route     text        NOT NULL
);
CREATE INDEX confidential_access_log_source ON confidential_access_log (source_id, at DESC);
CREATE INDEX confidential_access_log_at ON confidential_access_log (at DESC);

-- The source read model keeps the pseudonym as its name and, for a confidential source, only the
-- number, the sealed identity and the erasure: never the clear identity.
ALTER TABLE source_view ADD COLUMN confidential jsonb;

-- The access review is append-only for the application; a data key row is updated (erasure, rotation),
-- never deleted, so the erasure's date and reason stay.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'claim_ledger_app') THEN
    REVOKE UPDATE, DELETE, TRUNCATE ON confidential_access_log FROM claim_ledger_app;
    REVOKE DELETE, TRUNCATE ON subject_data_keys FROM claim_ledger_app;
  END IF;
END $$;

-- Down Migration
ALTER TABLE source_view DROP COLUMN confidential;
DROP TABLE confidential_access_log;
DROP SEQUENCE confidential_source_number;
DROP TABLE subject_data_keys;
