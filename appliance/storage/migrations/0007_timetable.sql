-- Lesson times, the weekly timetable, its one-off changes, and the lessons
-- generated from it (issue 4, items 1 and 2).
-- roles: school
--
-- A lesson is the unit the journal hangs on: marks, attendance, topic and
-- homework all point at lessons.id. Lessons are generated from the weekly
-- timetable for a date range and may also be added by hand or cancelled.

-- Bell schedules: several per school (per shift, a shortened day).
CREATE TABLE IF NOT EXISTS bell_schedules (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  -- The shift whose classes use it by default; NULL: only when chosen.
  shift TINYINT UNSIGNED NULL,
  UNIQUE KEY bell_schedules_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS bell_lessons (
  schedule_id BIGINT UNSIGNED NOT NULL,
  number TINYINT UNSIGNED NOT NULL,  -- 1st lesson, 2nd, …
  starts_at TIME NOT NULL,
  ends_at TIME NOT NULL,
  PRIMARY KEY (schedule_id, number),
  CONSTRAINT bell_lessons_schedule FOREIGN KEY (schedule_id) REFERENCES bell_schedules (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A class may use a schedule other than its shift's.
ALTER TABLE classes ADD COLUMN IF NOT EXISTS bell_schedule_id BIGINT UNSIGNED NULL;

-- The weekly timetable: a slot (weekday, lesson number) of a class or one of
-- its groups, for a subject, a teacher and a room, valid between two dates.
CREATE TABLE IF NOT EXISTS timetable_entries (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  academic_year SMALLINT UNSIGNED NOT NULL,
  class_id BIGINT UNSIGNED NOT NULL,
  group_id BIGINT UNSIGNED NULL,
  subject_code VARCHAR(32) NOT NULL,
  staff_id BIGINT UNSIGNED NOT NULL,
  room_id BIGINT UNSIGNED NULL,
  weekday TINYINT UNSIGNED NOT NULL,  -- 1 Monday … 6 Saturday
  lesson_number TINYINT UNSIGNED NOT NULL,
  valid_from DATE NOT NULL,
  valid_to DATE NOT NULL,
  KEY timetable_by_class (class_id, weekday, lesson_number),
  KEY timetable_by_staff (staff_id, weekday, lesson_number),
  KEY timetable_by_room (room_id, weekday, lesson_number),
  CONSTRAINT timetable_year FOREIGN KEY (academic_year) REFERENCES academic_years (start_year),
  CONSTRAINT timetable_class FOREIGN KEY (class_id) REFERENCES classes (id),
  CONSTRAINT timetable_group FOREIGN KEY (group_id) REFERENCES class_groups (id),
  CONSTRAINT timetable_subject FOREIGN KEY (subject_code) REFERENCES subjects (code),
  CONSTRAINT timetable_staff FOREIGN KEY (staff_id) REFERENCES people (id),
  CONSTRAINT timetable_room FOREIGN KEY (room_id) REFERENCES rooms (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Lessons: one row per lesson given (or planned) on a date.
CREATE TABLE IF NOT EXISTS lessons (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  academic_year SMALLINT UNSIGNED NOT NULL,
  class_id BIGINT UNSIGNED NOT NULL,
  group_id BIGINT UNSIGNED NULL,
  group_key BIGINT UNSIGNED AS (IFNULL(group_id, 0)) PERSISTENT,
  subject_code VARCHAR(32) NOT NULL,
  held_on DATE NOT NULL,
  lesson_number TINYINT UNSIGNED NOT NULL,
  -- The teacher of the timetable; given_by is who actually gave it (a
  -- substitute), NULL while that is the planned teacher.
  staff_id BIGINT UNSIGNED NOT NULL,
  given_by BIGINT UNSIGNED NULL,
  substitution_reason VARCHAR(200) NOT NULL DEFAULT '',
  room_id BIGINT UNSIGNED NULL,
  timetable_entry_id BIGINT UNSIGNED NULL,  -- NULL: added by hand
  status ENUM('planned', 'cancelled') NOT NULL DEFAULT 'planned',
  cancel_reason VARCHAR(200) NOT NULL DEFAULT '',
  topic VARCHAR(500) NOT NULL DEFAULT '',
  plan_topic_id BIGINT UNSIGNED NULL,
  homework TEXT NOT NULL,
  homework_due DATE NULL,
  attendance_taken TINYINT(1) NOT NULL DEFAULT 0,
  -- Bumped by every save of the lesson or its marks and attendance: the
  -- journal's optimistic concurrency token.
  version INT UNSIGNED NOT NULL DEFAULT 1,
  updated_by VARCHAR(256) NULL,
  updated_at DATETIME(6) NULL,
  UNIQUE KEY lessons_slot (class_id, group_key, held_on, lesson_number, subject_code),
  KEY lessons_by_date (held_on, class_id),
  KEY lessons_by_staff (staff_id, held_on),
  KEY lessons_by_substitute (given_by, held_on),
  KEY lessons_by_subject (class_id, subject_code, held_on),
  CONSTRAINT lessons_year FOREIGN KEY (academic_year) REFERENCES academic_years (start_year),
  CONSTRAINT lessons_class FOREIGN KEY (class_id) REFERENCES classes (id),
  CONSTRAINT lessons_group FOREIGN KEY (group_id) REFERENCES class_groups (id),
  CONSTRAINT lessons_subject FOREIGN KEY (subject_code) REFERENCES subjects (code),
  CONSTRAINT lessons_staff FOREIGN KEY (staff_id) REFERENCES people (id),
  CONSTRAINT lessons_given_by FOREIGN KEY (given_by) REFERENCES people (id),
  CONSTRAINT lessons_room FOREIGN KEY (room_id) REFERENCES rooms (id),
  CONSTRAINT lessons_entry FOREIGN KEY (timetable_entry_id) REFERENCES timetable_entries (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
