#include "appliance/storage/register_repository.hpp"

#include <map>
#include <memory>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include "appliance/storage/sql_support.hpp"

namespace parta::storage {

namespace {

using core::ErrorCode;

constexpr const char* kSummaryColumns =
    "p.id, p.kind, p.surname, p.first_name, p.patronymic, COALESCE(DATE_FORMAT(p.birth_date, '%Y-%m-%d'), ''), "
    "COALESCE(p.sex, ''), COALESCE((SELECT CONCAT(c.grade, c.letter) FROM class_members cm JOIN classes c ON "
    "c.id = cm.class_id WHERE cm.student_id = p.id ORDER BY c.academic_year DESC LIMIT 1), '')";

core::PersonSummary readSummary(sql::ResultSet& row) {
  core::PersonSummary s;
  s.id = row.getUInt64(1);
  s.kind = core::personKindFrom(row.getString(2).asStdString()).value_or(core::PersonKind::student);
  s.surname = row.getString(3).asStdString();
  s.firstName = row.getString(4).asStdString();
  s.patronymic = row.getString(5).asStdString();
  s.birthDate = row.getString(6).asStdString();
  s.sex = row.getString(7).asStdString();
  s.className = row.getString(8).asStdString();
  return s;
}

// LIKE pattern for "starts with", with the wildcards of the input escaped.
std::string prefixPattern(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

// Column statements for the name fields; the key was validated by the core
// to be one of these five, and only fixed SQL text is chosen from it.
const char* columnUpdate(const std::string& key) {
  if (key == "surname") return "UPDATE people SET surname = ? WHERE id = ?";
  if (key == "first_name") return "UPDATE people SET first_name = ? WHERE id = ?";
  if (key == "patronymic") return "UPDATE people SET patronymic = ? WHERE id = ?";
  if (key == "birth_date") return "UPDATE people SET birth_date = NULLIF(?, '') WHERE id = ?";
  if (key == "sex") return "UPDATE people SET sex = NULLIF(?, '') WHERE id = ?";
  return nullptr;
}

constexpr const char* kClassColumns =
    "c.id, c.academic_year, c.grade, c.letter, COALESCE(c.capacity, 0), c.capacity IS NOT NULL, "
    "(SELECT COUNT(*) FROM class_members m2 WHERE m2.class_id = c.id), "
    "EXISTS(SELECT 1 FROM academic_years y WHERE y.start_year = c.academic_year AND y.status = 'closed')";

core::ClassInfo readClass(sql::ResultSet& r) {
  core::ClassInfo c;
  c.id = r.getUInt64(1);
  c.academicYear = r.getInt(2);
  c.grade = r.getInt(3);
  c.letter = r.getString(4).asStdString();
  if (r.getBoolean(6)) c.capacity = r.getInt(5);
  c.members = r.getInt(7);
  c.yearClosed = r.getBoolean(8);
  return c;
}

// The entry columns, with whether an undo cancels it.
constexpr const char* kMovementColumns =
    "m.id, m.kind, DATE_FORMAT(m.occurred_on, '%Y-%m-%d'), m.order_number, DATE_FORMAT(m.order_date, '%Y-%m-%d'), "
    "COALESCE(m.from_class_id, 0), COALESCE(m.to_class_id, 0), m.destination, m.reason, COALESCE(m.undoes_id, 0), "
    "EXISTS(SELECT 1 FROM movements u WHERE u.undoes_id = m.id)";

core::MovementEntry readMovement(sql::ResultSet& r) {
  core::MovementEntry e;
  e.id = r.getUInt64(1);
  e.kind = core::movementKindFrom(r.getString(2).asStdString()).value_or(core::MovementKind::admission);
  e.occurredOn = r.getString(3).asStdString();
  e.orderNumber = r.getString(4).asStdString();
  e.orderDate = r.getString(5).asStdString();
  auto optional = [](std::uint64_t v) { return v == 0 ? std::nullopt : std::optional<std::uint64_t>(v); };
  e.fromClass = optional(r.getUInt64(6));
  e.toClass = optional(r.getUInt64(7));
  e.destination = r.getString(8).asStdString();
  e.reason = r.getString(9).asStdString();
  e.undoes = optional(r.getUInt64(10));
  e.undone = r.getBoolean(11);
  return e;
}

// A teacher assigned to a group of a class (a language subgroup) teaches
// only that group's students; one assigned to the whole class teaches all.
// Appended to a condition over `cm` (class_members) and `t` (the assignment).
constexpr const char* kTaughtInGroup =
    " AND (t.group_id IS NULL OR EXISTS (SELECT 1 FROM group_members gm WHERE gm.group_id = t.group_id AND "
    "gm.student_id = cm.student_id))";

// The newest entry of a student that is neither an undo nor undone.
constexpr const char* kLastEffective =
    " FROM movements m WHERE m.student_id = ? AND m.kind <> 'undo' AND NOT EXISTS (SELECT 1 FROM movements u "
    "WHERE u.undoes_id = m.id) ORDER BY m.id DESC LIMIT 1";

}  // namespace

core::Result<std::vector<core::PersonSummary>> MariaDbRegisterRepository::search(const core::PeopleQuery& query) {
  if (!query.reachableFrom) return searchAll(query);
  // Fixed SQL fragments chosen by flags; every value is a bound parameter.
  std::string text = std::string("SELECT ") + kSummaryColumns + " FROM people p WHERE 1 = 1";
  if (query.kind) text += " AND p.kind = ?";
  if (!query.text.empty()) text += " AND (p.surname LIKE ? OR p.first_name LIKE ? OR p.patronymic LIKE ?)";
  int uidParams = 0;
  if (query.reachableFrom) {
    text += " AND p.id IN (SELECT a.id FROM people a WHERE a.account_uid = ?";
    uidParams = 1;
    if (query.reach.children) {
      text +=
          " UNION SELECT g.child_id FROM guardianships g JOIN people a ON a.id = g.parent_id WHERE a.account_uid = ?";
      ++uidParams;
    }
    if (query.reach.ownClass) {
      text +=
          " UNION SELECT cm.student_id FROM class_members cm JOIN classes c ON c.id = cm.class_id JOIN people a ON "
          "a.id = c.class_teacher_id WHERE a.account_uid = ?"
          " UNION SELECT g.parent_id FROM guardianships g JOIN class_members cm ON cm.student_id = g.child_id JOIN "
          "classes c ON c.id = cm.class_id JOIN people a ON a.id = c.class_teacher_id WHERE a.account_uid = ?";
      uidParams += 2;
    }
    if (query.reach.taught) {
      text +=
          " UNION SELECT cm.student_id FROM class_members cm JOIN teaching_assignments t ON t.class_id = cm.class_id "
          "JOIN people a ON a.id = t.staff_id WHERE a.account_uid = ?" +
          std::string(kTaughtInGroup);
      ++uidParams;
    }
    text += ")";
  }
  text += " ORDER BY p.surname, p.first_name, p.patronymic, p.id LIMIT ? OFFSET ?";
  return withConnection(pool_, "register.search",
                        [&](sql::Connection& c) -> core::Result<std::vector<core::PersonSummary>> {
                          Statement s(c.prepareStatement(text));
                          unsigned i = 1;
                          if (query.kind) s->setString(i++, std::string(core::toString(*query.kind)));
                          if (!query.text.empty()) {
                            const auto pattern = prefixPattern(query.text);
                            for (int k = 0; k < 3; ++k) s->setString(i++, pattern);
                          }
                          for (int k = 0; k < uidParams; ++k) s->setString(i++, *query.reachableFrom);
                          s->setUInt64(i++, query.limit);
                          s->setUInt64(i++, query.offset);
                          Rows rows(s->executeQuery());
                          std::vector<core::PersonSummary> out;
                          while (rows->next()) out.push_back(readSummary(*rows));
                          return out;
                        });
}

core::Result<std::optional<core::PersonCard>> MariaDbRegisterRepository::card(core::PersonId id) {
  return withConnection(
      pool_, "register.card", [&](sql::Connection& c) -> core::Result<std::optional<core::PersonCard>> {
        Statement s(
            c.prepareStatement(std::string("SELECT ") + kSummaryColumns +
                               ", p.version, EXISTS(SELECT 1 FROM consents k WHERE k.person_id = p.id AND "
                               "k.purpose = 'personal_data' AND k.withdrawn_on IS NULL) FROM people p WHERE p.id = ?"));
        s->setUInt64(1, id);
        Rows row(s->executeQuery());
        if (!row->next()) return std::optional<core::PersonCard>();
        core::PersonCard card;
        card.person = readSummary(*row);
        card.version = row->getUInt(9);
        card.consent = row->getBoolean(10);
        Statement f(c.prepareStatement("SELECT field, value FROM person_fields WHERE person_id = ?"));
        f->setUInt64(1, id);
        Rows fields(f->executeQuery());
        while (fields->next())
          card.fields.emplace(fields->getString(1).asStdString(), fields->getString(2).asStdString());
        return std::optional<core::PersonCard>(std::move(card));
      });
}

core::Result<core::Relation> MariaDbRegisterRepository::relation(std::string_view actorUid, core::PersonId person) {
  return withConnection(pool_, "register.relation", [&](sql::Connection& c) -> core::Result<core::Relation> {
    Statement s(c.prepareStatement(
        "SELECT "
        "EXISTS(SELECT 1 FROM people a WHERE a.account_uid = ? AND a.id = ?), "
        "EXISTS(SELECT 1 FROM guardianships g JOIN people a ON a.id = g.parent_id "
        "       WHERE a.account_uid = ? AND g.child_id = ?), "
        "EXISTS(SELECT 1 FROM class_members cm JOIN classes c ON c.id = cm.class_id "
        "       JOIN people a ON a.id = c.class_teacher_id WHERE a.account_uid = ? AND (cm.student_id = ? "
        "       OR cm.student_id IN (SELECT g.child_id FROM guardianships g WHERE g.parent_id = ?))), "
        "EXISTS(SELECT 1 FROM class_members cm JOIN teaching_assignments t ON t.class_id = cm.class_id "
        "       JOIN people a ON a.id = t.staff_id WHERE a.account_uid = ? AND cm.student_id = ?" +
        std::string(kTaughtInGroup) + ")"));
    const std::string uid(actorUid);
    s->setString(1, uid);
    s->setUInt64(2, person);
    s->setString(3, uid);
    s->setUInt64(4, person);
    s->setString(5, uid);
    s->setUInt64(6, person);
    s->setUInt64(7, person);
    s->setString(8, uid);
    s->setUInt64(9, person);
    Rows row(s->executeQuery());
    row->next();
    return core::Relation{row->getBoolean(1), row->getBoolean(2), row->getBoolean(3), row->getBoolean(4)};
  });
}

core::Result<std::uint32_t> MariaDbRegisterRepository::updateCard(core::PersonId id, std::uint32_t expectedVersion,
                                                                  const std::vector<core::CardChange>& changes,
                                                                  std::string_view actor, core::TimePoint at) {
  return withConnection(pool_, "register.updateCard", [&](sql::Connection& c) -> core::Result<std::uint32_t> {
    Transaction tx(c);
    const std::string when = formatUtc(at);
    Statement bump(
        c.prepareStatement("UPDATE people SET version = version + 1, updated_at = ? WHERE id = ? AND version = ?"));
    bump->setString(1, when);
    bump->setUInt64(2, id);
    bump->setUInt(3, expectedVersion);
    if (bump->executeUpdate() == 0) {
      Statement exists(c.prepareStatement("SELECT version FROM people WHERE id = ?"));
      exists->setUInt64(1, id);
      Rows row(exists->executeQuery());
      if (!row->next()) return core::makeError(ErrorCode::not_found, "no such person");
      return core::makeError(ErrorCode::conflict, "the card was changed by someone else (now version " +
                                                      std::to_string(row->getUInt(1)) + "); reload it");
    }
    // Values before the change, for the history (the row is locked now).
    std::map<std::string, std::string> before;
    {
      Statement s(c.prepareStatement(
          "SELECT surname, first_name, patronymic, COALESCE(DATE_FORMAT(birth_date, '%Y-%m-%d'), ''), "
          "COALESCE(sex, '') FROM people WHERE id = ?"));
      s->setUInt64(1, id);
      Rows row(s->executeQuery());
      row->next();
      const char* names[] = {"surname", "first_name", "patronymic", "birth_date", "sex"};
      for (unsigned k = 0; k < 5; ++k) before[names[k]] = row->getString(k + 1).asStdString();
      Statement f(c.prepareStatement("SELECT field, value FROM person_fields WHERE person_id = ?"));
      f->setUInt64(1, id);
      Rows fields(f->executeQuery());
      while (fields->next()) before[fields->getString(1).asStdString()] = fields->getString(2).asStdString();
    }
    Statement upsert(c.prepareStatement(
        "INSERT INTO person_fields (person_id, field, value) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE value = "
        "VALUES(value)"));
    Statement erase(c.prepareStatement("DELETE FROM person_fields WHERE person_id = ? AND field = ?"));
    Statement history(c.prepareStatement(
        "INSERT INTO person_history (person_id, field, old_value, new_value, changed_by, changed_at) "
        "VALUES (?, ?, NULLIF(?, ''), NULLIF(?, ''), ?, ?)"));
    for (const auto& change : changes) {
      const auto old = before.count(change.field) ? before[change.field] : std::string();
      if (old == change.value) continue;
      if (const char* column = columnUpdate(change.field)) {
        Statement u(c.prepareStatement(column));
        u->setString(1, change.value);
        u->setUInt64(2, id);
        u->executeUpdate();
      } else if (change.value.empty()) {
        erase->setUInt64(1, id);
        erase->setString(2, change.field);
        erase->executeUpdate();
      } else {
        upsert->setUInt64(1, id);
        upsert->setString(2, change.field);
        upsert->setString(3, change.value);
        upsert->executeUpdate();
      }
      history->setUInt64(1, id);
      history->setString(2, change.field);
      history->setString(3, old);
      history->setString(4, change.value);
      history->setString(5, std::string(actor));
      history->setString(6, when);
      history->executeUpdate();
    }
    tx.commit();
    return expectedVersion + 1;
  });
}

core::Result<std::vector<core::HistoryEntry>> MariaDbRegisterRepository::history(core::PersonId id) {
  return withConnection(
      pool_, "register.history", [&](sql::Connection& c) -> core::Result<std::vector<core::HistoryEntry>> {
        Statement s(c.prepareStatement(
            "SELECT field, COALESCE(old_value, ''), COALESCE(new_value, ''), changed_by, "
            "DATE_FORMAT(changed_at, '%Y-%m-%dT%H:%i:%sZ') FROM person_history WHERE person_id = ? ORDER BY id DESC "
            "LIMIT 1000"));
        s->setUInt64(1, id);
        Rows rows(s->executeQuery());
        std::vector<core::HistoryEntry> out;
        while (rows->next())
          out.push_back(core::HistoryEntry{rows->getString(1).asStdString(), rows->getString(2).asStdString(),
                                           rows->getString(3).asStdString(), rows->getString(4).asStdString(),
                                           rows->getString(5).asStdString()});
        return out;
      });
}

core::Result<void> MariaDbRegisterRepository::recordConsent(core::PersonId id, const core::ConsentRecord& consent,
                                                            std::string_view actor, core::TimePoint at) {
  return withConnection(pool_, "register.recordConsent", [&](sql::Connection& c) -> core::Result<void> {
    Statement s(c.prepareStatement(
        "INSERT INTO consents (person_id, purpose, given_on, document_ref, recorded_by, recorded_at) "
        "VALUES (?, ?, ?, ?, ?, ?)"));
    s->setUInt64(1, id);
    s->setString(2, consent.purpose);
    s->setString(3, consent.givenOn);
    s->setString(4, consent.documentRef);
    s->setString(5, std::string(actor));
    s->setString(6, formatUtc(at));
    s->executeUpdate();
    return {};
  });
}

core::Result<void> MariaDbRegisterRepository::withdrawConsent(core::PersonId id, std::string_view purpose,
                                                              std::string_view withdrawnOn) {
  return withConnection(pool_, "register.withdrawConsent", [&](sql::Connection& c) -> core::Result<void> {
    Statement s(c.prepareStatement(
        "UPDATE consents SET withdrawn_on = ? WHERE person_id = ? AND purpose = ? AND withdrawn_on IS NULL"));
    s->setString(1, std::string(withdrawnOn));
    s->setUInt64(2, id);
    s->setString(3, std::string(purpose));
    if (s->executeUpdate() == 0) return core::makeError(ErrorCode::not_found, "no consent in force to withdraw");
    return {};
  });
}

core::Result<std::vector<core::PersonSummary>> MariaDbRegisterRepository::withoutConsent(std::size_t limit) {
  return withConnection(
      pool_, "register.withoutConsent", [&](sql::Connection& c) -> core::Result<std::vector<core::PersonSummary>> {
        Statement s(c.prepareStatement(std::string("SELECT ") + kSummaryColumns +
                                       " FROM people p WHERE NOT EXISTS (SELECT 1 FROM consents k WHERE k.person_id = "
                                       "p.id AND k.purpose = 'personal_data' AND k.withdrawn_on IS NULL) ORDER BY "
                                       "p.surname, p.first_name, p.patronymic, p.id LIMIT ?"));
        s->setUInt64(1, limit);
        Rows rows(s->executeQuery());
        std::vector<core::PersonSummary> out;
        while (rows->next()) out.push_back(readSummary(*rows));
        return out;
      });
}

core::Result<core::PersonId> MariaDbRegisterRepository::createPerson(const core::NewPerson& p, std::string_view,
                                                                     core::TimePoint at) {
  return withConnection(pool_, "register.createPerson", [&](sql::Connection& c) -> core::Result<core::PersonId> {
    Statement s(c.prepareStatement(
        "INSERT INTO people (kind, surname, first_name, patronymic, birth_date, sex, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, NULLIF(?, ''), NULLIF(?, ''), ?, ?)"));
    s->setString(1, std::string(core::toString(p.kind)));
    s->setString(2, p.surname);
    s->setString(3, p.firstName);
    s->setString(4, p.patronymic);
    s->setString(5, p.birthDate);
    s->setString(6, p.sex);
    s->setString(7, formatUtc(at));
    s->setString(8, formatUtc(at));
    s->executeUpdate();
    std::unique_ptr<sql::Statement> q(c.createStatement());
    Rows id(q->executeQuery("SELECT LAST_INSERT_ID()"));
    id->next();
    return static_cast<core::PersonId>(id->getUInt64(1));
  });
}

core::Result<std::optional<core::ClassInfo>> MariaDbRegisterRepository::classInfo(std::uint64_t classId) {
  return withConnection(
      pool_, "register.classInfo", [&](sql::Connection& c) -> core::Result<std::optional<core::ClassInfo>> {
        Statement s(c.prepareStatement(std::string("SELECT ") + kClassColumns + " FROM classes c WHERE c.id = ?"));
        s->setUInt64(1, classId);
        Rows r(s->executeQuery());
        if (!r->next()) return std::optional<core::ClassInfo>();
        return std::optional<core::ClassInfo>(readClass(*r));
      });
}

core::Result<core::StudentState> MariaDbRegisterRepository::studentState(core::PersonId student) {
  return withConnection(pool_, "register.studentState", [&](sql::Connection& c) -> core::Result<core::StudentState> {
    core::StudentState state;
    Statement s(c.prepareStatement(std::string("SELECT ") + kClassColumns +
                                   " FROM class_members cm JOIN classes c ON c.id = cm.class_id WHERE cm.student_id "
                                   "= ? ORDER BY c.academic_year DESC LIMIT 1"));
    s->setUInt64(1, student);
    Rows r(s->executeQuery());
    if (r->next()) state.currentClass = readClass(*r);
    Statement m(c.prepareStatement(std::string("SELECT ") + kMovementColumns + kLastEffective));
    m->setUInt64(1, student);
    Rows e(m->executeQuery());
    if (e->next()) state.lastEffective = readMovement(*e);
    return state;
  });
}

core::Result<std::optional<core::MovementEntry>> MariaDbRegisterRepository::movement(std::uint64_t id) {
  return withConnection(
      pool_, "register.movement", [&](sql::Connection& c) -> core::Result<std::optional<core::MovementEntry>> {
        Statement s(c.prepareStatement(std::string("SELECT ") + kMovementColumns + " FROM movements m WHERE m.id = ?"));
        s->setUInt64(1, id);
        Rows r(s->executeQuery());
        if (!r->next()) return std::optional<core::MovementEntry>();
        return std::optional<core::MovementEntry>(readMovement(*r));
      });
}

core::Result<std::uint64_t> MariaDbRegisterRepository::applyMovement(core::PersonId student,
                                                                     std::optional<std::uint64_t> expectedLast,
                                                                     const core::MovementEntry& entry,
                                                                     const core::MovementEffect& effect,
                                                                     std::string_view actor, core::TimePoint at) {
  return withConnection(pool_, "register.applyMovement", [&](sql::Connection& c) -> core::Result<std::uint64_t> {
    Transaction tx(c);
    // Movements of one student are serialised on their row.
    Statement lock(c.prepareStatement("SELECT id FROM people WHERE id = ? FOR UPDATE"));
    lock->setUInt64(1, student);
    Rows locked(lock->executeQuery());
    if (!locked->next()) return core::makeError(ErrorCode::not_found, "no such student");
    Statement last(c.prepareStatement(std::string("SELECT m.id") + kLastEffective));
    last->setUInt64(1, student);
    Rows lastRow(last->executeQuery());
    const auto now = lastRow->next() ? std::optional<std::uint64_t>(lastRow->getUInt64(1)) : std::nullopt;
    if (now != expectedLast)
      return core::makeError(ErrorCode::conflict, "the student's movement book changed meanwhile; reload and retry");
    if (effect.joinClass) {
      // The class row is locked so two admissions cannot both take its last place.
      Statement cls(c.prepareStatement(
          "SELECT capacity, (SELECT COUNT(*) FROM class_members WHERE class_id = c.id), "
          "EXISTS(SELECT 1 FROM academic_years y WHERE y.start_year = c.academic_year AND y.status = 'closed') "
          "FROM classes c WHERE c.id = ? FOR UPDATE"));
      cls->setUInt64(1, *effect.joinClass);
      Rows r(cls->executeQuery());
      if (!r->next()) return core::makeError(ErrorCode::not_found, "no such class");
      // Year closing may have closed it since the core looked (it locks the class rows too).
      if (r->getBoolean(3))
        return core::makeError(ErrorCode::failed_precondition, "toClass: the class belongs to a closed school year");
      if (!r->isNull(1) && r->getInt(2) >= r->getInt(1))
        return core::makeError(ErrorCode::failed_precondition, "the class is full");
    }
    if (effect.leaveClass) {
      Statement leave(c.prepareStatement("DELETE FROM class_members WHERE class_id = ? AND student_id = ?"));
      leave->setUInt64(1, *effect.leaveClass);
      leave->setUInt64(2, student);
      if (leave->executeUpdate() == 0)
        return core::makeError(ErrorCode::conflict, "the student's class changed meanwhile; reload and retry");
      // A group holds only its class's students: leaving the class leaves its groups.
      Statement ungroup(c.prepareStatement(
          "DELETE gm FROM group_members gm JOIN class_groups g ON g.id = gm.group_id WHERE g.class_id = ? AND "
          "gm.student_id = ?"));
      ungroup->setUInt64(1, *effect.leaveClass);
      ungroup->setUInt64(2, student);
      ungroup->executeUpdate();
    }
    if (effect.joinClass) {
      Statement join(c.prepareStatement("INSERT INTO class_members (class_id, student_id) VALUES (?, ?)"));
      join->setUInt64(1, *effect.joinClass);
      join->setUInt64(2, student);
      join->executeUpdate();
    }
    Statement insert(c.prepareStatement(
        "INSERT INTO movements (student_id, kind, occurred_on, order_number, order_date, from_class_id, to_class_id, "
        "destination, reason, undoes_id, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, NULLIF(?, 0), NULLIF(?, 0), "
        "?, ?, NULLIF(?, 0), ?, ?)"));
    insert->setUInt64(1, student);
    insert->setString(2, std::string(core::toString(entry.kind)));
    insert->setString(3, entry.occurredOn);
    insert->setString(4, entry.orderNumber);
    insert->setString(5, entry.orderDate);
    insert->setUInt64(6, entry.fromClass.value_or(0));
    insert->setUInt64(7, entry.toClass.value_or(0));
    insert->setString(8, entry.destination);
    insert->setString(9, entry.reason);
    insert->setUInt64(10, entry.undoes.value_or(0));
    insert->setString(11, std::string(actor));
    insert->setString(12, formatUtc(at));
    insert->executeUpdate();
    std::unique_ptr<sql::Statement> q(c.createStatement());
    Rows id(q->executeQuery("SELECT LAST_INSERT_ID()"));
    id->next();
    const auto newId = id->getUInt64(1);
    tx.commit();
    return newId;
  });
}

core::Result<std::vector<core::BookLine>> MariaDbRegisterRepository::movementBook(const core::MovementFilter& f) {
  std::string text = std::string("SELECT ") + kMovementColumns + ", " + kSummaryColumns +
                     ", COALESCE((SELECT CONCAT(c.grade, c.letter) FROM classes c WHERE c.id = m.from_class_id), ''), "
                     "COALESCE((SELECT CONCAT(c.grade, c.letter) FROM classes c WHERE c.id = m.to_class_id), ''), "
                     "m.recorded_by FROM movements m JOIN people p ON p.id = m.student_id WHERE 1 = 1";
  if (f.student) text += " AND m.student_id = ?";
  if (f.kind) text += " AND m.kind = ?";
  if (!f.from.empty()) text += " AND m.occurred_on >= ?";
  if (!f.to.empty()) text += " AND m.occurred_on <= ?";
  text += " ORDER BY m.occurred_on, m.id LIMIT ?";
  return withConnection(pool_, "register.movementBook",
                        [&](sql::Connection& c) -> core::Result<std::vector<core::BookLine>> {
                          Statement s(c.prepareStatement(text));
                          unsigned i = 1;
                          if (f.student) s->setUInt64(i++, *f.student);
                          if (f.kind) s->setString(i++, std::string(core::toString(*f.kind)));
                          if (!f.from.empty()) s->setString(i++, f.from);
                          if (!f.to.empty()) s->setString(i++, f.to);
                          s->setUInt64(i++, f.limit);
                          Rows r(s->executeQuery());
                          std::vector<core::BookLine> out;
                          while (r->next()) {
                            core::BookLine line;
                            line.entry = readMovement(*r);
                            // The summary columns follow the 11 entry columns.
                            line.student.id = r->getUInt64(12);
                            line.student.kind = core::PersonKind::student;
                            line.student.surname = r->getString(14).asStdString();
                            line.student.firstName = r->getString(15).asStdString();
                            line.student.patronymic = r->getString(16).asStdString();
                            line.student.birthDate = r->getString(17).asStdString();
                            line.student.sex = r->getString(18).asStdString();
                            line.student.className = r->getString(19).asStdString();
                            line.fromClassName = r->getString(20).asStdString();
                            line.toClassName = r->getString(21).asStdString();
                            line.recordedBy = r->getString(22).asStdString();
                            out.push_back(std::move(line));
                          }
                          return out;
                        });
}

core::Result<void> MariaDbRegisterRepository::appendAudit(const core::AuditRecord& r) {
  return withConnection(pool_, "register.audit", [&](sql::Connection& c) -> core::Result<void> {
    insertAudit(c, r);
    return {};
  });
}

core::Result<std::vector<core::AuditRecord>> MariaDbRegisterRepository::audit(std::size_t limit) {
  return withConnection(
      pool_, "register.auditLog", [&](sql::Connection& c) -> core::Result<std::vector<core::AuditRecord>> {
        Statement s(c.prepareStatement(
            "SELECT at, actor, action, subject_type, COALESCE(subject_id, 0), detail FROM audit_log ORDER BY id DESC "
            "LIMIT ?"));
        s->setUInt64(1, limit);
        Rows rows(s->executeQuery());
        std::vector<core::AuditRecord> out;
        while (rows->next()) {
          core::AuditRecord r;
          r.at = parseUtc(rows->getString(1).asStdString()).value_or(core::TimePoint{});
          r.actor = rows->getString(2).asStdString();
          r.action = rows->getString(3).asStdString();
          r.subjectType = rows->getString(4).asStdString();
          r.subjectId = rows->getUInt64(5);
          r.detail = rows->getString(6).asStdString();
          out.push_back(std::move(r));
        }
        return out;
      });
}

core::Result<std::vector<core::PersonSummary>> MariaDbRegisterRepository::searchAll(const core::PeopleQuery& query) {
  constexpr const char* kGeneration = "SELECT generation FROM register_generation WHERE singleton = 1";
  auto generation =
      withConnection(pool_, "register.generation", [&](sql::Connection& c) -> core::Result<std::uint64_t> {
        std::unique_ptr<sql::Statement> s(c.createStatement());
        Rows r(s->executeQuery(kGeneration));
        return r->next() ? r->getUInt64(1) : 0;
      });
  if (!generation) return generation.error();
  auto current = [this] {
    std::lock_guard lock(indexMutex_);
    return index_;
  };
  if (auto index = current(); index && index->generation() == *generation) return index->search(query);

  std::lock_guard reload(reloadMutex_);
  // Another search may have reloaded while this one waited.
  if (auto index = current(); index && index->generation() >= *generation) return index->search(query);
  auto loaded = withConnection(
      pool_, "register.index", [&](sql::Connection& c) -> core::Result<std::shared_ptr<const core::PeopleIndex>> {
        // The generation is read first (each statement sees what was
        // committed before it, READ COMMITTED): the rows are at least that
        // new, so an index is never labelled newer than its rows. A change
        // committed in between only costs one more reload.
        std::unique_ptr<sql::Statement> s(c.createStatement());
        Rows g(s->executeQuery(kGeneration));
        const std::uint64_t at = g->next() ? g->getUInt64(1) : 0;
        Rows rows(s->executeQuery(std::string("SELECT ") + kSummaryColumns +
                                  " FROM people p ORDER BY p.surname, p.first_name, p.patronymic, p.id"));
        std::vector<core::PersonSummary> people;
        while (rows->next()) people.push_back(readSummary(*rows));
        return std::make_shared<const core::PeopleIndex>(at, std::move(people));
      });
  if (!loaded) return loaded.error();
  {
    std::lock_guard lock(indexMutex_);
    index_ = *loaded;
  }
  return (*loaded)->search(query);
}

}  // namespace parta::storage
