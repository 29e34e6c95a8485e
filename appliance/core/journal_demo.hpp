#pragma once
// Demo journal data for the generated school (issue 4): marks (kinds mixed,
// about 0.6 a student-lesson), attendance (about 5 % absent with mixed
// reasons, some late), a topic and homework for every lesson held. Pure and
// deterministic: every draw is a hash of (seed, lesson, student), so the
// result does not depend on the order lessons are given in.

#include <cstdint>
#include <string>
#include <vector>

#include "appliance/core/register.hpp"

namespace parta::core {

struct DemoLessonInput {
  std::uint64_t id = 0;
  std::string subjectCode;
  std::vector<PersonId> students;  // of the lesson's group or class
};

struct DemoMark {
  std::uint64_t lessonId = 0;
  PersonId studentId = 0;
  std::string kind, value;
};

struct DemoAbsence {
  std::uint64_t lessonId = 0;
  PersonId studentId = 0;
  std::string status, reason;  // reason empty: none given
};

struct DemoLessonText {
  std::uint64_t lessonId = 0;
  std::string topic, homework;
};

struct DemoJournal {
  std::vector<DemoMark> marks;
  std::vector<DemoAbsence> absences;
  std::vector<DemoLessonText> texts;
};

// `ordinal` of each lesson (its place among the lessons of its class, group
// and subject) numbers the topics; give lessons in date order per subject.
DemoJournal generateDemoJournal(const std::vector<DemoLessonInput>& lessons, std::uint64_t seed = 2026);

}  // namespace parta::core
