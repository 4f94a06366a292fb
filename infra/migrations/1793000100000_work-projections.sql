-- Up Migration

-- The desk's read models of each claim's work stream (`work-<claimId>`), updated inline in the transaction
-- that appends the work events, like claim_view. A claim with no work event has no row: it is `new`,
-- unassigned, its checklist its category's template (the API reads the template, it writes nothing).
CREATE TABLE work_view (
  claim_id             text        PRIMARY KEY,
  version              integer     NOT NULL,
  position             bigint      NOT NULL,
  work_state           text        NOT NULL,
  assignee             text,
  -- The checklist template once seeded (null: not yet), and the checklist: [{taskId, name, done, doneBy, doneAt}].
  template             text,
  tasks                jsonb       NOT NULL,
  comment_count        integer     NOT NULL,
  last_activity_at     timestamptz NOT NULL
);

CREATE INDEX work_view_assignee ON work_view (assignee);
CREATE INDEX work_view_state ON work_view (work_state);

-- Comments, one row each, in the order they were posted (the work stream version of their event).
CREATE TABLE work_comments (
  claim_id             text        NOT NULL,
  version              integer     NOT NULL,
  comment_id           text        NOT NULL,
  body                 text        NOT NULL,
  report_id            text,
  author               text        NOT NULL,
  posted_at            timestamptz NOT NULL,
  PRIMARY KEY (claim_id, version)
);

-- Down Migration
DROP TABLE work_comments;
DROP TABLE work_view;
