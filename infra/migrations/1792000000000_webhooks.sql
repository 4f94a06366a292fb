-- Up Migration

-- Webhook endpoints, projected inline from the webhook-<uuid> streams in the transaction that appends
-- their events (like api_keys).
CREATE TABLE webhook_endpoints (
  webhook_id      uuid        PRIMARY KEY,
  version         integer     NOT NULL,
  url             text        NOT NULL,
  description     text,
  -- null: every status; else only changes to one of these published statuses
  filter_statuses text[],
  -- null: every claim
  filter_claim_id text,
  status          text        NOT NULL CHECK (status IN ('active', 'paused', 'deleted')),
  created_at      timestamptz NOT NULL,
  created_by      text        NOT NULL,
  updated_at      timestamptz NOT NULL,
  previous_secret_valid_until timestamptz
);

CREATE INDEX webhook_endpoints_created ON webhook_endpoints (created_at, webhook_id);

-- The signing secrets, beside the log and never in it: the log is exported and cannot forget, and a
-- delivery signs with the secret itself, so no hash will do. Stored as given (whsec_…), not encrypted at
-- rest: whoever reads this table can sign as the application. A rotation adds a row and gives the previous
-- ones an expiry (the grace period); both sign until then.
CREATE TABLE webhook_secrets (
  id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  webhook_id uuid        NOT NULL,
  secret     text        NOT NULL CHECK (secret ~ '^whsec_[A-Za-z0-9+/]+={0,2}$'),
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  expires_at timestamptz
);

CREATE INDEX webhook_secrets_endpoint ON webhook_secrets (webhook_id, id);

-- One row per (endpoint, status-change message): written by a trigger on the outbox, in the transaction
-- that writes the status change, so a change that exists has its deliveries and one rolled back has none.
-- transaction_id is that transaction's: deliveries are taken in outbox order, per endpoint and claim, under
-- the log's watermark, so a later change of a claim never goes out before an earlier one commits.
CREATE TABLE webhook_deliveries (
  id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
  outbox_id       bigint      NOT NULL REFERENCES feed_outbox (id),
  webhook_id      uuid        NOT NULL,
  message_id      uuid        NOT NULL,
  claim_id        text        NOT NULL,
  state           text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'succeeded', 'failed')),
  attempts        integer     NOT NULL DEFAULT 0,
  enqueued_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  -- the retry horizon counts from here: the change's enqueueing, or a redelivery. Every delivery gets one
  -- attempt at least, so one that waited behind its claim's earlier change (or a pause) past the horizon is
  -- tried once, then parked if that fails: a dead endpoint does not hold a claim's queue for a day per change.
  retry_from      timestamptz NOT NULL DEFAULT clock_timestamp(),
  -- a dispatcher sending it holds it until then; past it (the dispatcher died) another one may send it again
  lease_until     timestamptz,
  lease_token     uuid,
  delivered_at    timestamptz,
  failed_at       timestamptz,
  last_error      text,
  CONSTRAINT webhook_deliveries_once UNIQUE (webhook_id, message_id)
);

CREATE INDEX webhook_deliveries_queue ON webhook_deliveries (webhook_id, claim_id, transaction_id, id) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (webhook_id, id);

CREATE TABLE webhook_delivery_attempts (
  delivery_id bigint      NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
  attempt     integer     NOT NULL,
  started_at  timestamptz NOT NULL,
  duration_ms integer     NOT NULL,
  status_code integer,
  error       text,
  PRIMARY KEY (delivery_id, attempt)
);

-- FOR SHARE: an endpoint being deleted right now (retireWebhook locks its row first) makes this wait for
-- that commit and then see it deleted; and a deletion waits for this commit and then parks what it added.
-- Without it both commit, and the delivery added meanwhile stays pending for a deleted endpoint forever.
CREATE FUNCTION webhook_deliveries_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO webhook_deliveries (transaction_id, outbox_id, webhook_id, message_id, claim_id)
  SELECT NEW.transaction_id, NEW.id, e.webhook_id, NEW.message_id, NEW.message_key
    FROM webhook_endpoints e
   WHERE e.status <> 'deleted'
     AND (e.filter_statuses IS NULL OR (NEW.payload->'current'->>'status') = ANY (e.filter_statuses))
     AND (e.filter_claim_id IS NULL OR e.filter_claim_id = NEW.message_key)
   ORDER BY e.webhook_id
     FOR SHARE OF e
  ON CONFLICT (webhook_id, message_id) DO NOTHING;
  IF FOUND THEN
    PERFORM pg_notify('webhook_deliveries_enqueued', '');
  END IF;
  RETURN NULL;
END;
$$;

-- Only the status topic's messages are delivered (the same messages as claims.status.v1).
CREATE TRIGGER feed_outbox_webhook_deliveries
  AFTER INSERT ON feed_outbox
  FOR EACH ROW
  WHEN (NEW.topic = 'claims.status.v1')
  EXECUTE FUNCTION webhook_deliveries_enqueue();

-- Down Migration
DROP TRIGGER feed_outbox_webhook_deliveries ON feed_outbox;
DROP FUNCTION webhook_deliveries_enqueue();
DROP TABLE webhook_delivery_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_secrets;
DROP TABLE webhook_endpoints;
