-- The movement book (книга движения) and class capacity.
-- roles: school

ALTER TABLE classes ADD COLUMN IF NOT EXISTS capacity SMALLINT UNSIGNED NULL;

-- Append-only. A wrong entry is cancelled by an 'undo' entry naming it.
CREATE TABLE IF NOT EXISTS movements (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  student_id BIGINT UNSIGNED NOT NULL,
  kind ENUM('admission', 'transfer', 'transfer_out', 'departure', 'graduation', 'undo') NOT NULL,
  occurred_on DATE NOT NULL,
  order_number VARCHAR(64) NOT NULL,
  order_date DATE NOT NULL,
  from_class_id BIGINT UNSIGNED NULL,
  to_class_id BIGINT UNSIGNED NULL,
  destination VARCHAR(300) NOT NULL DEFAULT '',
  reason VARCHAR(300) NOT NULL DEFAULT '',
  undoes_id BIGINT UNSIGNED NULL,
  recorded_by VARCHAR(256) NOT NULL,
  recorded_at DATETIME(6) NOT NULL,
  KEY movements_by_student (student_id, id),
  KEY movements_by_date (occurred_on),
  UNIQUE KEY movements_undo_once (undoes_id),
  CONSTRAINT movements_student FOREIGN KEY (student_id) REFERENCES people (id),
  CONSTRAINT movements_from FOREIGN KEY (from_class_id) REFERENCES classes (id),
  CONSTRAINT movements_to FOREIGN KEY (to_class_id) REFERENCES classes (id),
  CONSTRAINT movements_undoes FOREIGN KEY (undoes_id) REFERENCES movements (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
