-- Up Migration

-- Which sources a claim is linked to, read by claim id when a claim write locks them (below).
CREATE INDEX claim_sources_by_claim ON claim_sources (claim_id, source_id);

-- The start of a claim write in one round trip (see libs/projections/src/claim-write-start.ts): the
-- claims' locks in ascending id order; then, shared, the locks of the given sources and of the sources
-- already linked to `linked_to`, in ascending id order; then those sources' rows and the stream's events.
-- It is the lock order of every projection writer (libs/projections/src/transaction.ts), and the key
-- shapes are theirs. VOLATILE plpgsql: each query below takes its snapshot after the locks are granted, so
-- it sees every write that committed before them. The first row carries the sources (as a JSON array) and
-- no event; each further row is one of the stream's events in version order, in the columns the event
-- store reads (libs/event-store/src/log-reader.ts). Spelling out the result rather than `SETOF` a table's
-- row type leaves no dependency on a table a rebuild swaps.
CREATE FUNCTION claim_ledger_start_claim_write(claim_ids text[], source_ids text[], linked_to text, stream text)
RETURNS TABLE (
  sources jsonb, global_position bigint, transaction_id text, stream_id text, stream_version bigint, event_id uuid,
  event_type text, schema_version integer, data jsonb, metadata jsonb, recorded_at timestamptz, hash text
) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  ids text[];
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('claim-ledger:claim:' || id, 0))
     FROM (SELECT id FROM (SELECT DISTINCT id FROM unnest(claim_ids) AS id) AS distinct_ids ORDER BY id COLLATE "C") AS ordered;
  SELECT coalesce(array_agg(id ORDER BY id COLLATE "C"), '{}') INTO ids FROM (
    SELECT id FROM unnest(source_ids) AS id WHERE id IS NOT NULL
    UNION
    SELECT l.source_id FROM claim_sources AS l WHERE linked_to IS NOT NULL AND l.claim_id = linked_to
  ) AS wanted;
  PERFORM pg_advisory_xact_lock_shared(hashtextextended('claim-ledger:source:' || id, 0))
     FROM (SELECT id FROM unnest(ids) WITH ORDINALITY AS t(id, n) ORDER BY n) AS ordered;
  RETURN QUERY SELECT coalesce((SELECT jsonb_agg(to_jsonb(v)) FROM source_view AS v WHERE v.source_id = ANY(ids)), '[]'::jsonb),
    NULL::bigint, NULL::text, NULL::text, NULL::bigint, NULL::uuid, NULL::text, NULL::integer, NULL::jsonb, NULL::jsonb, NULL::timestamptz, NULL::text;
  IF stream IS NOT NULL THEN
    RETURN QUERY SELECT NULL::jsonb, e.global_position, e.transaction_id::text, e.stream_id, e.stream_version, e.event_id, e.event_type,
        e.schema_version, e.data, e.metadata, e.recorded_at, encode(e.hash, 'hex')
      FROM events AS e WHERE e.stream_id = stream ORDER BY e.stream_version;
  END IF;
END $$;

-- Down Migration
DROP FUNCTION claim_ledger_start_claim_write(text[], text[], text, text);
DROP INDEX claim_sources_by_claim;
