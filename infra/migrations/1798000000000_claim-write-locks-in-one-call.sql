-- Up Migration

-- Which sources a claim is linked to, read by claim id when a claim write locks them (below).
CREATE INDEX claim_sources_by_claim ON claim_sources (claim_id, source_id);

-- A claim write's locks and source reads in one round trip (see libs/projections/src/locked-sources.ts):
-- the claims' locks in ascending id order, then, shared, the locks of the given sources and of the sources
-- already linked to `linked_to`, in ascending id order, then those sources' rows. It is the lock order of
-- every projection writer (libs/projections/src/transaction.ts), and the key shapes are theirs.
-- VOLATILE plpgsql: the final query takes its snapshot after the locks are granted, so it sees every
-- source change that committed before them. The result columns are spelled out rather than `SETOF
-- source_view`, so a rebuild that swaps `source_view` leaves no dependency on the replaced table.
CREATE FUNCTION claim_ledger_lock_claim_sources(claim_ids text[], source_ids text[], linked_to text)
RETURNS TABLE (
  source_id text, version integer, "position" bigint, name text, kind text, affiliation text, origin_group text,
  reliability text, reliability_history jsonb, registered_at timestamptz, updated_at timestamptz, confidential jsonb
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
  RETURN QUERY SELECT v.source_id, v.version, v.position, v.name, v.kind, v.affiliation, v.origin_group, v.reliability,
      v.reliability_history, v.registered_at, v.updated_at, v.confidential
    FROM source_view AS v WHERE v.source_id = ANY(ids);
END $$;

-- Down Migration
DROP FUNCTION claim_ledger_lock_claim_sources(text[], text[], text);
DROP INDEX claim_sources_by_claim;
