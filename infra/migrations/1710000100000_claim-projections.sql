-- Up Migration

-- Read models updated inline, in the transaction that appends the events they reflect (read-your-writes).
-- Every row is a pure function of events (libs/projections): a rebuild replays the log through the same code.

-- Current state of each source: the catalogue claim rules and assessments read.
CREATE TABLE source_view (
  source_id            text        PRIMARY KEY,
  version              integer     NOT NULL,
  position             bigint      NOT NULL,
  name                 text        NOT NULL,
  kind                 text        NOT NULL,
  affiliation          text,
  origin_group         text,
  reliability          text        NOT NULL,
  reliability_history  jsonb       NOT NULL,
  registered_at        timestamptz NOT NULL,
  updated_at           timestamptz NOT NULL
);

-- Each claim with its assessment. `claim` is the folded stream, `assessment` the model's output; the other
-- columns are copies of them for filtering and sorting.
CREATE TABLE claim_view (
  claim_id             text        PRIMARY KEY,
  version              integer     NOT NULL,
  -- Global position of the last event applied: the claim's own, or a source event that re-assessed it.
  position             bigint      NOT NULL,
  status               text        NOT NULL,
  computed_status      text        NOT NULL,
  verdict              text,
  confidence           double precision NOT NULL,
  band                 text        NOT NULL,
  credibility_rating   smallint    NOT NULL,
  model_version        text        NOT NULL,
  merged_into          text,
  category             text        NOT NULL,
  country              text        NOT NULL,
  country_key          text        NOT NULL,
  -- Normalised names and affiliations of the claim's actors.
  actor_keys           text[]      NOT NULL,
  occurred_start       date        NOT NULL,
  occurred_end         date        NOT NULL,
  statement            text        NOT NULL,
  search               tsvector    GENERATED ALWAYS AS (to_tsvector('english', statement)) STORED,
  asserted_at          timestamptz NOT NULL,
  updated_at           timestamptz NOT NULL,
  claim                jsonb       NOT NULL,
  assessment           jsonb       NOT NULL
);

CREATE INDEX claim_view_recent ON claim_view (asserted_at DESC, claim_id DESC);
CREATE INDEX claim_view_status ON claim_view (status, asserted_at DESC);
CREATE INDEX claim_view_category ON claim_view (category, asserted_at DESC);
CREATE INDEX claim_view_country ON claim_view (country_key, asserted_at DESC);
CREATE INDEX claim_view_occurred ON claim_view (occurred_start, occurred_end);
CREATE INDEX claim_view_actors ON claim_view USING gin (actor_keys);
CREATE INDEX claim_view_search ON claim_view USING gin (search);

-- Which claims a source reported on, or was relayed on: what a re-grade of the source re-assesses.
-- Links are never removed (retracted reports stay on the record).
CREATE TABLE claim_sources (
  source_id            text        NOT NULL,
  claim_id             text        NOT NULL,
  PRIMARY KEY (source_id, claim_id)
);

-- Down Migration
DROP TABLE claim_sources;
DROP TABLE claim_view;
DROP TABLE source_view;
