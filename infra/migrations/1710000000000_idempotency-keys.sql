-- Up Migration

-- HTTP Idempotency-Key replay: the first response to a keyed request is kept and returned to retries.
CREATE TABLE idempotency_keys (
  key           text        NOT NULL,
  actor_id      text        NOT NULL,
  method        text        NOT NULL,
  path          text        NOT NULL,
  request_hash  text        NOT NULL,
  status        integer     NOT NULL,
  headers       jsonb       NOT NULL DEFAULT '{}'::jsonb,
  body          jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (actor_id, key)
);

-- Down Migration
DROP TABLE idempotency_keys;
