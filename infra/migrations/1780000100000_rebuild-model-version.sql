-- Up Migration

-- The assessment model a rebuild assesses claims with (libs/projections/src/rebuild): a rebuild resumed
-- with another model starts over instead of mixing two models' rows in one table.
ALTER TABLE projection_rebuilds ADD COLUMN model_version text;

-- Down Migration
ALTER TABLE projection_rebuilds DROP COLUMN model_version;
