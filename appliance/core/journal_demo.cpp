#include "appliance/core/journal_demo.hpp"

#include <array>
#include <map>
#include <tuple>

namespace parta::core {

namespace {

// SplitMix64: a fixed, well-mixed hash; the draws are reproducible.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A draw in 0..999 for (seed, lesson, student, purpose).
unsigned draw(std::uint64_t seed, std::uint64_t lesson, std::uint64_t student, unsigned purpose) {
  return static_cast<unsigned>(mix(mix(mix(seed ^ purpose) ^ lesson) ^ student) % 1000);
}

constexpr std::array<const char*, 8> kTopics{
    "Повторение изученного",   "Новый материал: введение", "Решение задач",          "Практическая работа",
    "Разбор ошибок «ё» и «е»", "Закрепление пройденного",  "Самостоятельная работа", "Обобщение по разделу"};
constexpr std::array<const char*, 6> kHomework{"§ {n}, вопросы 1–3", "Упр. {n}, с. 47",       "Выучить правило, с. {n}",
                                               "Задачи № {n}–{m}",   "Подготовить сообщение", "Повторить § {n}"};

std::string fill(std::string text, unsigned n) {
  for (auto pos = text.find("{n}"); pos != std::string::npos; pos = text.find("{n}"))
    text.replace(pos, 3, std::to_string(n));
  for (auto pos = text.find("{m}"); pos != std::string::npos; pos = text.find("{m}"))
    text.replace(pos, 3, std::to_string(n + 4));
  return text;
}

}  // namespace

DemoJournal generateDemoJournal(const std::vector<DemoLessonInput>& lessons, std::uint64_t seed) {
  DemoJournal out;
  std::map<std::string, unsigned> ordinal;  // per subject: topics count on
  for (const auto& l : lessons) {
    const unsigned n = ++ordinal[l.subjectCode];
    out.texts.push_back(
        {l.id, std::string(kTopics[draw(seed, l.id, 0, 1) % kTopics.size()]) + " (урок " + std::to_string(n) + ")",
         fill(kHomework[draw(seed, l.id, 0, 2) % kHomework.size()], 10 + n % 90)});
    for (PersonId s : l.students) {
      const unsigned a = draw(seed, l.id, s, 3);
      if (a < 50) {  // 5 % absent: ill 55 %, excused 25 %, unexcused 15 %, no reason 5 %
        const unsigned r = draw(seed, l.id, s, 4);
        out.absences.push_back({l.id, s, "absent", r < 550 ? "ill" : r < 800 ? "excused" : r < 950 ? "unexcused" : ""});
        continue;
      }
      if (a < 70) out.absences.push_back({l.id, s, "late", ""});  // 2 % late
      if (draw(seed, l.id, s, 5) >= 600) continue;                // 60 % get a mark
      const unsigned k = draw(seed, l.id, s, 6);
      const char* kind = k < 450 ? "oral" : k < 750 ? "homework" : k < 920 ? "test" : "control";
      const unsigned v = draw(seed, l.id, s, 7);
      const char* value = v < 300 ? "5" : v < 700 ? "4" : v < 920 ? "3" : "2";
      out.marks.push_back({l.id, s, kind, value});
    }
  }
  return out;
}

}  // namespace parta::core
