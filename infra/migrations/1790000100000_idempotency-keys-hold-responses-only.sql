-- Up Migration

-- A key's row is now inserted in the command's own transaction, with its response (apps/api/src/http/
-- idempotency.interceptor.ts): a row exists exactly when the command committed, and "in progress" is a
-- lock held by the live request, not a row. Rows a request left claimed under the former scheme (status 0,
-- no response) recorded no answer: they go, so their retries run.
DELETE FROM idempotency_keys WHERE status = 0;
ALTER TABLE idempotency_keys ADD CONSTRAINT idempotency_keys_status_is_a_response CHECK (status BETWEEN 100 AND 599);

-- Down Migration
ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_status_is_a_response;
