#pragma once
// The register as a OneRoster 1.2 CSV bulk export (1EdTech CSV binding):
// manifest, orgs, academicSessions, courses, classes, users, roles,
// enrollments and demographics, zipped. Pure: built from an export snapshot.
//
// sourcedIds come from stable keys: the node code for the school, the start
// year for the school year ("year-2026"), the grade for a course
// ("course-2026-5"), the register's class id for a class ("class-17"), the
// person's ref for a user. Bulk mode: status and dateLastModified are empty.
// Contact details (e-mail, phone) and demographics leave only for people
// with consent to processing personal data on record.

#include <map>
#include <string>
#include <vector>

#include "appliance/core/import.hpp"

namespace parta::core {

struct OneRosterSchool {
  std::string code;  // the node code, [a-z0-9-]
  std::string name;
};

// File name → CSV text (UTF-8, CRLF, header first).
std::map<std::string, std::string> oneRosterFiles(const OneRosterSchool& school,
                                                  const std::vector<RegisterPerson>& people,
                                                  const SchoolClasses& classes);
// The same files as a ZIP archive (stored).
std::string oneRosterZip(const OneRosterSchool& school, const std::vector<RegisterPerson>& people,
                         const SchoolClasses& classes);

}  // namespace parta::core
