-- Federation, the receiving side of a hub (issue 5; federation/README.md):
-- enrolled children and their keys, enrolment codes, the inbox with its
-- archive of raw envelopes, the cells received, and alarms.
-- roles: municipal, regional
--
-- Hubs hold no personal data by construction: no column here can hold a
-- person (tests/integration/federation_schema_test.cpp checks every column
-- of a hub's schema). A child is an institution; cells are counts.

-- Same as in 0010 (a municipal node runs both; IF NOT EXISTS makes the
-- second a no-op): the regional node needs its own key epoch too.
CREATE TABLE IF NOT EXISTS federation_identity (
  id TINYINT UNSIGNED NOT NULL PRIMARY KEY,
  key_epoch INT UNSIGNED NOT NULL,
  public_key CHAR(64) NOT NULL,
  created_at DATETIME(6) NOT NULL,
  CONSTRAINT federation_identity_one_row CHECK (id = 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS federation_children (
  code VARCHAR(64) NOT NULL PRIMARY KEY,
  institution_name VARCHAR(300) NOT NULL,
  identifiers VARCHAR(1000) NOT NULL DEFAULT '{}',  -- JSON: INN, OGRN, … of the institution
  status ENUM('active', 'revoked') NOT NULL DEFAULT 'active',
  key_epoch INT UNSIGNED NOT NULL,
  enrolled_at DATETIME(6) NOT NULL,
  revoked_at DATETIME(6) NULL,
  last_contact_at DATETIME(6) NULL,
  reported_version VARCHAR(64) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every key a child has had: envelopes name the epoch they were signed in.
CREATE TABLE IF NOT EXISTS federation_child_keys (
  child_code VARCHAR(64) NOT NULL,
  key_epoch INT UNSIGNED NOT NULL,
  public_key CHAR(64) NOT NULL,
  valid_from DATETIME(6) NOT NULL,
  PRIMARY KEY (child_code, key_epoch),
  CONSTRAINT federation_child_keys_child FOREIGN KEY (child_code) REFERENCES federation_children (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One-time codes; only a hash of the code is kept.
CREATE TABLE IF NOT EXISTS federation_enrolment_codes (
  code_hash CHAR(64) NOT NULL PRIMARY KEY,
  child_code VARCHAR(64) NOT NULL,
  institution_name VARCHAR(300) NOT NULL,
  identifiers VARCHAR(1000) NOT NULL DEFAULT '{}',
  issued_by VARCHAR(256) NOT NULL,  -- the hub's own staff account
  issued_at DATETIME(6) NOT NULL,
  expires_at DATETIME(6) NOT NULL,
  used_at DATETIME(6) NULL,
  KEY federation_enrolment_codes_child (child_code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The next sequence expected per (origin, channel). Applying an envelope
-- locks this row, so several receivers (partad processes, threads) apply a
-- channel's envelopes one at a time and in order.
CREATE TABLE IF NOT EXISTS inbox_channels (
  origin VARCHAR(64) NOT NULL,
  channel VARCHAR(64) NOT NULL,
  next_sequence BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (origin, channel)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The archive: every envelope that could be attributed, raw, with what
-- became of it. Two different envelopes with one sequence are both kept
-- (status 'equivocation') for the alarm's investigation.
CREATE TABLE IF NOT EXISTS inbox_envelopes (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  origin VARCHAR(64) NOT NULL,
  channel VARCHAR(64) NOT NULL,
  sequence BIGINT UNSIGNED NOT NULL,
  envelope_hash CHAR(64) NOT NULL,
  envelope MEDIUMBLOB NOT NULL,
  table_id VARCHAR(64) NOT NULL,
  period VARCHAR(32) NOT NULL,
  revision INT UNSIGNED NOT NULL,
  status ENUM('applied', 'held', 'rejected', 'equivocation') NOT NULL,
  reason VARCHAR(300) NULL,
  received_at DATETIME(6) NOT NULL,
  applied_at DATETIME(6) NULL,
  UNIQUE KEY inbox_envelopes_once (origin, channel, sequence, envelope_hash),
  KEY inbox_envelopes_held (origin, channel, status, sequence)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Which revision of a table and period each origin has delivered; the
-- newest wins and replaces the cells below as a whole.
CREATE TABLE IF NOT EXISTS received_tables (
  origin VARCHAR(64) NOT NULL,
  table_id VARCHAR(64) NOT NULL,
  period VARCHAR(32) NOT NULL,
  revision INT UNSIGNED NOT NULL,
  envelope_id BIGINT UNSIGNED NOT NULL,
  received_at DATETIME(6) NOT NULL,
  PRIMARY KEY (origin, table_id, period)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A published cell: a count, or suppressed with the interval it lies in.
CREATE TABLE IF NOT EXISTS received_cells (
  origin VARCHAR(64) NOT NULL,
  table_id VARCHAR(64) NOT NULL,
  period VARCHAR(32) NOT NULL,
  cell_key VARCHAR(512) NOT NULL,  -- the dimension values joined with '|', e.g. "5|female|10-11"
  revision INT UNSIGNED NOT NULL,
  published_count BIGINT NULL,     -- null: suppressed
  low BIGINT NULL,
  high BIGINT NULL,
  numerator DOUBLE NULL,
  denominator DOUBLE NULL,
  PRIMARY KEY (origin, table_id, period, cell_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS federation_alarms (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  kind VARCHAR(32) NOT NULL,
  origin VARCHAR(64) NOT NULL,
  detail VARCHAR(1000) NOT NULL,
  raised_at DATETIME(6) NOT NULL,
  acknowledged_by VARCHAR(256) NULL,  -- the hub's own staff account
  acknowledged_at DATETIME(6) NULL,
  KEY federation_alarms_open (acknowledged_at, raised_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
