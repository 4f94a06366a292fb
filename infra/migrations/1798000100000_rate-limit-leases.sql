-- Up Migration
-- How many tokens the row's last take got: an API process may take a second's refill at once and spend
-- it from memory (a lease, apps/api/src/auth/shared-rate-limiter.ts); RETURNING sees only the new row.
ALTER TABLE rate_limit_buckets ADD COLUMN granted integer NOT NULL DEFAULT 0;

-- Down Migration
ALTER TABLE rate_limit_buckets DROP COLUMN granted;
