#pragma once
// A deterministic generator of a realistic Russian school, for the demo
// stack, benchmarks and tests.
//
// Deterministic means byte-identical output for the same SchoolSpec on every
// compiler and platform: the generator uses its own splitmix64 stream and its
// own range mapping, never a std:: distribution (their algorithms are
// implementation-defined).
//
// The data is fictional but shaped like the real thing, including the cases
// that break naive code: Ё/ё in names, hyphenated double surnames, surnames
// with an ASCII apostrophe (О'Коннор), empty patronymics, «quotes» in
// workplaces. Everybody lives in the fictional town of Приволжск.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parta::core {

struct SchoolSpec {
  std::uint64_t seed = 1;
  int students = 1000;
  int classes = 33;  // spread over grades 1–11, lower grades first when it does not divide
  int staff = 70;
  int parents = 1700;            // met exactly up to 2 * students; students need classes > 0
  int academicYearStart = 2026;  // the year of 1 September the school year starts on
};

struct GeneratedPerson {
  std::string ref;                             // "S0001" students, "T001" staff, "P0001" parents; stable for a seed
  char kind = 's';                             // 's' student, 't' staff, 'p' parent
  std::string surname, firstName, patronymic;  // patronymic is empty for children of foreign fathers
  std::string birthDate;                       // YYYY-MM-DD
  std::string sex;                             // "male" | "female"
  // Keys: snils, phone, email, residence_address, health_group, pe_group,
  // personal_file_number, enrolment_date (students); main_position,
  // hire_date (staff); workplace, position (parents). A key is absent when
  // the person has no such datum (a first-grader without a phone).
  std::vector<std::pair<std::string, std::string>> fields;
  std::string login;  // ASCII: transliterated surname, '.', first-name initial, a number on clash

  bool operator==(const GeneratedPerson&) const = default;
};

struct GeneratedClass {
  std::string ref;  // "5А"
  int grade = 1;
  std::string letter;
  int shift = 1;
  std::string classTeacherRef;  // distinct per class; empty only when the staff is too small
  std::vector<std::string> studentRefs;

  bool operator==(const GeneratedClass&) const = default;
};

struct GeneratedGuardianship {
  std::string parentRef, childRef, relationship;  // "mother" | "father" | "guardian"

  bool operator==(const GeneratedGuardianship&) const = default;
};

struct GeneratedSubject {
  std::string code, name;  // {"math", "Математика"}

  bool operator==(const GeneratedSubject&) const = default;
};

struct GeneratedPlanLine {
  int grade = 1;
  std::string subjectCode;
  int hoursPerWeek = 0;

  bool operator==(const GeneratedPlanLine&) const = default;
};

struct GeneratedAssignment {
  std::string staffRef, classRef, subjectCode;
  int hoursPerWeek = 0;

  bool operator==(const GeneratedAssignment&) const = default;
};

struct GeneratedSchool {
  std::vector<GeneratedPerson> people;  // students, then staff, then parents
  std::vector<GeneratedClass> classes;
  std::vector<GeneratedGuardianship> guardianships;
  std::vector<GeneratedSubject> subjects;
  std::vector<GeneratedPlanLine> curriculum;     // one line per (grade, subject) with hours > 0
  std::vector<GeneratedAssignment> assignments;  // one per (class, subject of its grade's plan)

  bool operator==(const GeneratedSchool&) const = default;
};

GeneratedSchool generateSchool(const SchoolSpec& spec);

// Russian Cyrillic to lower-case ASCII for logins, after ГОСТ 7.79-2000
// system B: ё→yo, ж→zh, й→j, х→x, ц→c before е/и/ы/й and cz elsewhere,
// ч→ch, ш→sh, щ→shh, ы→y, э→e, ю→yu, я→ya. Where system B writes a mark
// that is no good in a login (ъ→``, ь→`, the ' of ы and the ` of э) the
// mark is dropped. ASCII letters are lower-cased; digits, '-', '.' and '_'
// are kept; anything else (apostrophes, spaces, other scripts) is dropped.
// transliterate("Ёлкина-Петрова") == "yolkina-petrova".
std::string transliterate(std::string_view cyrillicUtf8);

}  // namespace parta::core
