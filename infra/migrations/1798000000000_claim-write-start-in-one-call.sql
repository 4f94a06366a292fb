-- Up Migration

-- The start of a claim write in one round trip (see libs/projections/src/claim-write-start.ts): the
-- claims' locks in ascending id order; then, shared, the locks of the given sources and of every source an
-- event of the claim's stream names (any `sourceId` or `relaysSourceId` in its data: the sources its
-- projection reads), in ascending id order; then those sources' rows and the stream's events. It is the
-- lock order of every projection writer (libs/projections/src/transaction.ts), and the key shapes are
-- theirs. The sources read from the events are a prefetch: one the path misses is locked and read later,
-- one it adds is only locked (shared). It reads no projection table a rebuild renames besides
-- `source_view`, which a command read before its append already.
-- VOLATILE plpgsql: each query below takes its snapshot after the locks it needs are granted (the stream
-- after the claims', the sources after their own), so it sees every write that committed before them. That holds in READ COMMITTED only (a REPEATABLE READ transaction keeps
-- its first snapshot), so the function refuses any other level. The first row carries the sources (a
-- JSON array) and no event; each further row is one of the stream's events in version order, in the
-- columns the event store reads (libs/event-store/src/log-reader.ts). Spelling out the result rather than
-- `SETOF` a table's row type leaves no dependency on a table a rebuild swaps.
CREATE FUNCTION claim_ledger_start_claim_write(claim_ids text[], source_ids text[], stream text)
RETURNS TABLE (
  sources jsonb, global_position bigint, transaction_id text, stream_id text, stream_version bigint, event_id uuid,
  event_type text, schema_version integer, data jsonb, metadata jsonb, recorded_at timestamptz, hash text
) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  ids text[];
  stream_events events[];
BEGIN
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'claim writes run in READ COMMITTED, not %', current_setting('transaction_isolation') USING ERRCODE = '25001';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended('claim-ledger:claim:' || id, 0))
     FROM (SELECT id FROM (SELECT DISTINCT id FROM unnest(claim_ids) AS id) AS distinct_ids ORDER BY id COLLATE "C") AS ordered;
  -- Read once, under the claims' locks: the source ids below and the rows returned at the end come from it.
  stream_events := ARRAY(SELECT e FROM events AS e WHERE stream IS NOT NULL AND e.stream_id = stream ORDER BY e.stream_version);
  SELECT coalesce(array_agg(id ORDER BY id COLLATE "C"), '{}') INTO ids FROM (
    SELECT id FROM unnest(source_ids) AS id WHERE id IS NOT NULL
    UNION
    SELECT named #>> '{}'
      FROM unnest(stream_events) AS e,
           unnest(ARRAY['lax $.**.sourceId', 'lax $.**.relaysSourceId']::jsonpath[]) AS path,
           jsonb_path_query(e.data, path) AS named
     WHERE jsonb_typeof(named) = 'string'
  ) AS wanted;
  PERFORM pg_advisory_xact_lock_shared(hashtextextended('claim-ledger:source:' || id, 0))
     FROM (SELECT id FROM unnest(ids) WITH ORDINALITY AS t(id, n) ORDER BY n) AS ordered;
  RETURN QUERY SELECT coalesce((SELECT jsonb_agg(to_jsonb(v)) FROM source_view AS v WHERE v.source_id = ANY(ids)), '[]'::jsonb),
    NULL::bigint, NULL::text, NULL::text, NULL::bigint, NULL::uuid, NULL::text, NULL::integer, NULL::jsonb, NULL::jsonb, NULL::timestamptz, NULL::text;
  RETURN QUERY SELECT NULL::jsonb, e.global_position, e.transaction_id::text, e.stream_id, e.stream_version, e.event_id, e.event_type,
      e.schema_version, e.data, e.metadata, e.recorded_at, encode(e.hash, 'hex')
    FROM unnest(stream_events) AS e;
END $$;

-- Down Migration
DROP FUNCTION claim_ledger_start_claim_write(text[], text[], text);
