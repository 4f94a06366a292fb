-- Up Migration

-- The application's database role. Migrations run as the owner of the schema; the API connects as (or
-- switches to) claim_ledger_app, which can read and append events but not change or remove them. The
-- events triggers stay as a second wall, for the owner. See README "Database roles".
--
-- Roles belong to the whole server, not to one database: several databases (test runs, environments)
-- may create it at the same moment, so a concurrent creation is not an error.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'claim_ledger_app') THEN
    BEGIN
      CREATE ROLE claim_ledger_app NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;
    END;
  END IF;
  -- The owner's own connection switches to the role (SET ROLE) unless DATABASE_APP_URL is used.
  IF NOT pg_has_role(current_user, 'claim_ledger_app', 'MEMBER') THEN
    BEGIN
      EXECUTE format('GRANT claim_ledger_app TO %I', current_user);
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;
    END;
  END IF;
END $$;

GRANT USAGE ON SCHEMA public TO claim_ledger_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO claim_ledger_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO claim_ledger_app;

-- The log: read and append, nothing else.
REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON events FROM claim_ledger_app;
-- Migration bookkeeping belongs to the owner.
REVOKE INSERT, UPDATE, DELETE ON event_store_migrations, app_migrations FROM claim_ledger_app;

-- Tables later migrations create (as the owner) get the same rights; an append-only one must revoke them.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO claim_ledger_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO claim_ledger_app;

-- Down Migration
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM claim_ledger_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE, SELECT ON SEQUENCES FROM claim_ledger_app;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM claim_ledger_app;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM claim_ledger_app;
REVOKE USAGE ON SCHEMA public FROM claim_ledger_app;
