-- Up Migration

-- Transactional outbox for feed messages (libs/feed). A row is written in the same transaction as the
-- projection change that caused it; the relay publishes it to Kafka and sets published_at after the
-- broker acknowledged. Rows stay after publishing: they are the HTTP feed's history.
--
-- Gap-safe like the events table: rows are inserted by transactions that may commit out of order, so
-- readers order by (transaction_id, id) and only read rows below pg_snapshot_xmin(pg_current_snapshot()).
CREATE TABLE feed_outbox (
  id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  transaction_id xid8        NOT NULL DEFAULT pg_current_xact_id(),
  message_id     uuid        NOT NULL,
  -- logical topic (e.g. claims.status.v1); the relay may prefix it
  topic          text        NOT NULL,
  message_key    text        NOT NULL,
  -- CloudEvents type and subject
  message_type   text        NOT NULL,
  subject        text        NOT NULL,
  payload        jsonb       NOT NULL,
  occurred_at    timestamptz NOT NULL,
  enqueued_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  published_at   timestamptz,
  CONSTRAINT feed_outbox_message_id_unique UNIQUE (message_id)
);

CREATE INDEX feed_outbox_order ON feed_outbox (transaction_id, id);
CREATE INDEX feed_outbox_pending ON feed_outbox (transaction_id, id) WHERE published_at IS NULL;

-- Wakes relays and HTTP streams at commit; they poll too, so a lost notification only delays.
CREATE FUNCTION feed_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('feed_outbox_appended', '');
  RETURN NULL;
END;
$$;

CREATE TRIGGER feed_outbox_notify_insert
  AFTER INSERT ON feed_outbox
  FOR EACH STATEMENT EXECUTE FUNCTION feed_outbox_notify();

-- Down Migration
DROP TABLE feed_outbox;
DROP FUNCTION feed_outbox_notify();
