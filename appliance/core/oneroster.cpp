#include "appliance/core/oneroster.hpp"

#include <set>

#include "appliance/core/csv.hpp"
#include "appliance/core/zip.hpp"

namespace parta::core {

namespace {

using Row = std::vector<std::string>;

std::string table(const Row& header, const std::vector<Row>& rows) {
  std::string out;
  appendCsvRecord(out, header);
  for (const auto& r : rows) appendCsvRecord(out, r);
  return out;
}

// CEDS grade codes as OneRoster uses them: "01" … "12".
std::string gradeCode(int grade) { return (grade < 10 ? "0" : "") + std::to_string(grade); }

std::string value(const RegisterPerson& p, const std::string& key) {
  auto it = p.values.find(key);
  return it == p.values.end() ? std::string() : it->second;
}

std::string joinRefs(const std::vector<std::string>& refs) {
  std::string out;
  for (const auto& r : refs) out += (out.empty() ? "" : ",") + r;
  return out;
}

// A person's sourcedId: their ref; "#<id>" (a card without a key) becomes
// "person-<id>", since '#' has no place in an identifier.
std::string sourcedId(const std::string& ref) { return ref.rfind('#', 0) == 0 ? "person-" + ref.substr(1) : ref; }

std::string staffRole(const RegisterPerson& p) {
  const auto category = value(p, "staff_category");
  if (category == "administrative") return "administrator";
  if (category == "support" || category == "service") return "aide";
  return "teacher";
}

}  // namespace

std::map<std::string, std::string> oneRosterFiles(const OneRosterSchool& school,
                                                  const std::vector<RegisterPerson>& people,
                                                  const SchoolClasses& classes) {
  std::map<std::string, std::string> files;
  const std::string org = school.code;
  const int year = classes.academicYear;
  const std::string session = "year-" + std::to_string(year);

  const std::set<std::string> included{"academicSessions", "classes", "courses", "demographics",
                                       "enrollments",      "orgs",    "roles",   "users"};
  std::vector<Row> manifest{{"manifest.version", "1.0"}, {"oneroster.version", "1.2"}};
  for (const char* name : {"academicSessions",
                           "categories",
                           "classes",
                           "classResources",
                           "courses",
                           "courseResources",
                           "demographics",
                           "enrollments",
                           "lineItemLearningObjectiveIds",
                           "lineItems",
                           "lineItemScoreScales",
                           "orgs",
                           "resources",
                           "resultLearningObjectiveIds",
                           "results",
                           "resultScoreScales",
                           "roles",
                           "scoreScales",
                           "userProfiles",
                           "userResources",
                           "users"})
    manifest.push_back({std::string("file.") + name, included.count(name) ? "bulk" : "absent"});
  manifest.push_back({"source.systemName", "Parta"});
  manifest.push_back({"source.systemCode", org});
  files["manifest.csv"] = table({"propertyName", "value"}, manifest);

  files["orgs.csv"] =
      table({"sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parentSourcedId"},
            {{org, "", "", school.name, "school", org, ""}});

  std::vector<Row> sessions;
  if (year != 0)
    sessions.push_back({session, "", "", std::to_string(year) + "/" + std::to_string(year + 1), "schoolYear",
                        std::to_string(year) + "-09-01", std::to_string(year + 1) + "-08-31", "",
                        std::to_string(year + 1)});
  files["academicSessions.csv"] = table({"sourcedId", "status", "dateLastModified", "title", "type", "startDate",
                                         "endDate", "parentSourcedId", "schoolYear"},
                                        sessions);

  std::set<int> grades;
  for (const auto& [name, c] : classes.byName) grades.insert(c.grade);
  const auto courseOf = [&](int grade) { return "course-" + std::to_string(year) + "-" + std::to_string(grade); };
  std::vector<Row> courses;
  for (int g : grades)
    courses.push_back(
        {courseOf(g), "", "", session, std::to_string(g) + " класс", std::to_string(g), gradeCode(g), org, "", ""});
  files["courses.csv"] = table({"sourcedId", "status", "dateLastModified", "schoolYearSourcedId", "title", "courseCode",
                                "grades", "orgSourcedId", "subjects", "subjectCodes"},
                               courses);

  std::vector<Row> classRows;
  std::map<std::string, std::string> classId;  // name → sourcedId
  for (const auto& [name, c] : classes.byName) {
    classId[name] = "class-" + std::to_string(c.id);
    classRows.push_back({classId[name], "", "", name, gradeCode(c.grade), courseOf(c.grade), name, "homeroom", "", org,
                         session, "", "", ""});
  }
  files["classes.csv"] =
      table({"sourcedId", "status", "dateLastModified", "title", "grades", "courseSourcedId", "classCode", "classType",
             "location", "schoolSourcedId", "termSourcedIds", "subjects", "subjectCodes", "periods"},
            classRows);

  // Agents: a student's parents, a parent's children.
  std::map<std::string, std::vector<std::string>> agents;
  for (const auto& p : people)
    for (const auto& [child, relationship] : p.children) {
      agents[p.ref].push_back(sourcedId(child));
      agents[child].push_back(sourcedId(p.ref));
    }
  std::vector<Row> users, roles, enrollments, demographics;
  for (const auto& p : people) {
    if (p.ref.empty()) continue;
    const std::string id = sourcedId(p.ref);
    std::string grade;
    if (auto c = classes.byName.find(p.className); c != classes.byName.end()) grade = gradeCode(c->second.grade);
    users.push_back({id,
                     "",
                     "",
                     "true",
                     id,
                     "",
                     value(p, "first_name"),
                     value(p, "surname"),
                     value(p, "patronymic"),
                     id,
                     p.consent ? value(p, "email") : "",
                     "",
                     p.consent ? value(p, "phone") : "",
                     joinRefs(agents[p.ref]),
                     grade,
                     "",
                     "",
                     "",
                     "",
                     "",
                     "",
                     org,
                     ""});
    const std::string role = p.kind == PersonKind::student  ? "student"
                             : p.kind == PersonKind::parent ? "parent"
                                                            : staffRole(p);
    roles.push_back({"role-" + id, "", "", id, "primary", role, "", "", org, ""});
    if (auto c = classId.find(p.className); c != classId.end())
      enrollments.push_back(
          {"enrollment-" + c->second + "-" + id, "", "", c->second, org, id, "student", "false", "", ""});
    if (p.consent)
      demographics.push_back(
          {id, "", "", value(p, "birth_date"), value(p, "sex"), "", "", "", "", "", "", "", "", "", "", ""});
  }
  files["users.csv"] = table({"sourcedId",
                              "status",
                              "dateLastModified",
                              "enabledUser",
                              "username",
                              "userIds",
                              "givenName",
                              "familyName",
                              "middleName",
                              "identifier",
                              "email",
                              "sms",
                              "phone",
                              "agentSourcedIds",
                              "grades",
                              "password",
                              "userMasterIdentifier",
                              "resourceSourcedIds",
                              "preferredGivenName",
                              "preferredMiddleName",
                              "preferredFamilyName",
                              "primaryOrgSourcedId",
                              "pronouns"},
                             users);
  files["roles.csv"] = table({"sourcedId", "status", "dateLastModified", "userSourcedId", "roleType", "role",
                              "beginDate", "endDate", "orgSourcedId", "userProfileSourcedId"},
                             roles);
  files["enrollments.csv"] = table({"sourcedId", "status", "dateLastModified", "classSourcedId", "schoolSourcedId",
                                    "userSourcedId", "role", "primary", "beginDate", "endDate"},
                                   enrollments);
  files["demographics.csv"] =
      table({"sourcedId", "status", "dateLastModified", "birthDate", "sex", "americanIndianOrAlaskaNative", "asian",
             "blackOrAfricanAmerican", "nativeHawaiianOrOtherPacificIslander", "white", "demographicRaceTwoOrMoreRaces",
             "hispanicOrLatinoEthnicity", "countryOfBirthCode", "stateOfBirthAbbreviation", "cityOfBirth",
             "publicSchoolResidenceStatus"},
            demographics);
  return files;
}

std::string oneRosterZip(const OneRosterSchool& school, const std::vector<RegisterPerson>& people,
                         const SchoolClasses& classes) {
  ZipWriter zip;
  // The manifest first, as readers expect.
  auto files = oneRosterFiles(school, people, classes);
  zip.add("manifest.csv", files.at("manifest.csv"));
  for (const auto& [name, content] : files)
    if (name != "manifest.csv") zip.add(name, content);
  return zip.finish();
}

}  // namespace parta::core
