-- Federation, the signed documents that travel down (issue 5 item 2;
-- federation/README.md, "Catalogue and policy documents"): the catalogue
-- and the policy each node accepted, the last one it refused, the regional
-- node's publications, and a school's scheduled-release progress.
-- roles: school, municipal, regional
--
-- Nothing here names a person: documents are the region's tables and
-- rules; the only account is the regional administrator who published.

-- 0010 created federation_documents on schools and municipal nodes, but
-- nothing ever wrote it; this one replaces it on every role.
DROP TABLE IF EXISTS federation_documents;

-- The current accepted document of each kind: the signed bytes exactly as
-- received (encodeDocument), so a node checks them again and passes them
-- down unchanged.
CREATE TABLE federation_documents (
  kind ENUM('catalogue', 'policy') NOT NULL PRIMARY KEY,
  version INT UNSIGNED NOT NULL,
  document MEDIUMBLOB NOT NULL,
  signer_key CHAR(64) NOT NULL,
  issued_at DATETIME(6) NOT NULL,
  expires_at DATETIME(6) NOT NULL,
  accepted_at DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The last document refused, per kind ('unknown' when it could not even be
-- decoded), for the status page.
CREATE TABLE IF NOT EXISTS federation_document_refusals (
  kind VARCHAR(16) NOT NULL PRIMARY KEY,
  version INT UNSIGNED NULL,
  reason VARCHAR(32) NOT NULL,  -- malformed, unsigned, bad_signature, untrusted_signer, expired, older, conflict
  detail VARCHAR(500) NOT NULL,
  refused_at DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- What the regional node signed and which of its administrators did (the
-- hub has no audit_log: this is its audit of publications).
CREATE TABLE IF NOT EXISTS federation_document_publications (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  kind ENUM('catalogue', 'policy') NOT NULL,
  version INT UNSIGNED NOT NULL,
  published_by VARCHAR(256) NOT NULL,  -- the hub's own staff account
  published_at DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row: the last date a school released by schedule (its tables of that
-- date and everything due before it are queued).
CREATE TABLE IF NOT EXISTS federation_release_schedule (
  id TINYINT UNSIGNED NOT NULL PRIMARY KEY,
  last_released DATE NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  CONSTRAINT federation_release_schedule_one_row CHECK (id = 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
