-- A counter that changes whenever what a register listing shows changes
-- (people's names, kinds, birth dates, classes and class membership), so
-- partad can keep the listing in memory and know, with one primary-key
-- read, when to reload it. Triggers bump it for every writer: partad, an
-- import, the year closing, or an administrator's SQL.
-- roles: school

CREATE TABLE IF NOT EXISTS register_generation (
  singleton TINYINT UNSIGNED NOT NULL PRIMARY KEY,
  generation BIGINT UNSIGNED NOT NULL
) ENGINE=InnoDB;

INSERT IGNORE INTO register_generation (singleton, generation) VALUES (1, 1);

CREATE TRIGGER IF NOT EXISTS register_generation_people_insert AFTER INSERT ON people FOR EACH ROW
  UPDATE register_generation SET generation = generation + 1 WHERE singleton = 1;

-- A card edit that leaves the listed columns alone does not count.
CREATE TRIGGER IF NOT EXISTS register_generation_people_update AFTER UPDATE ON people FOR EACH ROW
  UPDATE register_generation SET generation = generation + 1
  WHERE singleton = 1 AND NOT (OLD.kind <=> NEW.kind AND OLD.surname <=> NEW.surname
    AND OLD.first_name <=> NEW.first_name AND OLD.patronymic <=> NEW.patronymic
    AND OLD.birth_date <=> NEW.birth_date AND OLD.sex <=> NEW.sex);

CREATE TRIGGER IF NOT EXISTS register_generation_people_delete AFTER DELETE ON people FOR EACH ROW
  UPDATE register_generation SET generation = generation + 1 WHERE singleton = 1;

CREATE TRIGGER IF NOT EXISTS register_generation_classes_insert AFTER INSERT ON classes FOR EACH ROW
  UPDATE register_generation SET generation = generation + 1 WHERE singleton = 1;

CREATE TRIGGER IF NOT EXISTS register_generation_classes_update AFTER UPDATE ON classes FOR EACH ROW
  UPDATE register_generation SET generation = generation + 1 WHERE singleton = 1;

CREATE TRIGGER IF NOT EXISTS register_generation_classes_delete AFTER DELETE ON classes FOR EACH ROW
  UPDATE register_generation SET generation = generation + 1 WHERE singleton = 1;

CREATE TRIGGER IF NOT EXISTS register_generation_class_members_insert AFTER INSERT ON class_members FOR EACH ROW
  UPDATE register_generation SET generation = generation + 1 WHERE singleton = 1;

CREATE TRIGGER IF NOT EXISTS register_generation_class_members_update AFTER UPDATE ON class_members FOR EACH ROW
  UPDATE register_generation SET generation = generation + 1 WHERE singleton = 1;

CREATE TRIGGER IF NOT EXISTS register_generation_class_members_delete AFTER DELETE ON class_members FOR EACH ROW
  UPDATE register_generation SET generation = generation + 1 WHERE singleton = 1;
