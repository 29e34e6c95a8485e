#include "appliance/storage/register_repository.hpp"

#include <map>
#include <memory>

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "appliance/storage/sql_support.hpp"

namespace parta::storage {

namespace {

using core::ErrorCode;
using Statement = std::unique_ptr<sql::PreparedStatement>;
using Rows = std::unique_ptr<sql::ResultSet>;

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

// Rolls back and restores autocommit unless committed.
class Transaction {
 public:
  explicit Transaction(sql::Connection& c) : c_(c) { c_.setAutoCommit(false); }
  ~Transaction() {
    try {
      if (!done_) c_.rollback();
      c_.setAutoCommit(true);
    } catch (const sql::SQLException&) {
      // The connection is broken; the pool discards it.
    }
  }
  void commit() {
    c_.commit();
    done_ = true;
  }

 private:
  sql::Connection& c_;
  bool done_ = false;
};

}  // namespace

core::Result<std::vector<core::PersonSummary>> MariaDbRegisterRepository::search(const core::PeopleQuery& query) {
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
          "JOIN people a ON a.id = t.staff_id WHERE a.account_uid = ?";
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
        "       JOIN people a ON a.id = t.staff_id WHERE a.account_uid = ? AND cm.student_id = ?)"));
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

core::Result<void> MariaDbRegisterRepository::appendAudit(const core::AuditRecord& r) {
  return withConnection(pool_, "register.audit", [&](sql::Connection& c) -> core::Result<void> {
    Statement s(c.prepareStatement(
        "INSERT INTO audit_log (at, actor, action, subject_type, subject_id, detail) VALUES (?, ?, ?, ?, ?, ?)"));
    s->setString(1, formatUtc(r.at));
    s->setString(2, r.actor);
    s->setString(3, r.action);
    s->setString(4, r.subjectType);
    s->setUInt64(5, r.subjectId);
    s->setString(6, r.detail.substr(0, 1000));
    s->executeUpdate();
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

}  // namespace parta::storage
