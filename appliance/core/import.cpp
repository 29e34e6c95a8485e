#include "appliance/core/import.hpp"

#include <algorithm>
#include <set>

#include "appliance/core/access.hpp"
#include "appliance/core/validation.hpp"

namespace parta::core {

namespace {

constexpr std::size_t kMaxRefLength = 64;
const std::vector<std::string> kNameColumns{"surname", "first_name", "patronymic", "birth_date", "sex"};
const std::set<std::string> kRelationships{"mother", "father", "guardian", "other"};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The validators prefix their messages with the key; the report names the
// field separately.
std::string withoutKey(const std::string& message, std::string_view key) {
  const std::string prefix = std::string(key) + ": ";
  return message.rfind(prefix, 0) == 0 ? message.substr(prefix.size()) : message;
}

Result<std::string> validateNameColumn(std::string_view key, std::string_view value) {
  if (key == "birth_date") return value.empty() ? Result<std::string>(std::string()) : normalizeDate(value);
  if (key == "sex") {
    if (value.empty() || value == "male" || value == "female") return std::string(value);
    return makeError(ErrorCode::invalid_argument, "expected male or female");
  }
  if (value.empty()) {
    if (key == "patronymic") return std::string();
    return makeError(ErrorCode::invalid_argument, "required");
  }
  return normalizePersonName(value);
}

std::string invalidRef(std::string_view ref) {
  if (ref.empty()) return "required";
  if (ref.size() > kMaxRefLength) return "at most 64 characters";
  if (!isValidUtf8(ref)) return "not valid UTF-8";
  for (char c : ref)
    if (c == ' ' || c == ';' || c == ':' || c == ',' || static_cast<unsigned char>(c) < 0x20)
      return "no spaces, ';', ':' or ','";
  return {};
}

std::string linksText(const std::map<std::string, std::string>& links) {
  std::string out;
  for (const auto& [ref, relationship] : links) out += (out.empty() ? "" : ";") + ref + ":" + relationship;
  return out;
}

std::string_view kindNoun(PersonKind kind) {
  switch (kind) {
    case PersonKind::student:
      return "a student";
    case PersonKind::staff:
      return "staff";
    case PersonKind::parent:
      return "a parent";
  }
  return "a student";
}

// One data row of the file, checked against the register.
class RowPlanner {
 public:
  RowPlanner(const std::vector<std::string>& header, const std::map<std::string, RegisterPerson>& existing,
             const std::map<std::string, PersonKind>& fileKinds, const SchoolClasses& classes,
             const std::optional<AdmissionOrder>& order, std::map<std::uint64_t, int>& joins)
      : header_(header), existing_(existing), fileKinds_(fileKinds), classes_(classes), order_(order), joins_(joins) {}

  PlannedRow plan(const CsvRecord& record, std::vector<ImportError>& errors) {
    PlannedRow row;
    row.line = record.line;
    errors_ = &errors;
    line_ = record.line;
    const std::size_t before = errors.size();
    if (record.fields.size() != header_.size()) {
      fail("", "expected " + std::to_string(header_.size()) + " fields, found " + std::to_string(record.fields.size()));
      row.action = ImportAction::invalid;
      return row;
    }
    std::map<std::string, std::string_view> cell;
    for (std::size_t i = 0; i < header_.size(); ++i) cell[header_[i]] = unguardCsvValue(trim(record.fields[i]));
    row.ref = std::string(cell["ref"]);
    auto kind = personKindFrom(cell["kind"]);
    if (!kind) {
      fail("kind", "expected student, staff or parent");
      row.action = ImportAction::invalid;
      return row;
    }
    row.kind = *kind;
    const RegisterPerson* current = nullptr;
    if (!row.ref.empty() && row.ref.front() == '#' && existing_.find(row.ref) == existing_.end())
      fail("ref", row.ref + " names no card of the register; a new person needs a ref of their own");
    if (auto it = existing_.find(row.ref); it != existing_.end()) {
      current = &it->second;
      row.id = current->id;
      row.version = current->version;
      if (current->kind != row.kind)
        fail("kind", "the register has " + row.ref + " as " + std::string(kindNoun(current->kind)));
    }
    planConsent(row, current, cell);
    const bool consent = (current != nullptr && current->consent) || row.consent.has_value();
    const auto valueNow = [&](const std::string& key) -> std::string {
      if (current == nullptr) return {};
      auto v = current->values.find(key);
      return v == current->values.end() ? std::string() : v->second;
    };

    for (const auto& column : header_) {
      if (column == "kind" || column == "ref" || column == "class" || column == "parent_of" ||
          column == "consent_given_on" || column == "consent_document")
        continue;
      const std::string_view raw = cell[column];
      std::string value;
      if (std::find(kNameColumns.begin(), kNameColumns.end(), column) != kNameColumns.end()) {
        auto v = validateNameColumn(column, raw);
        if (!v) {
          fail(column, v.error().message);
          continue;
        }
        value = std::move(*v);
      } else {
        const FieldSpec* spec = findField(column);
        if (raw.empty()) {
          value.clear();
        } else if (!spec->appliesTo(row.kind)) {
          fail(column, "not a field of " + std::string(kindNoun(row.kind)) + "'s card");
          continue;
        } else {
          auto v = validateFieldValue(*spec, raw);
          if (!v) {
            fail(column, withoutKey(v.error().message, column));
            continue;
          }
          value = std::move(*v);
        }
        // Seed 004, 5.4: personal data only with written consent. Only a
        // change is checked, so an export of a card whose consent was
        // withdrawn still reads back unchanged.
        if (spec->needsConsent && !value.empty() && value != valueNow(column) && !consent) {
          fail(column, current == nullptr
                           ? "needs consent to processing personal data, and a new person has none on record yet"
                           : "consent to processing personal data is not on record for this person");
          continue;
        }
      }
      const std::string old = valueNow(column);
      if (value != old) row.changes.push_back(FieldChange{column, old, std::move(value)});
    }
    if (current == nullptr) {
      for (const char* required : {"surname", "first_name"})
        if (cell.find(required) == cell.end()) fail(required, "required for a new person");
    }
    planClass(row, current, cell);
    planLinks(row, current, cell);

    if (errors.size() != before) {
      row.action = ImportAction::invalid;
    } else if (current == nullptr) {
      row.action = ImportAction::create;
    } else {
      row.action =
          row.changes.empty() && row.links.empty() && !row.consent ? ImportAction::unchanged : ImportAction::update;
    }
    return row;
  }

 private:
  void fail(const std::string& field, std::string message) {
    errors_->push_back(ImportError{line_, field, std::move(message)});
  }

  void planConsent(PlannedRow& row, const RegisterPerson* current, std::map<std::string, std::string_view>& cell) {
    const auto on = cell.find("consent_given_on"), document = cell.find("consent_document");
    const bool hasOn = on != cell.end() && !on->second.empty();
    const bool hasDocument = document != cell.end() && !document->second.empty();
    if (!hasOn && !hasDocument) return;
    if (!hasOn) return fail("consent_given_on", "required with consent_document");
    if (!hasDocument) return fail("consent_document", "required with consent_given_on");
    auto date = normalizeDate(on->second);
    if (!date) return fail("consent_given_on", date.error().message);
    if (document->second.size() > 200 || !isValidUtf8(document->second))
      return fail("consent_document", "at most 200 bytes of UTF-8");
    if (current != nullptr && current->consent) {
      if (current->consentGivenOn != *date || current->consentDocument != document->second)
        return fail("consent_given_on",
                    "another consent is on record; withdraw it in the card before recording a new one");
      return;
    }
    row.consent = ConsentRecord{"personal_data", *date, std::string(document->second)};
  }

  void planClass(PlannedRow& row, const RegisterPerson* current, std::map<std::string, std::string_view>& cell) {
    auto it = cell.find("class");
    if (it == cell.end() || it->second.empty()) return;
    const std::string name(it->second);
    if (row.kind != PersonKind::student) return fail("class", "only students are in a class");
    const std::string year =
        std::to_string(classes_.academicYear) + "/" + std::to_string((classes_.academicYear + 1) % 100);
    auto found = classes_.byName.find(name);
    if (found == classes_.byName.end())
      return fail("class", "no class " + name + " in the current school year" +
                               (classes_.academicYear == 0 ? std::string() : " (" + year + ")"));
    if (current != nullptr) {
      if (current->className == name) return;
      return fail("class", current->className.empty()
                               ? "the student is in no class now; an admission goes through the movement book"
                               : "the register has the student in " + current->className +
                                     "; transfers go through the movement book");
    }
    if (!order_)
      return fail("class", "placing a new student in a class is an admission: give orderNumber and orderDate");
    if (!inAcademicYear(order_->date, classes_.academicYear))
      return fail("class", "the admission date is outside the " + year + " school year");
    const ClassInfo& info = found->second;
    int& joining = joins_[info.id];
    if (info.capacity && info.members + joining + 1 > *info.capacity)
      return fail("class", name + " is full (capacity " + std::to_string(*info.capacity) + ")");
    ++joining;
    row.joinClass = info.id;
  }

  void planLinks(PlannedRow& row, const RegisterPerson* current, std::map<std::string, std::string_view>& cell) {
    auto it = cell.find("parent_of");
    if (it == cell.end() || it->second.empty()) return;
    if (row.kind != PersonKind::parent) return fail("parent_of", "only parents have children here");
    std::string_view rest = it->second;
    std::map<std::string, std::string> wanted;
    while (!rest.empty()) {
      const auto semicolon = rest.find(';');
      const std::string_view item = trim(rest.substr(0, semicolon));
      rest = semicolon == std::string_view::npos ? std::string_view() : rest.substr(semicolon + 1);
      if (item.empty()) continue;
      const auto colon = item.find(':');
      if (colon == std::string_view::npos)
        return fail("parent_of", "expected REF:relationship (mother, father, guardian or other)");
      const std::string child(trim(item.substr(0, colon)));
      const std::string relationship(trim(item.substr(colon + 1)));
      if (!kRelationships.count(relationship))
        return fail("parent_of", child + ": relationship must be mother, father, guardian or other");
      std::optional<PersonKind> childKind;
      if (auto f = fileKinds_.find(child); f != fileKinds_.end()) {
        childKind = f->second;
      } else if (auto e = existing_.find(child); e != existing_.end()) {
        childKind = e->second.kind;
      }
      if (!childKind) return fail("parent_of", child + " is neither in the file nor in the register");
      if (*childKind != PersonKind::student) return fail("parent_of", child + " is not a student");
      if (!wanted.emplace(child, relationship).second) return fail("parent_of", child + " is named twice");
    }
    if (current != nullptr) row.linksBefore = current->children;
    for (const auto& [child, relationship] : wanted) {
      auto had = row.linksBefore.find(child);
      if (had == row.linksBefore.end() || had->second != relationship) row.links[child] = relationship;
    }
  }

  const std::vector<std::string>& header_;
  const std::map<std::string, RegisterPerson>& existing_;
  const std::map<std::string, PersonKind>& fileKinds_;
  const SchoolClasses& classes_;
  const std::optional<AdmissionOrder>& order_;
  std::map<std::uint64_t, int>& joins_;
  std::vector<ImportError>* errors_ = nullptr;
  std::size_t line_ = 0;
};

}  // namespace

std::string describe(const ImportError& e) {
  std::string out = e.line == 0 ? std::string("request") : "line " + std::to_string(e.line);
  if (!e.field.empty()) out += ", " + e.field;
  return out + ": " + e.message;
}

std::string_view toString(ImportAction action) {
  switch (action) {
    case ImportAction::create:
      return "create";
    case ImportAction::update:
      return "update";
    case ImportAction::unchanged:
      return "unchanged";
    case ImportAction::invalid:
      return "invalid";
  }
  return "invalid";
}

std::vector<std::string> PlannedRow::fieldNames() const {
  std::vector<std::string> out;
  for (const auto& c : changes) out.push_back(c.field);
  if (joinClass) out.emplace_back("class");
  if (!links.empty()) out.emplace_back("parent_of");
  if (consent) out.emplace_back("consent");
  return out;
}

std::size_t ImportPlan::count(ImportAction action) const {
  return static_cast<std::size_t>(
      std::count_if(rows.begin(), rows.end(), [&](const PlannedRow& r) { return r.action == action; }));
}

std::vector<std::string> importColumns() {
  std::vector<std::string> out{"kind", "ref"};
  out.insert(out.end(), kNameColumns.begin(), kNameColumns.end());
  out.emplace_back("class");
  out.emplace_back("parent_of");
  out.emplace_back("consent_given_on");
  out.emplace_back("consent_document");
  return out;
}

std::vector<std::string> refsNamed(const std::vector<CsvRecord>& records) {
  std::set<std::string> refs;
  if (records.empty()) return {};
  const auto& header = records.front().fields;
  std::optional<std::size_t> refAt, parentAt;
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (trim(header[i]) == "ref") refAt = i;
    if (trim(header[i]) == "parent_of") parentAt = i;
  }
  for (std::size_t r = 1; r < records.size(); ++r) {
    const auto& f = records[r].fields;
    if (refAt && *refAt < f.size()) refs.emplace(trim(f[*refAt]));
    if (parentAt && *parentAt < f.size()) {
      std::string_view rest = f[*parentAt];
      while (!rest.empty()) {
        const auto semicolon = rest.find(';');
        const auto item = rest.substr(0, semicolon);
        rest = semicolon == std::string_view::npos ? std::string_view() : rest.substr(semicolon + 1);
        refs.emplace(trim(item.substr(0, item.find(':'))));
      }
    }
  }
  refs.erase("");
  return {refs.begin(), refs.end()};
}

ImportPlan planImport(const std::vector<CsvRecord>& records, const std::map<std::string, RegisterPerson>& existing,
                      const SchoolClasses& classes, const std::optional<AdmissionOrder>& order) {
  ImportPlan plan;
  plan.order = order;
  if (records.empty()) {
    plan.errors.push_back(ImportError{1, "", "the file is empty; the first line must name the columns"});
    return plan;
  }
  // The header: known columns only, each once, kind and ref required.
  const auto& first = records.front();
  std::vector<std::string> header;
  const auto known = importColumns();
  for (const auto& raw : first.fields) {
    std::string column(trim(raw));
    if (std::find(known.begin(), known.end(), column) == known.end() && findField(column) == nullptr)
      plan.errors.push_back(ImportError{first.line, column, "unknown column"});
    else if (std::find(header.begin(), header.end(), column) != header.end())
      plan.errors.push_back(ImportError{first.line, column, "column given twice"});
    header.push_back(std::move(column));
  }
  for (const char* required : {"kind", "ref"})
    if (std::find(header.begin(), header.end(), required) == header.end())
      plan.errors.push_back(ImportError{first.line, required, "required column is missing"});
  if (!plan.errors.empty()) return plan;

  // Refs first: duplicates in the file, and the kinds the file gives.
  const auto refAt = static_cast<std::size_t>(std::find(header.begin(), header.end(), "ref") - header.begin());
  const auto kindAt = static_cast<std::size_t>(std::find(header.begin(), header.end(), "kind") - header.begin());
  std::map<std::string, std::size_t> firstLine;
  std::map<std::string, PersonKind> fileKinds;
  std::set<std::size_t> badRef;
  for (std::size_t r = 1; r < records.size(); ++r) {
    const auto& f = records[r].fields;
    if (f.size() != header.size()) continue;  // reported by the row planner
    const std::string ref(trim(f[refAt]));
    if (auto problem = invalidRef(ref); !problem.empty()) {
      plan.errors.push_back(ImportError{records[r].line, "ref", problem});
      badRef.insert(r);
      continue;
    }
    auto [at, inserted] = firstLine.emplace(ref, records[r].line);
    if (!inserted) {
      plan.errors.push_back(
          ImportError{records[r].line, "ref", ref + " is also on line " + std::to_string(at->second)});
      badRef.insert(r);
      continue;
    }
    if (auto kind = personKindFrom(trim(f[kindAt]))) fileKinds[ref] = *kind;
  }

  std::map<std::uint64_t, int> joins;
  RowPlanner planner(header, existing, fileKinds, classes, order, joins);
  for (std::size_t r = 1; r < records.size(); ++r) {
    auto row = planner.plan(records[r], plan.errors);
    if (badRef.count(r)) row.action = ImportAction::invalid;
    plan.rows.push_back(std::move(row));
  }
  for (const auto& [ref, person] : existing) plan.knownIds[ref] = person.id;
  // Errors in file order.
  std::stable_sort(plan.errors.begin(), plan.errors.end(),
                   [](const ImportError& a, const ImportError& b) { return a.line < b.line; });
  return plan;
}

std::string exportPeopleCsv(const std::vector<RegisterPerson>& people) {
  std::vector<std::string> header = importColumns();
  for (const auto& spec : personFields()) header.emplace_back(spec.key);
  std::string out = "\xEF\xBB\xBF";  // spreadsheet programs read the Cyrillic right with it
  appendCsvRecord(out, header, true);
  for (const auto& p : people) {
    std::vector<std::string> row{std::string(toString(p.kind)), p.ref};
    for (const auto& key : header) {
      if (key == "kind" || key == "ref") continue;
      if (key == "class") {
        row.push_back(p.className);
      } else if (key == "parent_of") {
        row.push_back(linksText(p.children));
      } else if (key == "consent_given_on") {
        row.push_back(p.consent ? p.consentGivenOn : std::string());
      } else if (key == "consent_document") {
        row.push_back(p.consent ? p.consentDocument : std::string());
      } else {
        auto v = p.values.find(key);
        row.push_back(v == p.values.end() ? std::string() : v->second);
      }
    }
    appendCsvRecord(out, row, true);
  }
  return out;
}

Result<ImportPlan> ImportService::importPeople(const Principal& actor, std::string_view csv,
                                               const ImportOptions& options) {
  if (!may(actor, Permission::import_people))
    return makeError(ErrorCode::permission_denied, "only the register's keepers import people");
  std::optional<AdmissionOrder> order;
  if (!options.orderNumber.empty() || !options.orderDate.empty() || !options.admissionDate.empty()) {
    if (options.orderNumber.empty() || options.orderNumber.size() > 64 || !isValidUtf8(options.orderNumber))
      return makeError(ErrorCode::invalid_argument, "orderNumber: required with an admission, at most 64 bytes");
    auto orderDate = normalizeDate(options.orderDate);
    if (!orderDate) return makeError(ErrorCode::invalid_argument, "orderDate: " + orderDate.error().message);
    auto date = options.admissionDate.empty() ? orderDate : normalizeDate(options.admissionDate);
    if (!date) return makeError(ErrorCode::invalid_argument, "admissionDate: " + date.error().message);
    if (*date < *orderDate)
      return makeError(ErrorCode::invalid_argument, "admissionDate: before the date of the order");
    order = AdmissionOrder{options.orderNumber, *orderDate, *date};
  }
  if (!isValidUtf8(csv)) return makeError(ErrorCode::invalid_argument, "the file is not valid UTF-8");
  auto records = readCsv(csv, kMaxImportRows + 1);
  ImportPlan plan;
  if (!records) {
    // "line 7: …" from the reader: keep the line as a plan error.
    const auto& message = records.error().message;
    std::size_t line = 0;
    if (message.rfind("line ", 0) == 0) line = std::stoul(message.substr(5));
    const auto colon = message.find(": ");
    plan.errors.push_back(ImportError{line, "", colon == std::string::npos ? message : message.substr(colon + 2)});
  } else {
    auto existing = repository_.peopleByRefs(refsNamed(*records));
    if (!existing) return existing.error();
    auto classes = repository_.currentClasses();
    if (!classes) return classes.error();
    plan = planImport(*records, *existing, *classes, order);
  }
  const std::string counts = "create " + std::to_string(plan.count(ImportAction::create)) + ", update " +
                             std::to_string(plan.count(ImportAction::update)) + ", unchanged " +
                             std::to_string(plan.count(ImportAction::unchanged)) + ", errors " +
                             std::to_string(plan.errors.size());
  const auto now = clock_.now();
  if (options.dryRun || !plan.errors.empty()) {
    const char* action = options.dryRun ? "import.dry_run" : "import.refused";
    if (auto logged = repository_.appendAudit(AuditRecord{now, actor.userId, action, "register", 0, counts}); !logged)
      return logged.error();
    return plan;
  }
  if (auto applied = repository_.applyImport(plan, actor.userId, now,
                                             AuditRecord{now, actor.userId, "import.apply", "register", 0, counts});
      !applied)
    return applied.error();
  return plan;
}

Result<ImportService::Snapshot> ImportService::exportSnapshot(const Principal& actor, std::string_view what) {
  // Keepers and the principal read every field of every card, consent or not
  // (they keep the data by law): nothing needs filtering.
  if (!may(actor, Permission::export_register))
    return makeError(ErrorCode::permission_denied, "only the register's keepers and the principal export it");
  auto people = repository_.allPeople();
  if (!people) return people.error();
  auto classes = repository_.currentClasses();
  if (!classes) return classes.error();
  if (auto logged = repository_.appendAudit(AuditRecord{clock_.now(), actor.userId, std::string(what), "register", 0,
                                                        std::to_string(people->size()) + " people"});
      !logged)
    return logged.error();
  return Snapshot{std::move(*people), std::move(*classes)};
}

Result<std::string> ImportService::exportPeople(const Principal& actor) {
  auto snapshot = exportSnapshot(actor, "export.people_csv");
  if (!snapshot) return snapshot.error();
  return exportPeopleCsv(snapshot->people);
}

}  // namespace parta::core
