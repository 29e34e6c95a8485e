#include "appliance/storage/import_repository.hpp"

#include <memory>
#include <variant>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "appliance/storage/sql_support.hpp"

namespace parta::storage {

namespace {

using core::ErrorCode;

constexpr std::size_t kBatch = 250;

// The current school year: the newest open one, else the newest with classes.
constexpr const char* kCurrentYear =
    "SELECT COALESCE((SELECT MAX(start_year) FROM academic_years WHERE status = 'open'), "
    "(SELECT MAX(academic_year) FROM classes), 0)";

int currentYear(sql::Connection& c) {
  Statement s(c.prepareStatement(kCurrentYear));
  Rows r(s->executeQuery());
  r->next();
  return r->getInt(1);
}

// People with their fields, current class and children. `refs` empty: all.
std::vector<core::RegisterPerson> loadPeople(sql::Connection& c, const std::vector<std::string>* refs) {
  const int year = currentYear(c);
  const std::string columns =
      "SELECT p.id, p.kind, COALESCE(p.external_ref, CONCAT('#', p.id)), p.version, p.surname, p.first_name, "
      "p.patronymic, "
      "COALESCE(DATE_FORMAT(p.birth_date, '%Y-%m-%d'), ''), COALESCE(p.sex, ''), "
      "EXISTS(SELECT 1 FROM consents k WHERE k.person_id = p.id AND k.purpose = 'personal_data' AND "
      "k.withdrawn_on IS NULL), "
      "COALESCE((SELECT CONCAT(c.grade, c.letter) FROM class_members cm JOIN classes c ON c.id = cm.class_id "
      "WHERE cm.student_id = p.id AND c.academic_year = ? LIMIT 1), ''), "
      "COALESCE((SELECT CONCAT(DATE_FORMAT(k.given_on, '%Y-%m-%d'), '|', k.document_ref) FROM consents k WHERE "
      "k.person_id = p.id AND k.purpose = 'personal_data' AND k.withdrawn_on IS NULL ORDER BY k.id DESC LIMIT 1), "
      "'') FROM people p";
  std::vector<core::RegisterPerson> people;
  std::map<core::PersonId, std::size_t> at;
  const auto read = [&](sql::PreparedStatement& s) {
    Rows r(s.executeQuery());
    while (r->next()) {
      core::RegisterPerson p;
      p.id = r->getUInt64(1);
      p.kind = core::personKindFrom(r->getString(2).asStdString()).value_or(core::PersonKind::student);
      p.ref = r->getString(3).asStdString();
      p.version = r->getUInt(4);
      const char* names[] = {"surname", "first_name", "patronymic", "birth_date", "sex"};
      for (unsigned k = 0; k < 5; ++k) p.values[names[k]] = r->getString(5 + k).asStdString();
      p.consent = r->getBoolean(10);
      p.className = r->getString(11).asStdString();
      const auto consent = r->getString(12).asStdString();
      if (const auto bar = consent.find('|'); bar != std::string::npos) {
        p.consentGivenOn = consent.substr(0, bar);
        p.consentDocument = consent.substr(bar + 1);
      }
      at[p.id] = people.size();
      people.push_back(std::move(p));
    }
  };
  if (refs == nullptr) {
    Statement s(c.prepareStatement(columns + " ORDER BY p.kind, p.external_ref, p.id"));
    s->setInt(1, year);
    read(*s);
  } else {
    // "#<id>" names a card created without an external key, by its id.
    std::vector<std::string> external;
    std::vector<std::uint64_t> byId;
    for (const auto& ref : *refs) {
      if (ref.size() > 1 && ref.front() == '#' && ref.find_first_not_of("0123456789", 1) == std::string::npos &&
          ref.size() < 20)
        byId.push_back(std::stoull(ref.substr(1)));
      else
        external.push_back(ref);
    }
    for (std::size_t start = 0; start < external.size(); start += kBatch) {
      const std::size_t n = std::min(kBatch, external.size() - start);
      std::string in = "?";
      for (std::size_t i = 1; i < n; ++i) in += ",?";
      Statement s(c.prepareStatement(columns + " WHERE p.external_ref IN (" + in + ")"));
      s->setInt(1, year);
      for (std::size_t i = 0; i < n; ++i) s->setString(static_cast<unsigned>(i + 2), external[start + i]);
      read(*s);
    }
    for (std::size_t start = 0; start < byId.size(); start += kBatch) {
      const std::size_t n = std::min(kBatch, byId.size() - start);
      std::string in = "?";
      for (std::size_t i = 1; i < n; ++i) in += ",?";
      Statement s(c.prepareStatement(columns + " WHERE p.external_ref IS NULL AND p.id IN (" + in + ")"));
      s->setInt(1, year);
      for (std::size_t i = 0; i < n; ++i) s->setUInt64(static_cast<unsigned>(i + 2), byId[start + i]);
      read(*s);
    }
  }
  if (people.empty()) return people;
  // Fields and children of the people found: all at once for a whole-register
  // read, else by id in batches.
  const auto forIds = [&](const std::string& query, auto&& onRow) {
    if (refs == nullptr) {
      Statement s(c.prepareStatement(query));
      Rows r(s->executeQuery());
      while (r->next()) onRow(*r);
      return;
    }
    for (std::size_t start = 0; start < people.size(); start += kBatch) {
      const std::size_t n = std::min(kBatch, people.size() - start);
      std::string in = "?";
      for (std::size_t i = 1; i < n; ++i) in += ",?";
      std::string text = query;
      text.replace(text.find("%IDS%"), 5, in);
      Statement s(c.prepareStatement(text));
      for (std::size_t i = 0; i < n; ++i) s->setUInt64(static_cast<unsigned>(i + 1), people[start + i].id);
      Rows r(s->executeQuery());
      while (r->next()) onRow(*r);
    }
  };
  const bool all = refs == nullptr;
  forIds(all ? "SELECT person_id, field, value FROM person_fields"
             : "SELECT person_id, field, value FROM person_fields WHERE person_id IN (%IDS%)",
         [&](sql::ResultSet& r) {
           auto it = at.find(r.getUInt64(1));
           if (it != at.end()) people[it->second].values[r.getString(2).asStdString()] = r.getString(3).asStdString();
         });
  forIds(all ? "SELECT g.parent_id, COALESCE(c.external_ref, CONCAT('#', c.id)), g.relationship FROM guardianships g "
               "JOIN people c "
               "ON c.id = g.child_id"
             : "SELECT g.parent_id, COALESCE(c.external_ref, CONCAT('#', c.id)), g.relationship FROM guardianships g "
               "JOIN people c "
               "ON c.id = g.child_id WHERE g.parent_id IN (%IDS%)",
         [&](sql::ResultSet& r) {
           auto it = at.find(r.getUInt64(1));
           const auto child = r.getString(2).asStdString();
           if (it != at.end() && !child.empty()) people[it->second].children[child] = r.getString(3).asStdString();
         });
  return people;
}

std::string linksText(const std::map<std::string, std::string>& links) {
  std::string out;
  for (const auto& [ref, relationship] : links) out += (out.empty() ? "" : ";") + ref + ":" + relationship;
  return out;
}

// Column statements for the name fields; the key was checked by the core to
// be one of these five, and only fixed SQL text is chosen from it.
const char* columnUpdate(const std::string& key) {
  if (key == "surname") return "UPDATE people SET surname = ? WHERE id = ?";
  if (key == "first_name") return "UPDATE people SET first_name = ? WHERE id = ?";
  if (key == "patronymic") return "UPDATE people SET patronymic = ? WHERE id = ?";
  if (key == "birth_date") return "UPDATE people SET birth_date = NULLIF(?, '') WHERE id = ?";
  if (key == "sex") return "UPDATE people SET sex = NULLIF(?, '') WHERE id = ?";
  return nullptr;
}

SqlValue orNull(std::string v) { return v.empty() ? SqlValue(nullptr) : SqlValue(std::move(v)); }

std::string valueOf(const core::PlannedRow& row, const char* key) {
  for (const auto& c : row.changes)
    if (c.field == key) return c.newValue;
  return {};
}

}  // namespace

core::Result<std::map<std::string, core::RegisterPerson>> MariaDbImportRepository::peopleByRefs(
    const std::vector<std::string>& refs) {
  return withConnection(pool_, "import.peopleByRefs",
                        [&](sql::Connection& c) -> core::Result<std::map<std::string, core::RegisterPerson>> {
                          std::map<std::string, core::RegisterPerson> out;
                          for (auto& p : loadPeople(c, &refs)) out.emplace(p.ref, std::move(p));
                          return out;
                        });
}

core::Result<std::vector<core::RegisterPerson>> MariaDbImportRepository::allPeople() {
  return withConnection(
      pool_, "import.allPeople",
      [&](sql::Connection& c) -> core::Result<std::vector<core::RegisterPerson>> { return loadPeople(c, nullptr); });
}

core::Result<core::SchoolClasses> MariaDbImportRepository::currentClasses() {
  return withConnection(pool_, "import.currentClasses", [&](sql::Connection& c) -> core::Result<core::SchoolClasses> {
    core::SchoolClasses out;
    out.academicYear = currentYear(c);
    Statement s(c.prepareStatement(
        "SELECT c.id, c.academic_year, c.grade, c.letter, COALESCE(c.capacity, 0), c.capacity IS NOT NULL, "
        "(SELECT COUNT(*) FROM class_members m WHERE m.class_id = c.id) FROM classes c WHERE c.academic_year = ?"));
    s->setInt(1, out.academicYear);
    Rows r(s->executeQuery());
    while (r->next()) {
      core::ClassInfo info;
      info.id = r->getUInt64(1);
      info.academicYear = r->getInt(2);
      info.grade = r->getInt(3);
      info.letter = r->getString(4).asStdString();
      if (r->getBoolean(6)) info.capacity = r->getInt(5);
      info.members = r->getInt(7);
      out.byName.emplace(std::to_string(info.grade) + info.letter, std::move(info));
    }
    return out;
  });
}

core::Result<void> MariaDbImportRepository::applyImport(const core::ImportPlan& plan, std::string_view actor,
                                                        core::TimePoint at, const core::AuditRecord& audit) {
  return withConnection(pool_, "import.apply", [&](sql::Connection& c) -> core::Result<void> {
    Transaction tx(c);
    const std::string when = formatUtc(at);
    const std::string who(actor);
    std::map<std::string, std::uint64_t> ids = plan.knownIds;

    // New cards. A ref taken meanwhile fails the unique key: already_exists.
    std::vector<SqlRow> rows;
    std::vector<const core::PlannedRow*> created;
    for (const auto& row : plan.rows) {
      if (row.action != core::ImportAction::create) continue;
      created.push_back(&row);
      rows.push_back(SqlRow{std::string(core::toString(row.kind)), row.ref, valueOf(row, "surname"),
                            valueOf(row, "first_name"), valueOf(row, "patronymic"), orNull(valueOf(row, "birth_date")),
                            orNull(valueOf(row, "sex")), when, when});
    }
    insertRows(c,
               "INSERT INTO people (kind, external_ref, surname, first_name, patronymic, birth_date, sex, created_at, "
               "updated_at)",
               9, rows);
    // Multi-row INSERT ids are consecutive from LAST_INSERT_ID() per
    // statement under InnoDB's default lock mode; looking them up by ref
    // does not depend on that.
    for (std::size_t start = 0; start < created.size(); start += kBatch) {
      const std::size_t n = std::min(kBatch, created.size() - start);
      std::string in = "?";
      for (std::size_t i = 1; i < n; ++i) in += ",?";
      Statement s(c.prepareStatement("SELECT external_ref, id FROM people WHERE external_ref IN (" + in + ")"));
      for (std::size_t i = 0; i < n; ++i) s->setString(static_cast<unsigned>(i + 1), created[start + i]->ref);
      Rows r(s->executeQuery());
      while (r->next()) ids[r->getString(1).asStdString()] = r->getUInt64(2);
    }

    std::vector<SqlRow> fields, history, upserts;
    for (const auto& row : plan.rows) {
      if (row.action == core::ImportAction::create) {
        const auto id = ids.at(row.ref);
        for (const auto& change : row.changes)
          if (columnUpdate(change.field) == nullptr) fields.push_back(SqlRow{id, change.field, change.newValue});
        continue;
      }
      if (row.action != core::ImportAction::update) continue;
      const auto id = *row.id;
      // The plan compared against this version: anything newer means the
      // comparison is stale.
      Statement bump(
          c.prepareStatement("UPDATE people SET version = version + 1, updated_at = ? WHERE id = ? AND version = ?"));
      bump->setString(1, when);
      bump->setUInt64(2, id);
      bump->setUInt(3, row.version);
      if (bump->executeUpdate() == 0)
        return core::makeError(ErrorCode::conflict, "line " + std::to_string(row.line) + ": " + row.ref +
                                                        " was changed meanwhile; run the dry run again");
      for (const auto& change : row.changes) {
        if (const char* column = columnUpdate(change.field)) {
          Statement u(c.prepareStatement(column));
          u->setString(1, change.newValue);
          u->setUInt64(2, id);
          u->executeUpdate();
        } else if (change.newValue.empty()) {
          Statement erase(c.prepareStatement("DELETE FROM person_fields WHERE person_id = ? AND field = ?"));
          erase->setUInt64(1, id);
          erase->setString(2, change.field);
          erase->executeUpdate();
        } else {
          upserts.push_back(SqlRow{id, change.field, change.newValue});
        }
        history.push_back(SqlRow{id, change.field,
                                 change.oldValue.empty() ? SqlValue(nullptr) : SqlValue(change.oldValue),
                                 change.newValue.empty() ? SqlValue(nullptr) : SqlValue(change.newValue), who, when});
      }
      if (!row.links.empty()) {
        auto after = row.linksBefore;
        for (const auto& [child, relationship] : row.links) after[child] = relationship;
        history.push_back(SqlRow{id, std::string("parent_of"),
                                 row.linksBefore.empty() ? SqlValue(nullptr) : SqlValue(linksText(row.linksBefore)),
                                 SqlValue(linksText(after)), who, when});
      }
    }
    std::vector<SqlRow> consents;
    for (const auto& row : plan.rows)
      if (row.consent && (row.action == core::ImportAction::create || row.action == core::ImportAction::update))
        consents.push_back(
            SqlRow{ids.at(row.ref), row.consent->purpose, row.consent->givenOn, row.consent->documentRef, who, when});
    insertRows(c, "INSERT INTO consents (person_id, purpose, given_on, document_ref, recorded_by, recorded_at)", 6,
               consents);
    insertRows(c, "INSERT INTO person_fields (person_id, field, value)", 3, fields);
    insertRows(c, "INSERT INTO person_fields (person_id, field, value)", 3, upserts,
               " ON DUPLICATE KEY UPDATE value = VALUES(value)");
    insertRows(c, "INSERT INTO person_history (person_id, field, old_value, new_value, changed_by, changed_at)", 6,
               history);

    // Admissions of new students: the movement book entry and membership.
    std::vector<SqlRow> members, movements;
    std::map<std::uint64_t, std::uint64_t> joining;
    for (const auto& row : plan.rows) {
      if (!row.joinClass || row.action != core::ImportAction::create) continue;
      const auto id = ids.at(row.ref);
      ++joining[*row.joinClass];
      members.push_back(SqlRow{*row.joinClass, id});
      movements.push_back(SqlRow{id, std::string("admission"), plan.order->date, plan.order->orderNumber,
                                 plan.order->orderDate, *row.joinClass, who, when});
    }
    for (const auto& [classId, count] : joining) {
      // Locked, so concurrent admissions cannot both take the last places.
      Statement cls(c.prepareStatement(
          "SELECT capacity, (SELECT COUNT(*) FROM class_members WHERE class_id = c.id) FROM classes c WHERE c.id = ? "
          "FOR UPDATE"));
      cls->setUInt64(1, classId);
      Rows r(cls->executeQuery());
      if (!r->next()) return core::makeError(ErrorCode::conflict, "a class of the import was removed meanwhile");
      if (!r->isNull(1) && r->getUInt64(2) + count > r->getUInt64(1))
        return core::makeError(ErrorCode::failed_precondition, "a class of the import filled up meanwhile");
    }
    insertRows(c, "INSERT INTO class_members (class_id, student_id)", 2, members);
    insertRows(c,
               "INSERT INTO movements (student_id, kind, occurred_on, order_number, order_date, to_class_id, "
               "recorded_by, recorded_at)",
               8, movements);

    std::vector<SqlRow> links;
    for (const auto& row : plan.rows) {
      if (row.action != core::ImportAction::create && row.action != core::ImportAction::update) continue;
      for (const auto& [child, relationship] : row.links)
        links.push_back(SqlRow{ids.at(row.ref), ids.at(child), relationship});
    }
    insertRows(c, "INSERT INTO guardianships (parent_id, child_id, relationship)", 3, links,
               " ON DUPLICATE KEY UPDATE relationship = VALUES(relationship)");

    insertAudit(c, audit, AuditSubject::none);
    tx.commit();
    return {};
  });
}

core::Result<void> MariaDbImportRepository::appendAudit(const core::AuditRecord& r) {
  return withConnection(pool_, "import.audit", [&](sql::Connection& c) -> core::Result<void> {
    insertAudit(c, r, AuditSubject::none);
    return {};
  });
}

}  // namespace parta::storage
