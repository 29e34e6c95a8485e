-- Federation, the sending side (issue 5; federation/README.md): the node's
-- own key epoch, the parent it pinned at enrolment, the signed documents it
-- accepted, the release ledger and the outbox.
-- roles: school, municipal
--
-- Nothing here names a person: the ledger and the outbox hold released
-- (disclosure-controlled) tables only.

-- One row. The secret key is a file (federation.key_file, 0600); only the
-- public half and its epoch are here.
CREATE TABLE IF NOT EXISTS federation_identity (
  id TINYINT UNSIGNED NOT NULL PRIMARY KEY,
  key_epoch INT UNSIGNED NOT NULL,
  public_key CHAR(64) NOT NULL,
  created_at DATETIME(6) NOT NULL,
  CONSTRAINT federation_identity_one_row CHECK (id = 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row: the parent this node reports to, its key as answered at
-- enrolment (pinned: a later different key is refused unless a rotation
-- record signed by the pinned key introduces it), and the regional root key.
CREATE TABLE IF NOT EXISTS federation_parent (
  id TINYINT UNSIGNED NOT NULL PRIMARY KEY,
  upstream_code VARCHAR(64) NOT NULL,
  upstream_url VARCHAR(512) NOT NULL,
  public_key CHAR(64) NOT NULL,
  key_epoch INT UNSIGNED NOT NULL,
  root_key CHAR(64) NOT NULL,
  pinned_at DATETIME(6) NOT NULL,
  CONSTRAINT federation_parent_one_row CHECK (id = 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The catalogue and the policy as received (the signed bytes, so they can
-- be checked again and passed down unchanged); one current version each.
CREATE TABLE IF NOT EXISTS federation_documents (
  kind ENUM('catalogue', 'policy') NOT NULL PRIMARY KEY,
  version INT UNSIGNED NOT NULL,
  document MEDIUMBLOB NOT NULL,
  expires_at DATETIME(6) NULL,
  received_at DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Everything this node has released, for the auditor: a new release is
-- checked together with all of these.
CREATE TABLE IF NOT EXISTS release_ledger (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  table_id VARCHAR(64) NOT NULL,
  period VARCHAR(32) NOT NULL,
  revision INT UNSIGNED NOT NULL,
  payload MEDIUMBLOB NOT NULL,  -- the released table's canonical text (encodeRelease)
  payload_hash CHAR(64) NOT NULL,
  released_at DATETIME(6) NOT NULL,
  UNIQUE KEY release_ledger_revision (table_id, period, revision)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The next sequence number per channel. Enqueueing locks the channel's row
-- (SELECT ... FOR UPDATE) in the caller's transaction, so numbers are
-- gapless: a rolled-back enqueue gives its number back.
CREATE TABLE IF NOT EXISTS outbox_channels (
  channel VARCHAR(64) NOT NULL PRIMARY KEY,
  next_sequence BIGINT UNSIGNED NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS outbox (
  channel VARCHAR(64) NOT NULL,
  sequence BIGINT UNSIGNED NOT NULL,
  envelope_type VARCHAR(32) NOT NULL,
  recipient VARCHAR(64) NOT NULL,
  key_epoch INT UNSIGNED NOT NULL,
  table_id VARCHAR(64) NOT NULL,
  period VARCHAR(32) NOT NULL,
  revision INT UNSIGNED NOT NULL,
  schema_version INT UNSIGNED NOT NULL,
  policy_version INT UNSIGNED NOT NULL,
  payload_hash CHAR(64) NOT NULL,
  envelope MEDIUMBLOB NOT NULL,  -- the signed envelope exactly as it goes on the wire
  size_bytes INT UNSIGNED NOT NULL,
  status ENUM('pending', 'acknowledged', 'rejected') NOT NULL DEFAULT 'pending',
  reason VARCHAR(300) NULL,  -- why the parent rejected it
  created_at DATETIME(6) NOT NULL,
  sent_at DATETIME(6) NULL,  -- the last attempt
  acked_at DATETIME(6) NULL,
  PRIMARY KEY (channel, sequence),
  KEY outbox_by_status (status, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
