-- The class journal: grading scales, mark kinds, marks with their history,
-- attendance, final marks and period locks, lesson plans (issue 4, items 2-4).
-- roles: school

-- A grading scale: the values a mark may take, in order, each with the
-- number it counts as in averages (NULL: does not count, e.g. «зачёт»).
CREATE TABLE IF NOT EXISTS grading_scales (
  code VARCHAR(32) NOT NULL PRIMARY KEY,  -- 'five_point', 'pass_fail', …
  name VARCHAR(100) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS grading_scale_values (
  scale_code VARCHAR(32) NOT NULL,
  value VARCHAR(8) NOT NULL,  -- as typed and shown: '5', 'зач', 'н/а'
  ordinal TINYINT UNSIGNED NOT NULL,
  numeric_value DECIMAL(5, 2) NULL,
  passing TINYINT(1) NOT NULL DEFAULT 1,
  PRIMARY KEY (scale_code, value),
  CONSTRAINT grading_scale_values_scale FOREIGN KEY (scale_code) REFERENCES grading_scales (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Which scale a subject uses in a grade; the most specific row wins
-- (subject and grade, then subject, then grade, then the school's default
-- with both 0/'').
CREATE TABLE IF NOT EXISTS grading_scale_uses (
  academic_year SMALLINT UNSIGNED NOT NULL,
  grade TINYINT UNSIGNED NOT NULL DEFAULT 0,         -- 0: every grade
  subject_code VARCHAR(32) NOT NULL DEFAULT '',      -- '': every subject
  scale_code VARCHAR(32) NOT NULL,
  PRIMARY KEY (academic_year, grade, subject_code),
  CONSTRAINT grading_scale_uses_scale FOREIGN KEY (scale_code) REFERENCES grading_scales (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Kinds of marks and their weight in the weighted average.
CREATE TABLE IF NOT EXISTS mark_kinds (
  code VARCHAR(32) NOT NULL PRIMARY KEY,  -- 'oral', 'homework', 'test', 'control'
  name VARCHAR(100) NOT NULL,
  weight DECIMAL(3, 1) NOT NULL DEFAULT 1.0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Current marks: several per student per lesson, one per kind.
CREATE TABLE IF NOT EXISTS marks (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  lesson_id BIGINT UNSIGNED NOT NULL,
  student_id BIGINT UNSIGNED NOT NULL,
  kind_code VARCHAR(32) NOT NULL,
  value VARCHAR(8) NOT NULL,
  comment VARCHAR(500) NOT NULL DEFAULT '',
  created_by VARCHAR(256) NOT NULL,
  created_at DATETIME(6) NOT NULL,
  updated_by VARCHAR(256) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  UNIQUE KEY marks_once (lesson_id, student_id, kind_code),
  KEY marks_by_student (student_id, lesson_id),
  CONSTRAINT marks_lesson FOREIGN KEY (lesson_id) REFERENCES lessons (id),
  CONSTRAINT marks_student FOREIGN KEY (student_id) REFERENCES people (id),
  CONSTRAINT marks_kind FOREIGN KEY (kind_code) REFERENCES mark_kinds (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every change to a mark: who, when, the old and the new value (NULL: none).
CREATE TABLE IF NOT EXISTS mark_history (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  lesson_id BIGINT UNSIGNED NOT NULL,
  student_id BIGINT UNSIGNED NOT NULL,
  kind_code VARCHAR(32) NOT NULL,
  old_value VARCHAR(8) NULL,
  new_value VARCHAR(8) NULL,
  old_comment VARCHAR(500) NULL,
  changed_by VARCHAR(256) NOT NULL,
  changed_at DATETIME(6) NOT NULL,
  KEY mark_history_by_lesson (lesson_id, student_id),
  CONSTRAINT mark_history_lesson FOREIGN KEY (lesson_id) REFERENCES lessons (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Attendance: a row only for a student absent or late at a lesson.
CREATE TABLE IF NOT EXISTS attendance (
  lesson_id BIGINT UNSIGNED NOT NULL,
  student_id BIGINT UNSIGNED NOT NULL,
  status ENUM('absent', 'late') NOT NULL,
  reason ENUM('ill', 'excused', 'unexcused') NULL,
  updated_by VARCHAR(256) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (lesson_id, student_id),
  KEY attendance_by_student (student_id, lesson_id),
  CONSTRAINT attendance_lesson FOREIGN KEY (lesson_id) REFERENCES lessons (id),
  CONSTRAINT attendance_student FOREIGN KEY (student_id) REFERENCES people (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS attendance_history (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  lesson_id BIGINT UNSIGNED NOT NULL,
  student_id BIGINT UNSIGNED NOT NULL,
  old_status VARCHAR(16) NULL,
  old_reason VARCHAR(16) NULL,
  new_status VARCHAR(16) NULL,
  new_reason VARCHAR(16) NULL,
  changed_by VARCHAR(256) NOT NULL,
  changed_at DATETIME(6) NOT NULL,
  KEY attendance_history_by_lesson (lesson_id, student_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Period (1..n of the grade's scheme) and year (period 0) final marks. The
-- suggestion and the average are kept as they were when confirmed.
CREATE TABLE IF NOT EXISTS final_marks (
  academic_year SMALLINT UNSIGNED NOT NULL,
  student_id BIGINT UNSIGNED NOT NULL,
  subject_code VARCHAR(32) NOT NULL,
  period TINYINT UNSIGNED NOT NULL,  -- 0: the year
  value VARCHAR(8) NOT NULL,
  suggested VARCHAR(8) NULL,
  average DECIMAL(5, 2) NULL,
  confirmed_by VARCHAR(256) NOT NULL,
  confirmed_at DATETIME(6) NOT NULL,
  version INT UNSIGNED NOT NULL DEFAULT 1,
  PRIMARY KEY (academic_year, student_id, subject_code, period),
  CONSTRAINT final_marks_student FOREIGN KEY (student_id) REFERENCES people (id),
  CONSTRAINT final_marks_subject FOREIGN KEY (subject_code) REFERENCES subjects (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS final_mark_history (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  academic_year SMALLINT UNSIGNED NOT NULL,
  student_id BIGINT UNSIGNED NOT NULL,
  subject_code VARCHAR(32) NOT NULL,
  period TINYINT UNSIGNED NOT NULL,
  old_value VARCHAR(8) NULL,
  new_value VARCHAR(8) NULL,
  changed_by VARCHAR(256) NOT NULL,
  changed_at DATETIME(6) NOT NULL,
  KEY final_mark_history_by_student (student_id, academic_year)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A locked period: its lessons, marks, attendance and final marks are
-- read-only. Reopening deletes the row (and is audited).
CREATE TABLE IF NOT EXISTS period_locks (
  academic_year SMALLINT UNSIGNED NOT NULL,
  scheme ENUM('quarter', 'trimester', 'half_year', 'semester') NOT NULL,
  number TINYINT UNSIGNED NOT NULL,
  locked_by VARCHAR(256) NOT NULL,
  locked_at DATETIME(6) NOT NULL,
  PRIMARY KEY (academic_year, scheme, number)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Lesson plans (календарно-тематическое планирование): per class (or group)
-- and subject, an ordered list of topics the journal picks from.
CREATE TABLE IF NOT EXISTS lesson_plans (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  academic_year SMALLINT UNSIGNED NOT NULL,
  class_id BIGINT UNSIGNED NOT NULL,
  group_id BIGINT UNSIGNED NULL,
  group_key BIGINT UNSIGNED AS (IFNULL(group_id, 0)) PERSISTENT,
  subject_code VARCHAR(32) NOT NULL,
  updated_by VARCHAR(256) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  UNIQUE KEY lesson_plans_once (class_id, group_key, subject_code),
  CONSTRAINT lesson_plans_class FOREIGN KEY (class_id) REFERENCES classes (id),
  CONSTRAINT lesson_plans_group FOREIGN KEY (group_id) REFERENCES class_groups (id),
  CONSTRAINT lesson_plans_subject FOREIGN KEY (subject_code) REFERENCES subjects (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS lesson_plan_topics (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  plan_id BIGINT UNSIGNED NOT NULL,
  ordinal SMALLINT UNSIGNED NOT NULL,
  title VARCHAR(500) NOT NULL,
  hours TINYINT UNSIGNED NOT NULL DEFAULT 1,
  UNIQUE KEY lesson_plan_topics_order (plan_id, ordinal),
  CONSTRAINT lesson_plan_topics_plan FOREIGN KEY (plan_id) REFERENCES lesson_plans (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The defaults every school starts with (the journal engineer's seed): the
-- 5-point scale (the default), pass/fail (not counted in averages) and a
-- 10-point scale as an example of the others; the usual mark kinds.
INSERT IGNORE INTO grading_scales (code, name) VALUES
  ('five_point', 'Пятибалльная'), ('pass_fail', 'Зачёт / незачёт'), ('ten_point', 'Десятибалльная');

INSERT IGNORE INTO grading_scale_values (scale_code, value, ordinal, numeric_value, passing) VALUES
  ('five_point', '1', 1, 1, 0), ('five_point', '2', 2, 2, 0), ('five_point', '3', 3, 3, 1),
  ('five_point', '4', 4, 4, 1), ('five_point', '5', 5, 5, 1),
  ('pass_fail', 'незач', 1, NULL, 0), ('pass_fail', 'зач', 2, NULL, 1),
  ('ten_point', '1', 1, 1, 0), ('ten_point', '2', 2, 2, 0), ('ten_point', '3', 3, 3, 0),
  ('ten_point', '4', 4, 4, 1), ('ten_point', '5', 5, 5, 1), ('ten_point', '6', 6, 6, 1),
  ('ten_point', '7', 7, 7, 1), ('ten_point', '8', 8, 8, 1), ('ten_point', '9', 9, 9, 1),
  ('ten_point', '10', 10, 10, 1);

INSERT IGNORE INTO mark_kinds (code, name, weight) VALUES
  ('oral', 'Устный ответ', 1.0), ('homework', 'Домашняя работа', 1.0),
  ('test', 'Проверочная работа', 2.0), ('control', 'Контрольная работа', 3.0);
