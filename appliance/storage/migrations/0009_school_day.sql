-- Homework attachments, turnstile devices and events («Школьное окно»), and
-- the deputy's remarks of the weekly journal control (issue 4, items 4, 5, 8).
-- roles: school

CREATE TABLE IF NOT EXISTS homework_attachments (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  lesson_id BIGINT UNSIGNED NOT NULL,
  file_name VARCHAR(200) NOT NULL,
  content_type VARCHAR(100) NOT NULL,
  size_bytes INT UNSIGNED NOT NULL,
  sha256 CHAR(64) NOT NULL,
  content MEDIUMBLOB NOT NULL,
  uploaded_by VARCHAR(256) NOT NULL,
  uploaded_at DATETIME(6) NOT NULL,
  KEY homework_attachments_by_lesson (lesson_id),
  CONSTRAINT homework_attachments_lesson FOREIGN KEY (lesson_id) REFERENCES lessons (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- An access-control device; it authenticates with its own token, kept only
-- as a hash.
CREATE TABLE IF NOT EXISTS turnstile_devices (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  token_hash CHAR(64) NOT NULL,
  active TINYINT(1) NOT NULL DEFAULT 1,
  created_by VARCHAR(256) NOT NULL,
  created_at DATETIME(6) NOT NULL,
  UNIQUE KEY turnstile_devices_name (name),
  UNIQUE KEY turnstile_devices_token (token_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Entry and exit events; (device, event_id) makes a resent batch harmless.
CREATE TABLE IF NOT EXISTS turnstile_events (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  device_id BIGINT UNSIGNED NOT NULL,
  event_id VARCHAR(64) NOT NULL,
  person_id BIGINT UNSIGNED NOT NULL,
  direction ENUM('in', 'out') NOT NULL,
  occurred_at DATETIME NOT NULL,
  received_at DATETIME(6) NOT NULL,
  UNIQUE KEY turnstile_events_once (device_id, event_id),
  KEY turnstile_events_by_person (person_id, occurred_at),
  KEY turnstile_events_by_time (occurred_at),
  CONSTRAINT turnstile_events_device FOREIGN KEY (device_id) REFERENCES turnstile_devices (id),
  CONSTRAINT turnstile_events_person FOREIGN KEY (person_id) REFERENCES people (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The deputy's remark to a teacher from the weekly journal control; the
-- teacher marks it fixed.
CREATE TABLE IF NOT EXISTS journal_remarks (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  staff_id BIGINT UNSIGNED NOT NULL,
  class_id BIGINT UNSIGNED NULL,
  subject_code VARCHAR(32) NULL,
  week_of DATE NOT NULL,  -- the Monday of the week checked
  text VARCHAR(1000) NOT NULL,
  created_by VARCHAR(256) NOT NULL,
  created_at DATETIME(6) NOT NULL,
  fixed_by VARCHAR(256) NULL,
  fixed_at DATETIME(6) NULL,
  KEY journal_remarks_by_staff (staff_id, fixed_at),
  KEY journal_remarks_by_week (week_of),
  CONSTRAINT journal_remarks_staff FOREIGN KEY (staff_id) REFERENCES people (id),
  CONSTRAINT journal_remarks_class FOREIGN KEY (class_id) REFERENCES classes (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
