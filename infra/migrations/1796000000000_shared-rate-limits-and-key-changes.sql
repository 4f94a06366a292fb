-- Up Migration

-- Rate limits shared by every API process on this database: one token bucket per (scope, key), taken
-- by one INSERT … ON CONFLICT DO UPDATE … RETURNING per request (see apps/api/src/auth/shared-rate-limiter.ts).
-- UNLOGGED: a bucket is worth a minute at most, so it is not written to the WAL (cheap, not replicated);
-- a crash of PostgreSQL empties the table, which gives every key a full budget once.
CREATE UNLOGGED TABLE rate_limit_buckets (
  scope       text             NOT NULL,
  key         text             NOT NULL,
  tokens      double precision NOT NULL,
  refilled_at timestamptz      NOT NULL,
  -- whether the last take found a token (RETURNING reads it: the row alone cannot tell r - 1 from r)
  allowed     boolean          NOT NULL,
  PRIMARY KEY (scope, key)
) WITH (fillfactor = 70);

-- Every API process caches key rows (API_KEY_CACHE_SECONDS): a change to a key's row tells them all on
-- commit, so a revocation or an expiry change made anywhere (another process, the command line) applies
-- everywhere in about a round trip; the cache's TTL is the bound when a notification is lost. last_used_at
-- (operational, updated once a minute per key) is not a change anyone needs to hear about.
-- Payload: '<key id>:<row version>', so a process that already holds that version (it made the change) skips it.
CREATE FUNCTION notify_api_key_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('claim_ledger_api_key_changed', OLD.key_id::text || ':' || OLD.version::text);
  ELSE
    PERFORM pg_notify('claim_ledger_api_key_changed', NEW.key_id::text || ':' || NEW.version::text);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER api_keys_changed AFTER INSERT OR DELETE OR UPDATE OF version, name, role, expires_at, revoked_at ON api_keys
  FOR EACH ROW EXECUTE FUNCTION notify_api_key_changed();

-- Down Migration
DROP TRIGGER api_keys_changed ON api_keys;
DROP FUNCTION notify_api_key_changed();
DROP TABLE rate_limit_buckets;
