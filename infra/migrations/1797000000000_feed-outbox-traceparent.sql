-- Up Migration
-- The W3C trace context of the command that enqueued the row (null when tracing was off): the relay sends
-- it as the CloudEvents `ce_traceparent` header, so a consumer continues the request's trace.
ALTER TABLE feed_outbox ADD COLUMN traceparent text;
