-- Federation, a hub's returns (issue 5, item 7; federation/README.md): the
-- analyst's approvals of the children's tables, the cells as approved, what
-- a municipal node forwarded upward, and the hub's audit log.
-- roles: municipal, regional
--
-- No column here can hold a person of a school (FederationSchemaTest):
-- approved_by and actor are the hub's own staff accounts, like issued_by in
-- 0011.

-- Every approval, append-only: the audit trail and the state at once (the
-- newest row of an (origin, table, period) is its approval).
CREATE TABLE IF NOT EXISTS federation_approvals (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  origin VARCHAR(64) NOT NULL,
  table_id VARCHAR(64) NOT NULL,
  period VARCHAR(32) NOT NULL,
  revision INT UNSIGNED NOT NULL,
  approved_by VARCHAR(256) NOT NULL,  -- the hub's own staff account
  approved_at DATETIME(6) NOT NULL,
  KEY federation_approvals_return (origin, table_id, period, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The cells of the approved revision, copied from received_cells at
-- approval: a late correction replaces received_cells, while what the hub
-- forwards stays the approved revision until it is approved in turn.
CREATE TABLE IF NOT EXISTS approved_cells (
  origin VARCHAR(64) NOT NULL,
  table_id VARCHAR(64) NOT NULL,
  period VARCHAR(32) NOT NULL,
  cell_key VARCHAR(512) NOT NULL,
  revision INT UNSIGNED NOT NULL,
  published_count BIGINT NULL,
  low BIGINT NULL,
  high BIGINT NULL,
  numerator DOUBLE NULL,
  denominator DOUBLE NULL,
  PRIMARY KEY (origin, table_id, period, cell_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- What a municipal node forwarded to the region per (table, period): each
-- revision's payload (the consolidation in release text form), queued with
-- its outbox envelope in one transaction. The regional node has no parent
-- and never writes here.
CREATE TABLE IF NOT EXISTS consolidation_ledger (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  table_id VARCHAR(64) NOT NULL,
  period VARCHAR(32) NOT NULL,
  revision INT UNSIGNED NOT NULL,
  payload MEDIUMBLOB NOT NULL,
  payload_hash CHAR(64) NOT NULL,
  queued_at DATETIME(6) NOT NULL,
  UNIQUE KEY consolidation_ledger_revision (table_id, period, revision)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The hub's audit log (audit_log is a school's): who of the hub's own staff
-- did what to which child, table or period. Written in the transaction of
-- the change: approvals, enrolment codes issued, children revoked.
CREATE TABLE IF NOT EXISTS federation_audit (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  at DATETIME(6) NOT NULL,
  actor VARCHAR(256) NOT NULL,     -- the hub's own staff account
  action VARCHAR(64) NOT NULL,     -- return_approved, enrolment_code_issued, child_revoked
  subject VARCHAR(300) NOT NULL,   -- a child's code, "school-1 attendance 2026-11": never a person
  detail VARCHAR(1000) NOT NULL DEFAULT '',
  KEY federation_audit_at (at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
