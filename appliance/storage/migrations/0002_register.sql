-- The school register: people and their cards (with history), guardianship,
-- classes and who teaches them, consent, and the audit log.
-- roles: school
--
-- Personal data lives only here: hubs record this migration without running
-- it, so they never have a table that could hold it.

CREATE TABLE IF NOT EXISTS people (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  kind ENUM('student', 'staff', 'parent') NOT NULL,
  -- A stable key for imports and the generator; never a name.
  external_ref VARCHAR(64) NULL,
  -- The person's login in the node's directory, when they have an account.
  account_uid VARCHAR(256) NULL,
  surname VARCHAR(100) NOT NULL,
  first_name VARCHAR(100) NOT NULL,
  patronymic VARCHAR(100) NOT NULL DEFAULT '',
  birth_date DATE NULL,
  sex ENUM('male', 'female') NULL,
  -- Bumped by every change; a save names the version it was based on.
  version INT UNSIGNED NOT NULL DEFAULT 1,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  UNIQUE KEY people_external_ref (external_ref),
  UNIQUE KEY people_account_uid (account_uid),
  KEY people_by_name (kind, surname, first_name, patronymic)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Card fields other than the name columns, keyed by the core's field
-- catalogue (appliance/core/person_fields.cpp).
CREATE TABLE IF NOT EXISTS person_fields (
  person_id BIGINT UNSIGNED NOT NULL,
  field VARCHAR(64) NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (person_id, field),
  CONSTRAINT person_fields_person FOREIGN KEY (person_id) REFERENCES people (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every change to a card: who, when, and the value before. Never updated.
CREATE TABLE IF NOT EXISTS person_history (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  person_id BIGINT UNSIGNED NOT NULL,
  field VARCHAR(64) NOT NULL,
  old_value TEXT NULL,
  new_value TEXT NULL,
  changed_by VARCHAR(256) NOT NULL,
  changed_at DATETIME(6) NOT NULL,
  KEY person_history_by_person (person_id, id),
  CONSTRAINT person_history_person FOREIGN KEY (person_id) REFERENCES people (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS guardianships (
  parent_id BIGINT UNSIGNED NOT NULL,
  child_id BIGINT UNSIGNED NOT NULL,
  relationship ENUM('mother', 'father', 'guardian', 'other') NOT NULL,
  PRIMARY KEY (parent_id, child_id),
  KEY guardianships_by_child (child_id),
  CONSTRAINT guardianships_parent FOREIGN KEY (parent_id) REFERENCES people (id),
  CONSTRAINT guardianships_child FOREIGN KEY (child_id) REFERENCES people (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS subjects (
  code VARCHAR(32) NOT NULL PRIMARY KEY,
  name VARCHAR(200) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS classes (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  academic_year SMALLINT UNSIGNED NOT NULL,
  grade TINYINT UNSIGNED NOT NULL,
  letter VARCHAR(8) NOT NULL,
  shift TINYINT UNSIGNED NOT NULL DEFAULT 1,
  class_teacher_id BIGINT UNSIGNED NULL,
  UNIQUE KEY classes_name (academic_year, grade, letter),
  KEY classes_by_teacher (class_teacher_id),
  CONSTRAINT classes_teacher FOREIGN KEY (class_teacher_id) REFERENCES people (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Current class of each student; the movement book will record changes.
CREATE TABLE IF NOT EXISTS class_members (
  class_id BIGINT UNSIGNED NOT NULL,
  student_id BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (class_id, student_id),
  KEY class_members_by_student (student_id),
  CONSTRAINT class_members_class FOREIGN KEY (class_id) REFERENCES classes (id),
  CONSTRAINT class_members_student FOREIGN KEY (student_id) REFERENCES people (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS teaching_assignments (
  class_id BIGINT UNSIGNED NOT NULL,
  subject_code VARCHAR(32) NOT NULL,
  staff_id BIGINT UNSIGNED NOT NULL,
  hours_per_week TINYINT UNSIGNED NOT NULL,
  PRIMARY KEY (class_id, subject_code, staff_id),
  KEY teaching_by_staff (staff_id),
  CONSTRAINT teaching_class FOREIGN KEY (class_id) REFERENCES classes (id),
  CONSTRAINT teaching_subject FOREIGN KEY (subject_code) REFERENCES subjects (code),
  CONSTRAINT teaching_staff FOREIGN KEY (staff_id) REFERENCES people (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Consent to processing personal data (seed 004, 5.4), per person and purpose.
CREATE TABLE IF NOT EXISTS consents (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  person_id BIGINT UNSIGNED NOT NULL,
  purpose VARCHAR(64) NOT NULL,
  given_by_id BIGINT UNSIGNED NULL,
  given_on DATE NOT NULL,
  document_ref VARCHAR(200) NOT NULL,
  withdrawn_on DATE NULL,
  recorded_by VARCHAR(256) NOT NULL,
  recorded_at DATETIME(6) NOT NULL,
  KEY consents_by_person (person_id, purpose),
  CONSTRAINT consents_person FOREIGN KEY (person_id) REFERENCES people (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Append-only: every read of a full card and every change. The production
-- installer grants partad INSERT and SELECT only on this table.
CREATE TABLE IF NOT EXISTS audit_log (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  at DATETIME(6) NOT NULL,
  actor VARCHAR(256) NOT NULL,
  action VARCHAR(64) NOT NULL,
  subject_type VARCHAR(32) NOT NULL,
  subject_id BIGINT UNSIGNED NULL,
  detail VARCHAR(1000) NOT NULL DEFAULT '',
  KEY audit_by_time (at),
  KEY audit_by_subject (subject_type, subject_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
