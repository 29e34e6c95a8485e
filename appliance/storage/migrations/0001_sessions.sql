-- Sessions live in the database so that several partad processes share them
-- and a restart logs nobody out (DESIGN.md §1). Only a hash of the token is
-- stored: a copy of this table cannot be used to take over a session.
CREATE TABLE IF NOT EXISTS sessions (
  token_hash CHAR(64) NOT NULL,
  user_id VARCHAR(256) NOT NULL,
  display_name VARCHAR(512) NOT NULL,
  roles VARCHAR(1024) NOT NULL,       -- role names joined with ','
  created_at DATETIME(6) NOT NULL,    -- UTC
  last_seen_at DATETIME(6) NOT NULL,  -- UTC
  PRIMARY KEY (token_hash),
  KEY sessions_last_seen_at (last_seen_at),
  KEY sessions_created_at (created_at),
  KEY sessions_user_id (user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
