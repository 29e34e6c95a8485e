-- Year closing: the principal's order a school year was closed by, and what
-- became of every student of the closed year (promoted to which class,
-- graduated, kept back). Class membership moves on to the new year; this
-- keeps the old year's class lists readable.
-- roles: school

ALTER TABLE academic_years
  ADD COLUMN IF NOT EXISTS closing_order_number VARCHAR(64) NULL,
  ADD COLUMN IF NOT EXISTS closing_order_date DATE NULL;

CREATE TABLE IF NOT EXISTS year_closing_outcomes (
  class_id BIGINT UNSIGNED NOT NULL,
  student_id BIGINT UNSIGNED NOT NULL,
  outcome ENUM('promoted', 'graduated', 'kept_back') NOT NULL,
  to_class_id BIGINT UNSIGNED NULL,
  PRIMARY KEY (class_id, student_id),
  KEY year_closing_outcomes_by_student (student_id),
  CONSTRAINT year_closing_outcomes_class FOREIGN KEY (class_id) REFERENCES classes (id),
  CONSTRAINT year_closing_outcomes_student FOREIGN KEY (student_id) REFERENCES people (id),
  CONSTRAINT year_closing_outcomes_to FOREIGN KEY (to_class_id) REFERENCES classes (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
