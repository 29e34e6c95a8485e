-- Academic structure: school years with their periods and holidays, rooms,
-- groups within a class, the curriculum (учебный план), year locking.
-- roles: school
--
-- A school year is named by the year of the 1 September it starts on
-- (2026 = 2026/27), as classes.academic_year already is.

CREATE TABLE IF NOT EXISTS academic_years (
  start_year SMALLINT UNSIGNED NOT NULL PRIMARY KEY,
  starts_on DATE NOT NULL,
  ends_on DATE NOT NULL,
  -- closed: the year-closing wizard has run; its classes, members and
  -- curriculum are read-only from then on.
  status ENUM('open', 'closed') NOT NULL DEFAULT 'open',
  closed_by VARCHAR(256) NULL,
  closed_at DATETIME(6) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- How a grade's year is divided: quarters (4), trimesters (3), half-years
-- (2, schools) or semesters (2, colleges). Per school year and grade.
CREATE TABLE IF NOT EXISTS grade_period_schemes (
  academic_year SMALLINT UNSIGNED NOT NULL,
  grade TINYINT UNSIGNED NOT NULL,
  scheme ENUM('quarter', 'trimester', 'half_year', 'semester') NOT NULL,
  PRIMARY KEY (academic_year, grade),
  CONSTRAINT grade_period_schemes_year FOREIGN KEY (academic_year) REFERENCES academic_years (start_year)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS periods (
  academic_year SMALLINT UNSIGNED NOT NULL,
  scheme ENUM('quarter', 'trimester', 'half_year', 'semester') NOT NULL,
  number TINYINT UNSIGNED NOT NULL,
  starts_on DATE NOT NULL,
  ends_on DATE NOT NULL,
  PRIMARY KEY (academic_year, scheme, number),
  CONSTRAINT periods_year FOREIGN KEY (academic_year) REFERENCES academic_years (start_year)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Holidays; grade_from/grade_to limit one to some grades (the extra
-- February week of the first grade), NULL for the whole school.
CREATE TABLE IF NOT EXISTS holidays (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  academic_year SMALLINT UNSIGNED NOT NULL,
  name VARCHAR(200) NOT NULL,
  starts_on DATE NOT NULL,
  ends_on DATE NOT NULL,
  grade_from TINYINT UNSIGNED NULL,
  grade_to TINYINT UNSIGNED NULL,
  KEY holidays_by_year (academic_year, starts_on),
  CONSTRAINT holidays_year FOREIGN KEY (academic_year) REFERENCES academic_years (start_year)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS rooms (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  number VARCHAR(16) NOT NULL,
  name VARCHAR(200) NOT NULL DEFAULT '',
  capacity SMALLINT UNSIGNED NULL,
  -- The subject the room is equipped for (a lab, a gym), if any.
  subject_code VARCHAR(32) NULL,
  UNIQUE KEY rooms_number (number),
  CONSTRAINT rooms_subject FOREIGN KEY (subject_code) REFERENCES subjects (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A class's profile picks its curriculum ('' = the grade's general plan).
ALTER TABLE classes ADD COLUMN IF NOT EXISTS profile VARCHAR(64) NOT NULL DEFAULT '';

-- A class split for a subject (languages, PE, technology); a subgroup has a
-- parent group.
CREATE TABLE IF NOT EXISTS class_groups (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  class_id BIGINT UNSIGNED NOT NULL,
  name VARCHAR(100) NOT NULL,
  subject_code VARCHAR(32) NULL,
  parent_group_id BIGINT UNSIGNED NULL,
  UNIQUE KEY class_groups_name (class_id, name),
  CONSTRAINT class_groups_class FOREIGN KEY (class_id) REFERENCES classes (id),
  CONSTRAINT class_groups_subject FOREIGN KEY (subject_code) REFERENCES subjects (code),
  CONSTRAINT class_groups_parent FOREIGN KEY (parent_group_id) REFERENCES class_groups (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS group_members (
  group_id BIGINT UNSIGNED NOT NULL,
  student_id BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (group_id, student_id),
  KEY group_members_by_student (student_id),
  CONSTRAINT group_members_group FOREIGN KEY (group_id) REFERENCES class_groups (id),
  CONSTRAINT group_members_student FOREIGN KEY (student_id) REFERENCES people (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The curriculum: weekly hours of a subject for a grade and profile in a
-- school year; period 0 is every period, a number overrides one period.
CREATE TABLE IF NOT EXISTS curriculum (
  academic_year SMALLINT UNSIGNED NOT NULL,
  grade TINYINT UNSIGNED NOT NULL,
  profile VARCHAR(64) NOT NULL DEFAULT '',
  subject_code VARCHAR(32) NOT NULL,
  period TINYINT UNSIGNED NOT NULL DEFAULT 0,
  hours_per_week DECIMAL(4, 1) NOT NULL,
  PRIMARY KEY (academic_year, grade, profile, subject_code, period),
  CONSTRAINT curriculum_year FOREIGN KEY (academic_year) REFERENCES academic_years (start_year),
  CONSTRAINT curriculum_subject FOREIGN KEY (subject_code) REFERENCES subjects (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A teacher may teach a whole class or one of its groups; the same teacher
-- may teach two subgroups of one subject, so a row gets its own key.
ALTER TABLE teaching_assignments
  ADD COLUMN IF NOT EXISTS group_id BIGINT UNSIGNED NULL,
  ADD COLUMN IF NOT EXISTS group_key BIGINT UNSIGNED AS (IFNULL(group_id, 0)) PERSISTENT,
  ADD CONSTRAINT teaching_group FOREIGN KEY (group_id) REFERENCES class_groups (id);
ALTER TABLE teaching_assignments
  DROP PRIMARY KEY,
  ADD COLUMN id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY FIRST,
  ADD UNIQUE KEY teaching_once (class_id, subject_code, group_key, staff_id),
  MODIFY hours_per_week DECIMAL(4, 1) NOT NULL;
