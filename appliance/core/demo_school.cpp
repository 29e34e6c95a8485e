#include "appliance/core/demo_school.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace parta::core {

namespace {

// ---------------------------------------------------------------- randomness

// splitmix64 (Steele, Lea, Flood 2014): small and fully specified, so a seed
// means the same school everywhere, unlike std:: distributions.
//
// Never draw twice in one expression (f(rng.next(), rng.next()), a + b):
// C++ leaves the order unspecified, and gcc and clang do differ.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  // Plain modulo: the bias is below 2^-50 for the ranges used here, and the
  // mapping is ours, hence portable.
  std::size_t index(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
  int between(int lo, int hi) {
    if (hi <= lo) return lo;
    return lo + static_cast<int>(next() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  bool percent(int p) { return static_cast<int>(next() % 100U) < p; }

  template <typename T, std::size_t N>
  const T& pick(const T (&items)[N]) {
    return items[index(N)];
  }
  template <typename T>
  const T& pick(const std::vector<T>& items) {
    return items[index(items.size())];
  }
  template <typename T>
  void shuffle(std::vector<T>& items) {
    for (std::size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[index(i)]);
  }

 private:
  std::uint64_t state_;
};

// Each phase draws from its own stream, so changing the staff count does not
// rename every student.
enum class Stream : std::uint64_t { classes = 1, families, names, staff, details, assignments };

Rng streamFor(std::uint64_t seed, Stream stream) {
  Rng mixer(seed ^ (static_cast<std::uint64_t>(stream) * 0xD1B54A32D192ED03ULL));
  return Rng(mixer.next());
}

// --------------------------------------------------------------------- dates

// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's
// algorithms), so date arithmetic needs no <chrono> calendar support.
int daysFromCivil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Ymd {
  int y, m, d;
};

Ymd civilFromDays(int z) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const int doe = z - era * 146097;
  const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int mp = (5 * doy + 2) / 153;
  const int d = doy - (153 * mp + 2) / 5 + 1;
  const int m = mp < 10 ? mp + 3 : mp - 9;
  return Ymd{yoe + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

void appendPadded(std::string& out, int value, int width) {
  std::string digits = std::to_string(value);
  if (static_cast<int>(digits.size()) < width) out.append(static_cast<std::size_t>(width) - digits.size(), '0');
  out += digits;
}

std::string isoDate(int days) {
  const Ymd ymd = civilFromDays(days);
  std::string out;
  appendPadded(out, ymd.y, 4);
  out += '-';
  appendPadded(out, ymd.m, 2);
  out += '-';
  appendPadded(out, ymd.d, 2);
  return out;
}

// The same calendar date `years` earlier; 29 February becomes 1 March.
int yearsBefore(int days, int years) {
  const Ymd ymd = civilFromDays(days);
  return daysFromCivil(ymd.y - years, ymd.m, 1) + ymd.d - 1;
}

// ------------------------------------------------------------------- names

constexpr unsigned kChild = 1;  // popular for children born 2008–2020
constexpr unsigned kAdult = 2;  // for parents and most staff, born 1966–2002
constexpr unsigned kElder = 4;  // for the fathers of parents and staff

// Patronymics are spelt out rather than derived: the rules have enough
// exceptions (Илья → Ильич/Ильинична, Пётр → Петрович, Лев → Львович,
// Никита → Никитич/Никитична) that a table is the honest way.
struct MaleName {
  std::string_view name, sonPatronymic, daughterPatronymic;
  unsigned generations;
};

constexpr MaleName kMaleNames[] = {
    {"Александр", "Александрович", "Александровна", kChild | kAdult | kElder},
    {"Алексей", "Алексеевич", "Алексеевна", kAdult | kElder},
    {"Анатолий", "Анатольевич", "Анатольевна", kElder},
    {"Андрей", "Андреевич", "Андреевна", kAdult | kElder},
    {"Антон", "Антонович", "Антоновна", kAdult},
    {"Артём", "Артёмович", "Артёмовна", kChild | kAdult},
    {"Борис", "Борисович", "Борисовна", kElder},
    {"Валерий", "Валерьевич", "Валерьевна", kElder},
    {"Василий", "Васильевич", "Васильевна", kAdult | kElder},
    {"Виктор", "Викторович", "Викторовна", kAdult | kElder},
    {"Владимир", "Владимирович", "Владимировна", kAdult | kElder},
    {"Вячеслав", "Вячеславович", "Вячеславовна", kAdult | kElder},
    {"Геннадий", "Геннадьевич", "Геннадьевна", kElder},
    {"Георгий", "Георгиевич", "Георгиевна", kChild | kElder},
    {"Глеб", "Глебович", "Глебовна", kChild},
    {"Григорий", "Григорьевич", "Григорьевна", kElder},
    {"Даниил", "Даниилович", "Данииловна", kChild},
    {"Денис", "Денисович", "Денисовна", kAdult},
    {"Дмитрий", "Дмитриевич", "Дмитриевна", kChild | kAdult | kElder},
    {"Евгений", "Евгеньевич", "Евгеньевна", kAdult | kElder},
    {"Егор", "Егорович", "Егоровна", kChild | kAdult},
    {"Иван", "Иванович", "Ивановна", kChild | kAdult | kElder},
    {"Игорь", "Игоревич", "Игоревна", kAdult | kElder},
    {"Илья", "Ильич", "Ильинична", kChild | kAdult},
    {"Кирилл", "Кириллович", "Кирилловна", kChild | kAdult},
    {"Константин", "Константинович", "Константиновна", kAdult | kElder},
    {"Кузьма", "Кузьмич", "Кузьминична", kElder},
    {"Лев", "Львович", "Львовна", kChild | kElder},
    {"Лука", "Лукич", "Лукинична", kChild},
    {"Максим", "Максимович", "Максимовна", kChild | kAdult},
    {"Марк", "Маркович", "Марковна", kChild},
    {"Матвей", "Матвеевич", "Матвеевна", kChild},
    {"Мирон", "Миронович", "Мироновна", kChild},
    {"Михаил", "Михайлович", "Михайловна", kChild | kAdult | kElder},
    {"Никита", "Никитич", "Никитична", kChild | kAdult},
    {"Николай", "Николаевич", "Николаевна", kAdult | kElder},
    {"Олег", "Олегович", "Олеговна", kAdult | kElder},
    {"Павел", "Павлович", "Павловна", kAdult | kElder},
    {"Пётр", "Петрович", "Петровна", kChild | kAdult | kElder},
    {"Роман", "Романович", "Романовна", kChild | kAdult},
    {"Савва", "Саввич", "Саввична", kChild},
    {"Семён", "Семёнович", "Семёновна", kChild | kAdult | kElder},
    {"Сергей", "Сергеевич", "Сергеевна", kAdult | kElder},
    {"Тимофей", "Тимофеевич", "Тимофеевна", kChild},
    {"Фёдор", "Фёдорович", "Фёдоровна", kChild | kAdult | kElder},
    {"Фома", "Фомич", "Фоминична", kElder},
    {"Юрий", "Юрьевич", "Юрьевна", kAdult | kElder},
    {"Ярослав", "Ярославович", "Ярославовна", kChild | kAdult},
};

struct FemaleName {
  std::string_view name;
  unsigned generations;
};

constexpr FemaleName kFemaleNames[] = {
    {"Алиса", kChild},
    {"Алёна", kChild | kAdult},
    {"Анастасия", kChild | kAdult},
    {"Анна", kChild | kAdult},
    {"Арина", kChild},
    {"Варвара", kChild},
    {"Валентина", kElder},
    {"Василиса", kChild},
    {"Вера", kChild | kElder},
    {"Вероника", kChild},
    {"Виктория", kChild | kAdult},
    {"Галина", kElder},
    {"Дарья", kChild | kAdult},
    {"Ева", kChild},
    {"Евгения", kAdult},
    {"Екатерина", kChild | kAdult},
    {"Елена", kAdult | kElder},
    {"Елизавета", kChild},
    {"Ирина", kAdult | kElder},
    {"Ксения", kChild | kAdult},
    {"Лариса", kElder},
    {"Любовь", kAdult | kElder},
    {"Людмила", kElder},
    {"Марина", kAdult},
    {"Мария", kChild | kAdult},
    {"Милана", kChild},
    {"Надежда", kAdult | kElder},
    {"Наталья", kAdult | kElder},
    {"Нина", kElder},
    {"Оксана", kAdult},
    {"Ольга", kAdult | kElder},
    {"Полина", kChild | kAdult},
    {"Светлана", kAdult | kElder},
    {"Софья", kChild},
    {"Таисия", kChild},
    {"Татьяна", kAdult | kElder},
    {"Ульяна", kChild},
    {"Юлия", kAdult},
};

// Male forms; feminineSurname() derives the female ones.
constexpr std::string_view kSurnames[] = {
    "Абрамов",    "Акимов",     "Александров", "Алексеев",   "Андреев",    "Анисимов",  "Антонов",  "Архипов",
    "Афанасьев",  "Баранов",    "Белов",       "Белоусов",   "Беляев",     "Бирюков",   "Богданов", "Бондаренко",
    "Борисов",    "Быков",      "Васильев",    "Вишневский", "Виноградов", "Власов",    "Волков",   "Воробьёв",
    "Воронин",    "Воронцов",   "Гаврилов",    "Галкин",     "Герасимов",  "Голубев",   "Гончаров", "Горбунов",
    "Грачёв",     "Григорьев",  "Гришин",      "Громов",     "Гусев",      "Давыдов",   "Данилов",  "Денисов",
    "Дмитриев",   "Донской",    "Егоров",      "Ёлкин",      "Емельянов",  "Ерёмин",    "Ермаков",  "Ефимов",
    "Ефремов",    "Жуков",      "Журавлёв",    "Зайцев",     "Захаров",    "Ильин",     "Исаев",    "Казаков",
    "Калинин",    "Карпов",     "Киселёв",     "Ким",        "Кириллов",   "Климов",    "Князев",   "Ковалёв",
    "Козлов",     "Колесников", "Комаров",     "Кондратьев", "Коновалов",  "Королёв",   "Котов",    "Крылов",
    "Кудрявцев",  "Кузнецов",   "Кузьмин",     "Куликов",    "Лазарев",    "Лебедев",   "Левин",    "Леонов",
    "Лёвкин",     "Лукьянов",   "Макаров",     "Максимов",   "Малышев",    "Марков",    "Мартынов", "Маслов",
    "Матвеев",    "Медведев",   "Мельников",   "Миронов",    "Митрофанов", "Михайлов",  "Михеев",   "Моисеев",
    "Морозов",    "Наумов",     "Назаров",     "Нестеров",   "Никитин",    "Никифоров", "Николаев", "Новиков",
    "Овчинников", "Орлов",      "Осипов",      "Островский", "Павлов",     "Панов",     "Петров",   "Покровский",
    "Поляков",    "Пономарёв",  "Попов",       "Потапов",    "Прокофьев",  "Прохоров",  "Пугачёв",  "Родионов",
    "Романов",    "Румянцев",   "Савельев",    "Сёмин",      "Семёнов",    "Сергеев",   "Седых",    "Сидоров",
    "Симонов",    "Скворцов",   "Смирнов",     "Соболев",    "Соколов",    "Соловьёв",  "Сорокин",  "Степанов",
    "Тарасов",    "Тимофеев",   "Титов",       "Тихомиров",  "Тихонов",    "Ткаченко",  "Толстой",  "Троицкий",
    "Трофимов",   "Успенский",  "Федотов",     "Фёдоров",    "Филатов",    "Филиппов",  "Фомин",    "Фролов",
    "Харитонов",  "Цветков",    "Чернов",      "Черных",     "Чернышёв",   "Шевченко",  "Щёголев",  "Щербаков",
    "Юдин",       "Яковлев",
};

// Historic double surnames; the generator also joins two ordinary ones.
constexpr std::string_view kDoubleSurnames[] = {
    "Петров-Водкин",     "Римский-Корсаков", "Соколов-Микитов", "Мамин-Сибиряк",
    "Голенищев-Кутузов", "Лебедев-Кумач",    "Бонч-Бруевич",    "Мусин-Пушкин",
};

// Foreign surnames with an apostrophe; fathers carry matching first names
// and, being foreign, no patronymic.
struct ForeignFamily {
  std::string_view surname;
  std::string_view fatherNames[3];
};

constexpr ForeignFamily kForeignFamilies[] = {
    {"О'Коннор", {"Патрик", "Шон", "Киран"}},     {"О'Нил", {"Патрик", "Шон", "Киран"}},
    {"О'Брайен", {"Патрик", "Шон", "Киран"}},     {"Д'Анжело", {"Марко", "Антонио", "Лоренцо"}},
    {"Д'Амато", {"Марко", "Антонио", "Лоренцо"}}, {"Д'Алессандро", {"Марко", "Антонио", "Лоренцо"}},
};

bool endsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string feminineSurnamePart(std::string_view part) {
  std::string out(part);
  if (endsWith(part, "ский") || endsWith(part, "цкий") || endsWith(part, "ой") || endsWith(part, "ый")) {
    out.resize(out.size() - std::string_view("ий").size());
    out += "ая";
  } else if (endsWith(part, "ов") || endsWith(part, "ев") || endsWith(part, "ёв") || endsWith(part, "ин") ||
             endsWith(part, "ын")) {
    out += "а";
  }
  // Everything else (Черных, Шевченко, Ким, Сибиряк, Бруевич, О'Коннор) does
  // not change with sex.
  return out;
}

// Иванов → Иванова, Ёлкин → Ёлкина, Троицкий → Троицкая, Толстой → Толстая,
// Петров-Водкин → Петрова-Водкина, Мамин-Сибиряк → Мамина-Сибиряк.
std::string feminineSurname(std::string_view male) {
  std::string out;
  std::size_t start = 0;
  while (true) {
    const std::size_t dash = male.find('-', start);
    out += feminineSurnamePart(male.substr(start, dash == std::string_view::npos ? dash : dash - start));
    if (dash == std::string_view::npos) break;
    out += '-';
    start = dash + 1;
  }
  return out;
}

std::string surnameFor(std::string_view male, bool isMale) {
  return isMale ? std::string(male) : feminineSurname(male);
}

template <typename Name>
std::vector<const Name*> namesOf(const Name* begin, const Name* end, unsigned generation) {
  std::vector<const Name*> out;
  for (const Name* n = begin; n != end; ++n) {
    if ((n->generations & generation) != 0) out.push_back(n);
  }
  return out;
}

// Russian alphabetical order: UTF-8 bytes already sort
// А..Я and а..я correctly; only Ё/ё sit outside, so they sort as Е/е.
std::string collationKey(std::string_view s) {
  std::string out(s);
  for (std::size_t i = 0; i + 1 < out.size(); ++i) {
    if (out[i] == '\xD0' && out[i + 1] == '\x81') out[i + 1] = '\x95';  // Ё → Е
    if (out[i] == '\xD1' && out[i + 1] == '\x91') {                     // ё → е
      out[i] = '\xD0';
      out[i + 1] = '\xB5';
    }
  }
  return out;
}

// ----------------------------------------------------------- places, jobs

constexpr std::string_view kTown = "г. Приволжск";

constexpr std::string_view kStreets[] = {
    "Ленина",  "Советская", "Молодёжная", "Садовая",        "Школьная",       "Набережная",   "Гагарина",
    "Мира",    "Пушкина",   "Чкалова",    "Комсомольская",  "Заводская",      "Речная",       "Лесная",
    "Полевая", "Победы",    "Строителей", "Кирова",         "Октябрьская",    "Первомайская", "Волжская",
    "Зелёная", "Солнечная", "8 Марта",    "Маршала Жукова", "Фёдора Ушакова", "Лётчиков",
};

struct Job {
  std::string_view workplace, position;
};

constexpr Job kJobs[] = {
    {"ГБУЗ «Приволжская центральная районная больница»", "врач-терапевт"},
    {"ГБУЗ «Приволжская центральная районная больница»", "медицинская сестра"},
    {"АО «Приволжскнефтемаш»", "инженер-конструктор"},
    {"АО «Приволжскнефтемаш»", "токарь"},
    {"АО «Приволжскнефтемаш»", "мастер участка"},
    {"ООО «Приволжский хлебокомбинат»", "технолог"},
    {"ООО «Приволжский хлебокомбинат»", "водитель-экспедитор"},
    {"МБДОУ детский сад № 7 «Солнышко»", "воспитатель"},
    {"ООО «Торговый дом „Волга“»", "продавец-кассир"},
    {"ООО «Торговый дом „Волга“»", "администратор магазина"},
    {"МУП «Приволжскводоканал»", "слесарь-ремонтник"},
    {"Администрация Приволжского района", "главный специалист"},
    {"ОМВД России по Приволжскому району", "участковый уполномоченный полиции"},
    {"ООО «ВолгаСофт»", "программист"},
    {"ООО «ВолгаСофт»", "бухгалтер"},
    {"ГБПОУ «Приволжский технологический колледж»", "преподаватель"},
    {"ООО «Автотранс-Приволжск»", "водитель"},
    {"Пожарно-спасательная часть № 12", "пожарный"},
    {"Отделение почтовой связи Приволжск 446450", "оператор связи"},
    {"ИП Д'Амато А. М. (пиццерия «Везувий»)", "повар"},
    {"ООО «Приволжская строительная компания»", "прораб"},
    {"ООО «Приволжская строительная компания»", "экономист"},
    {"Приволжский районный суд", "секретарь судебного заседания"},
    {"индивидуальный предприниматель", "индивидуальный предприниматель"},
};

// ------------------------------------------------------------- curriculum

struct SubjectInfo {
  std::string_view code, name;
  int hours[11];  // per week, grades 1..11, after the federal basic plans (5-day week)
  int profile;    // which specialist teaches it from grade 5 (and in grades 1–4 when not the class's own teacher)
};

// Specialist profiles: a teacher's subjects are those of their profile.
enum Profile : int {
  kRussian,
  kMath,
  kForeign,
  kHistory,
  kGeography,
  kBiology,
  kChemistry,
  kPhysics,
  kInformatics,
  kMusic,
  kArt,
  kTechnology,
  kPe,
  kObzr,
  kProfileCount,
};

// Subjects a teacher of each profile may also take when colleagues are full:
// a chemist can teach biology, a philologist ОДНКНР, a mathematician
// informatics.
constexpr std::string_view kAlsoTeaches[kProfileCount] = {
    "odnknr",                   // russian
    "informatics physics",      // math
    "",                         // foreign
    "geography",                // history
    "biology",                  // geography
    "chemistry geography",      // biology
    "biology",                  // chemistry
    "informatics probability",  // physics
    "probability physics",      // informatics
    "art",                      // music
    "technology music",         // art
    "art",                      // technology
    "obzr",                     // pe
    "pe",                       // obzr
};

constexpr int kPrimaryTeacher = -1;  // grades 1–4: taught by the class's own teacher

constexpr SubjectInfo kSubjects[] = {
    {"russian", "Русский язык", {5, 5, 5, 5, 5, 6, 4, 3, 3, 2, 2}, kRussian},
    {"literary_reading", "Литературное чтение", {4, 4, 4, 3, 0, 0, 0, 0, 0, 0, 0}, kRussian},
    {"literature", "Литература", {0, 0, 0, 0, 3, 3, 2, 2, 3, 3, 3}, kRussian},
    {"foreign_language", "Иностранный язык", {0, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3}, kForeign},
    {"math", "Математика", {4, 4, 4, 4, 5, 5, 0, 0, 0, 0, 0}, kMath},
    {"algebra", "Алгебра", {0, 0, 0, 0, 0, 0, 3, 3, 3, 3, 3}, kMath},
    {"geometry", "Геометрия", {0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2}, kMath},
    {"probability", "Вероятность и статистика", {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1}, kMath},
    {"informatics", "Информатика", {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1}, kInformatics},
    {"world", "Окружающий мир", {2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0}, kBiology},
    {"orkse", "Основы религиозных культур и светской этики", {0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0}, kHistory},
    {"history", "История", {0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2}, kHistory},
    {"social_studies", "Обществознание", {0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2}, kHistory},
    {"odnknr", "Основы духовно-нравственной культуры народов России", {0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0}, kHistory},
    {"geography", "География", {0, 0, 0, 0, 1, 1, 2, 2, 2, 1, 1}, kGeography},
    {"biology", "Биология", {0, 0, 0, 0, 1, 1, 1, 2, 2, 1, 1}, kBiology},
    {"physics", "Физика", {0, 0, 0, 0, 0, 0, 2, 2, 3, 2, 2}, kPhysics},
    {"chemistry", "Химия", {0, 0, 0, 0, 0, 0, 0, 2, 2, 1, 1}, kChemistry},
    {"music", "Музыка", {1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0}, kMusic},
    {"art", "Изобразительное искусство", {1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0}, kArt},
    {"technology", "Труд (технология)", {1, 1, 1, 1, 2, 2, 2, 1, 1, 0, 0}, kTechnology},
    {"obzr", "Основы безопасности и защиты Родины", {0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1}, kObzr},
    {"pe", "Физическая культура", {2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2}, kPe},
};

// In grades 1–4 the class's own teacher takes everything but a foreign
// language, music and PE, which need a specialist.
bool primaryTeacherTeaches(std::string_view code) {
  return code != "foreign_language" && code != "music" && code != "pe";
}

int profileFor(const SubjectInfo& subject, int grade) {
  return grade <= 4 && primaryTeacherTeaches(subject.code) ? kPrimaryTeacher : subject.profile;
}

bool profileTeaches(int profile, std::string_view code) {
  for (const SubjectInfo& s : kSubjects) {
    if (s.code == code && s.profile == profile) return true;
  }
  const std::string_view also = kAlsoTeaches[profile];
  std::size_t start = 0;
  while (start <= also.size()) {
    const std::size_t space = std::min(also.find(' ', start), also.size());
    if (also.substr(start, space - start) == code) return true;
    start = space + 1;
  }
  return false;
}

// Per cent of men among teachers of a profile: Russian schools are mostly
// female, less so in PE, ОБЗР, technology and the sciences.
constexpr int kMalePercent[kProfileCount] = {3, 12, 8, 25, 20, 10, 10, 35, 45, 25, 20, 55, 50, 85};

constexpr int kMaxWeeklyHours = 36;

// SanPiN keeps grades 1, 5, 9, 10 and 11 in the first shift; a school of a
// thousand in one building sends some of the rest to the second.
bool secondShift(int grade) { return grade == 2 || grade == 3 || grade == 4 || grade == 6 || grade == 7; }

constexpr std::string_view kLetters[] = {"А", "Б", "В", "Г", "Д", "Е", "Ж", "З", "И", "К", "Л", "М"};

// Non-teaching posts, in the order a shrinking staff gives them up last-first.
constexpr std::string_view kNonTeachingPosts[] = {
    "директор",
    "заместитель директора по УВР",
    "заместитель директора по ВР",
    "педагог-психолог",
    "социальный педагог",
    "заместитель директора по УВР",
    "библиотекарь",
    "учитель-логопед",
    "заместитель директора по АХР",
    "педагог-организатор",
    "секретарь",
};
constexpr int kNonTeachingMalePercent[] = {40, 15, 20, 10, 10, 15, 5, 3, 60, 30, 3};

constexpr std::string_view kTeacherPost = "учитель";

// ------------------------------------------------------------- identifiers

int snilsCheck(const int (&digits)[9]) {
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += digits[i] * (9 - i);
  if (sum < 100) return sum;
  if (sum == 100 || sum == 101) return 0;
  const int check = sum % 101;
  return check == 100 ? 0 : check;
}

// ------------------------------------------------------------------ builder

struct Student {
  int grade = 1;
  std::size_t classIndex = 0;
  bool male = true;
  int birth = 0;
  std::size_t family = 0;
  std::string surname, firstName, patronymic;
  std::string ref;
};

struct Adult {
  std::string surname, firstName, patronymic;
  bool male = false;
  int birth = 0;
  std::string relationship;  // mother | father | guardian
};

struct Family {
  std::vector<std::size_t> children;  // indices into students, eldest first
  std::vector<Adult> adults;
  std::string address;
};

struct StaffMember {
  std::string post;
  int profile = kPrimaryTeacher;  // for teachers; kProfileCount for non-teaching posts
  bool teacher = false;
  std::vector<int> extraProfiles;  // when there are fewer specialists than profiles
  GeneratedPerson person;
  int load = 0;
};

class SchoolBuilder {
 public:
  explicit SchoolBuilder(const SchoolSpec& spec)
      : spec_(spec), yearStart_(daysFromCivil(spec.academicYearStart, 9, 1)) {}

  GeneratedSchool build() {
    buildClasses();
    buildFamilies();
    nameFamilies();
    orderStudents();
    buildStaff();
    buildCurriculum();
    assignTeachers();
    chooseClassTeachers();
    emitPeople();
    return std::move(school_);
  }

 private:
  // ----- classes and students
  void buildClasses() {
    Rng rng = streamFor(spec_.seed, Stream::classes);
    const int classCount = std::max(0, spec_.classes);
    for (int grade = 1; grade <= 11; ++grade) {
      const int perGrade = classCount / 11 + (grade - 1 < classCount % 11 ? 1 : 0);
      for (int k = 0; k < perGrade; ++k) {
        GeneratedClass c;
        c.grade = grade;
        c.letter = std::string(kLetters[static_cast<std::size_t>(k) % std::size(kLetters)]);
        if (k >= static_cast<int>(std::size(kLetters)))
          c.letter += std::to_string(static_cast<std::size_t>(k) / std::size(kLetters) + 1);
        c.ref = std::to_string(grade) + c.letter;
        c.shift = secondShift(grade) ? 2 : 1;
        school_.classes.push_back(std::move(c));
      }
    }
    if (school_.classes.empty()) return;

    // Even sizes, then random single-student moves within a band, so classes
    // differ the way real ones do (for 1000 in 33: 26–33).
    const std::size_t n = school_.classes.size();
    const int total = std::max(0, spec_.students);
    const int base = total / static_cast<int>(n);
    std::vector<int> sizes(n, base);
    for (std::size_t i = 0; i < static_cast<std::size_t>(total % static_cast<int>(n)); ++i) ++sizes[i];
    const int lo = base - base * 3 / 20;
    const int hi = base + base / 10;
    for (std::size_t move = 0; move < n * 8; ++move) {
      const std::size_t from = rng.index(n);
      const std::size_t to = rng.index(n);
      if (from == to || sizes[from] <= lo || sizes[to] >= hi) continue;
      --sizes[from];
      ++sizes[to];
    }
    for (std::size_t c = 0; c < n; ++c) {
      for (int k = 0; k < sizes[c]; ++k) {
        Student s;
        s.grade = school_.classes[c].grade;
        s.classIndex = c;
        s.male = rng.percent(51);
        students_.push_back(std::move(s));
      }
    }
  }

  // Born 6.5–7.5 years before the 1 September the student started grade 1.
  std::pair<int, int> birthRange(int grade) const {
    const int firstGradeYear = spec_.academicYearStart - grade + 1;
    return {daysFromCivil(firstGradeYear - 7, 3, 1), daysFromCivil(firstGradeYear - 6, 3, 1) - 1};
  }

  // Families sized so that the parent count comes out exactly: F families
  // with one or two adults give F..2F parents; a ratio of 1.88 adults per
  // family leaves one family in ten with a single adult, and the remaining
  // students become siblings (families of 2–3 children in different grades).
  void buildFamilies() {
    Rng rng = streamFor(spec_.seed, Stream::families);
    const std::size_t studentCount = students_.size();
    if (studentCount == 0) return;
    const int parents = std::max(0, spec_.parents);
    const int s = static_cast<int>(studentCount);
    int familyCount = s;
    int twoAdult = 0;
    if (parents > 0) {
      familyCount = std::min(std::max((parents * 100 + 94) / 188, (parents + 1) / 2), s);
      twoAdult = std::clamp(parents - familyCount, 0, familyCount);
    }
    const std::size_t fc = static_cast<std::size_t>(familyCount);

    std::vector<int> childCount(fc, 1);
    const int cap = std::max(3, (s + familyCount - 1) / familyCount + 1);
    for (int extra = s - familyCount; extra > 0; --extra) {
      std::size_t f = rng.index(fc);
      while (childCount[f] >= cap) f = (f + 1) % fc;
      ++childCount[f];
    }

    std::vector<std::vector<std::size_t>> pools(12);
    for (std::size_t i = 0; i < studentCount; ++i) pools[static_cast<std::size_t>(students_[i].grade)].push_back(i);
    for (auto& pool : pools) rng.shuffle(pool);

    // Larger families first, while every grade still has students to give.
    std::vector<std::size_t> order(fc);
    for (std::size_t f = 0; f < fc; ++f) order[f] = f;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return childCount[a] > childCount[b]; });

    families_.resize(fc);
    for (std::size_t f : order) {
      std::vector<int> usedGrades;
      for (int k = 0; k < childCount[f]; ++k) {
        std::vector<int> grades;
        for (int g = 1; g <= 11; ++g) {
          const bool used = std::find(usedGrades.begin(), usedGrades.end(), g) != usedGrades.end();
          if (!pools[static_cast<std::size_t>(g)].empty() && !used) grades.push_back(g);
        }
        if (grades.empty()) {  // only twins are left
          for (int g = 1; g <= 11; ++g) {
            if (!pools[static_cast<std::size_t>(g)].empty()) grades.push_back(g);
          }
        }
        const int grade = rng.pick(grades);
        auto& pool = pools[static_cast<std::size_t>(grade)];
        const std::size_t student = pool.back();
        pool.pop_back();
        usedGrades.push_back(grade);
        families_[f].children.push_back(student);
        students_[student].family = f;
      }
      auto& kids = families_[f].children;
      std::sort(kids.begin(), kids.end(), [&](std::size_t a, std::size_t b) {
        return students_[a].grade != students_[b].grade ? students_[a].grade > students_[b].grade : a < b;
      });
      // Siblings in different grades are born at least ~10 months apart;
      // siblings in the same grade are twins.
      for (std::size_t k = 0; k < kids.size(); ++k) {
        Student& kid = students_[kids[k]];
        auto [lo, hi] = birthRange(kid.grade);
        if (k > 0) {
          const Student& elder = students_[kids[k - 1]];
          if (elder.grade == kid.grade) {
            kid.birth = elder.birth;
            continue;
          }
          lo = std::min(hi, std::max(lo, elder.birth + 300));
        }
        kid.birth = rng.between(lo, hi);
      }
    }

    // Which families have two adults; single adults are mostly mothers.
    std::vector<std::size_t> shuffled(fc);
    for (std::size_t f = 0; f < fc; ++f) shuffled[f] = f;
    rng.shuffle(shuffled);
    adultShape_.assign(fc, AdultShape::none);
    if (parents == 0) return;
    for (std::size_t i = 0; i < fc; ++i) {
      const std::size_t f = shuffled[i];
      if (i < static_cast<std::size_t>(twoAdult)) {
        adultShape_[f] = AdultShape::motherAndFather;
      } else {
        const int r = rng.between(0, 99);
        adultShape_[f] = r < 80 ? AdultShape::mother : r < 88 ? AdultShape::father : AdultShape::guardian;
      }
    }
  }

  std::string randomAddress(Rng& rng) {
    std::string out(kTown);
    out += ", ул. ";
    out += rng.pick(kStreets);
    const int house = rng.between(1, 96);
    const int flat = rng.between(1, 144);
    out += ", д. " + std::to_string(house) + ", кв. " + std::to_string(flat);
    return out;
  }

  const MaleName& maleName(Rng& rng, unsigned generation) {
    return *rng.pick(generation == kChild ? childMale_ : generation == kAdult ? adultMale_ : elderMale_);
  }
  std::string_view femaleName(Rng& rng, unsigned generation) {
    return rng.pick(generation == kChild ? childFemale_ : generation == kAdult ? adultFemale_ : elderFemale_)->name;
  }

  // Adults are 20–45 years older than their eldest child, and 24–60 at the
  // start of the year; the 18-year minimum gap wins over the age band.
  int adultBirth(Rng& rng, int eldestBirth, int minGap, int maxGap) {
    const int gap = rng.between(minGap, maxGap);
    int birth = yearsBefore(eldestBirth, gap) - rng.between(0, 364);
    birth = std::clamp(birth, yearsBefore(yearStart_, 61) + 1, yearsBefore(yearStart_, 24));
    return std::min(birth, yearsBefore(eldestBirth, 18));
  }

  void nameFamilies() {
    Rng rng = streamFor(spec_.seed, Stream::names);
    childMale_ = namesOf(std::begin(kMaleNames), std::end(kMaleNames), kChild);
    adultMale_ = namesOf(std::begin(kMaleNames), std::end(kMaleNames), kAdult);
    elderMale_ = namesOf(std::begin(kMaleNames), std::end(kMaleNames), kElder);
    childFemale_ = namesOf(std::begin(kFemaleNames), std::end(kFemaleNames), kChild);
    adultFemale_ = namesOf(std::begin(kFemaleNames), std::end(kFemaleNames), kAdult);
    elderFemale_ = namesOf(std::begin(kFemaleNames), std::end(kFemaleNames), kElder);

    for (std::size_t f = 0; f < families_.size(); ++f) {
      Family& family = families_[f];
      const AdultShape shape = adultShape_[f];
      family.address = randomAddress(rng);

      // The family surname (male form) and the father, present or not: his
      // first name gives the children their patronymic.
      std::string surname;
      const MaleName* father = &maleName(rng, kAdult);
      std::string_view foreignFather;
      const int kindRoll = rng.between(0, 99);
      if (kindRoll < 4) {
        const ForeignFamily& foreign = rng.pick(kForeignFamilies);
        surname = foreign.surname;
        foreignFather = rng.pick(foreign.fatherNames);
      } else if (kindRoll < 6) {
        surname = rng.pick(kDoubleSurnames);
      } else if (kindRoll < 8) {
        surname = rng.pick(kSurnames);
        surname += "-";
        surname += rng.pick(kSurnames);
      } else {
        surname = rng.pick(kSurnames);
      }
      const bool foreign = !foreignFather.empty();

      std::vector<std::string> siblingNames;
      for (std::size_t child : family.children) {
        Student& kid = students_[child];
        kid.surname = surnameFor(surname, kid.male);
        for (int attempt = 0; attempt < 8; ++attempt) {
          kid.firstName = kid.male ? std::string(maleName(rng, kChild).name) : std::string(femaleName(rng, kChild));
          if (std::find(siblingNames.begin(), siblingNames.end(), kid.firstName) == siblingNames.end()) break;
        }
        siblingNames.push_back(kid.firstName);
        if (!foreign) kid.patronymic = kid.male ? father->sonPatronymic : father->daughterPatronymic;
      }

      const int eldest = family.children.empty() ? yearStart_ : students_[family.children.front()].birth;
      const bool hasMother = shape == AdultShape::motherAndFather || shape == AdultShape::mother;
      const bool hasFather = shape == AdultShape::motherAndFather || shape == AdultShape::father;
      if (hasMother) {
        Adult mother;
        mother.relationship = "mother";
        mother.firstName = femaleName(rng, kAdult);
        mother.patronymic = maleName(rng, kElder).daughterPatronymic;
        const int roll = rng.between(0, 99);
        // Most take the husband's name; some keep their own, some join both.
        if (roll < 80) {
          mother.surname = feminineSurname(surname);
        } else if (roll < 92) {
          mother.surname = feminineSurname(rng.pick(kSurnames));
        } else {
          mother.surname = feminineSurname(rng.pick(kSurnames)) + "-" + feminineSurname(surname);
        }
        mother.birth = adultBirth(rng, eldest, 20, 38);
        family.adults.push_back(std::move(mother));
      }
      if (hasFather) {
        Adult dad;
        dad.relationship = "father";
        dad.male = true;
        dad.surname = surname;
        dad.firstName = foreign ? std::string(foreignFather) : std::string(father->name);
        if (!foreign) dad.patronymic = maleName(rng, kElder).sonPatronymic;
        dad.birth = adultBirth(rng, eldest, 21, 45);
        family.adults.push_back(std::move(dad));
      }
      if (shape == AdultShape::guardian) {
        // A grandparent, aunt or uncle, on either side of the family.
        Adult guardian;
        guardian.relationship = "guardian";
        guardian.male = rng.percent(15);
        guardian.surname = surnameFor(rng.percent(50) ? surname : std::string(rng.pick(kSurnames)), guardian.male);
        guardian.firstName =
            guardian.male ? std::string(maleName(rng, kAdult).name) : std::string(femaleName(rng, kAdult));
        const MaleName& grandfather = maleName(rng, kElder);
        guardian.patronymic = guardian.male ? grandfather.sonPatronymic : grandfather.daughterPatronymic;
        guardian.birth = adultBirth(rng, eldest, 20, 45);
        family.adults.push_back(std::move(guardian));
      }
    }
  }

  // Refs follow the class lists: by class, then alphabetically.
  void orderStudents() {
    std::vector<std::size_t> order(students_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::vector<std::string> keys(students_.size());
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const Student& s = students_[i];
      keys[i] = collationKey(s.surname + " " + s.firstName + " " + s.patronymic);
    }
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      if (students_[a].classIndex != students_[b].classIndex) return students_[a].classIndex < students_[b].classIndex;
      return keys[a] < keys[b];
    });
    const int width = std::max<int>(4, static_cast<int>(std::to_string(order.size()).size()));
    studentOrder_ = order;
    for (std::size_t k = 0; k < order.size(); ++k) {
      std::string ref = "S";
      appendPadded(ref, static_cast<int>(k) + 1, width);
      students_[order[k]].ref = ref;
      school_.classes[students_[order[k]].classIndex].studentRefs.push_back(ref);
    }
  }

  // ----- staff
  void buildStaff() {
    Rng rng = streamFor(spec_.seed, Stream::staff);
    const int staffCount = std::max(0, spec_.staff);
    int primaryClasses = 0;
    for (const auto& c : school_.classes) primaryClasses += c.grade <= 4 ? 1 : 0;
    const int minTeachers = std::max(static_cast<int>(school_.classes.size()), primaryClasses + kProfileCount);
    // About one post in six is not a teaching one (11 of 70), never leaving
    // fewer teachers than classes or than profiles to cover.
    const int nonTeaching = std::min(
        {static_cast<int>(std::size(kNonTeachingPosts)), (staffCount + 3) / 6, std::max(0, staffCount - minTeachers)});
    const int teachers = staffCount - nonTeaching;

    for (int i = 0; i < nonTeaching; ++i) {
      StaffMember m;
      m.post = kNonTeachingPosts[i];
      m.profile = kProfileCount;
      m.person.sex = rng.percent(kNonTeachingMalePercent[i]) ? "male" : "female";
      staff_.push_back(std::move(m));
    }

    // Each primary class has its own teacher; the other teachers are split
    // among profiles by the highest-averages method on weekly hours, so
    // every profile has someone and loads come out even.
    const int primaryTeachers = std::min(teachers, primaryClasses);
    const int specialists = teachers - primaryTeachers;
    for (int i = 0; i < primaryTeachers; ++i) {
      StaffMember m;
      m.post = kTeacherPost;
      m.teacher = true;
      m.person.sex = rng.percent(2) ? "male" : "female";
      staff_.push_back(std::move(m));
    }
    std::vector<int> profileHours(kProfileCount, 0);
    for (const auto& c : school_.classes) {
      for (const SubjectInfo& s : kSubjects) {
        const int profile = profileFor(s, c.grade);
        if (profile != kPrimaryTeacher) profileHours[static_cast<std::size_t>(profile)] += s.hours[c.grade - 1];
      }
    }
    std::vector<int> perProfile(kProfileCount, 0);
    if (specialists >= kProfileCount) {
      std::fill(perProfile.begin(), perProfile.end(), 1);
      for (int extra = specialists - kProfileCount; extra > 0; --extra) {
        std::size_t best = 0;
        for (std::size_t p = 1; p < perProfile.size(); ++p) {
          // hours[p] / n[p] > hours[best] / n[best], without division.
          if (profileHours[p] * perProfile[best] > profileHours[best] * perProfile[p]) best = p;
        }
        ++perProfile[best];
      }
      for (int p = 0; p < kProfileCount; ++p) {
        for (int k = 0; k < perProfile[static_cast<std::size_t>(p)]; ++k) addSpecialist(rng, p, {});
      }
    } else if (specialists > 0) {
      // Too few for one per profile: each specialist covers several.
      for (int t = 0; t < specialists; ++t) {
        std::vector<int> extra;
        for (int p = t + specialists; p < kProfileCount; p += specialists) extra.push_back(p);
        addSpecialist(rng, t, std::move(extra));
      }
    }

    const int width = std::max<int>(3, static_cast<int>(std::to_string(staff_.size()).size()));
    for (std::size_t i = 0; i < staff_.size(); ++i) {
      StaffMember& m = staff_[i];
      m.person.ref = "T";
      appendPadded(m.person.ref, static_cast<int>(i) + 1, width);
      m.person.kind = 't';
      nameStaffMember(rng, m);
    }
  }

  void addSpecialist(Rng& rng, int profile, std::vector<int> extra) {
    StaffMember m;
    m.post = kTeacherPost;
    m.teacher = true;
    m.profile = profile;
    m.extraProfiles = std::move(extra);
    m.person.sex = rng.percent(kMalePercent[profile]) ? "male" : "female";
    staff_.push_back(std::move(m));
  }

  void nameStaffMember(Rng& rng, StaffMember& m) {
    const bool male = m.person.sex == "male";
    // Teachers in Russia skew older; the mean of two draws gives a hump near 45.
    const bool director = m.post == "директор";
    const bool deputy = m.post.rfind("заместитель", 0) == 0;
    const int minAge = director ? 42 : deputy ? 32 : 22;
    const int maxAge = director || deputy ? 62 : 68;
    const int oldest = yearsBefore(yearStart_, maxAge + 1) + 1;
    const int youngest = yearsBefore(yearStart_, minAge);
    const int firstDraw = rng.between(oldest, youngest);
    const int birth = (firstDraw + rng.between(oldest, youngest)) / 2;
    const int age = spec_.academicYearStart - civilFromDays(birth).y;
    const unsigned generation = age > 50 ? kElder : kAdult;
    m.person.surname = surnameFor(rng.pick(kSurnames), male);
    m.person.firstName = male ? std::string(maleName(rng, generation).name) : std::string(femaleName(rng, generation));
    const MaleName& father = maleName(rng, kElder);
    m.person.patronymic = male ? father.sonPatronymic : father.daughterPatronymic;
    m.person.birthDate = isoDate(birth);

    // Hired at 22 or older, often in late August before a year starts.
    const int birthYear = civilFromDays(birth).y;
    const int hireYear = rng.between(std::max(birthYear + 23, spec_.academicYearStart - 40), spec_.academicYearStart);
    int hire = rng.percent(60) ? daysFromCivil(hireYear, 8, rng.between(15, 31))
                               : rng.between(daysFromCivil(hireYear, 1, 9), daysFromCivil(hireYear, 12, 28));
    hire = std::min(hire, yearStart_ - 1);
    m.person.fields = {
        {"main_position", m.post},
        {"hire_date", isoDate(hire)},
    };
  }

  // ----- curriculum and assignments
  void buildCurriculum() {
    for (const SubjectInfo& s : kSubjects) school_.subjects.push_back({std::string(s.code), std::string(s.name)});
    for (int grade = 1; grade <= 11; ++grade) {
      for (const SubjectInfo& s : kSubjects) {
        const int hours = s.hours[grade - 1];
        if (hours > 0) school_.curriculum.push_back({grade, std::string(s.code), hours});
      }
    }
  }

  bool canTeach(const StaffMember& m, const std::vector<std::string_view>& codes) const {
    if (!m.teacher || m.profile == kPrimaryTeacher) return false;
    for (std::string_view code : codes) {
      bool ok = profileTeaches(m.profile, code);
      for (int p : m.extraProfiles) ok = ok || profileTeaches(p, code);
      if (!ok) return false;
    }
    return true;
  }

  bool hasProfile(const StaffMember& m, int profile) const {
    return m.profile == profile ||
           std::find(m.extraProfiles.begin(), m.extraProfiles.end(), profile) != m.extraProfiles.end();
  }

  // One teacher takes all of a profile's subjects in a class (algebra,
  // geometry and probability go together), so bundles are assigned, the
  // largest first, each to the least-loaded teacher of its profile; a
  // teacher of a neighbouring profile helps out before anyone goes over
  // kMaxWeeklyHours.
  void assignTeachers() {
    struct Bundle {
      std::size_t classIndex;
      int profile;
      int hours = 0;
      std::vector<std::string_view> codes;
    };
    std::vector<Bundle> bundles;
    std::map<std::pair<std::size_t, int>, std::size_t> bundleOf;
    std::vector<std::size_t> primaryStaff;
    for (std::size_t i = 0; i < staff_.size(); ++i) {
      if (staff_[i].teacher && staff_[i].profile == kPrimaryTeacher) primaryStaff.push_back(i);
    }
    std::vector<std::size_t> teacherIndices;
    for (std::size_t i = 0; i < staff_.size(); ++i) {
      if (staff_[i].teacher) teacherIndices.push_back(i);
    }
    if (teacherIndices.empty()) return;

    std::size_t primaryClass = 0;
    std::map<std::pair<std::size_t, std::string_view>, std::size_t> teacherOf;  // (class, subject) → staff
    for (std::size_t c = 0; c < school_.classes.size(); ++c) {
      const int grade = school_.classes[c].grade;
      const bool primary = grade <= 4;
      std::size_t ownTeacher = 0;
      if (primary) {
        ownTeacher = primaryStaff.empty() ? teacherIndices[primaryClass % teacherIndices.size()]
                                          : primaryStaff[primaryClass % primaryStaff.size()];
        primaryTeacherOf_[c] = ownTeacher;
        ++primaryClass;
      }
      for (const SubjectInfo& s : kSubjects) {
        const int hours = s.hours[grade - 1];
        if (hours == 0) continue;
        const int profile = profileFor(s, grade);
        if (profile == kPrimaryTeacher) {
          teacherOf[{c, s.code}] = ownTeacher;
          staff_[ownTeacher].load += hours;
          continue;
        }
        auto [it, inserted] = bundleOf.try_emplace({c, profile}, bundles.size());
        if (inserted) bundles.push_back(Bundle{c, profile, 0, {}});
        bundles[it->second].hours += hours;
        bundles[it->second].codes.push_back(s.code);
      }
    }

    std::stable_sort(bundles.begin(), bundles.end(),
                     [](const Bundle& a, const Bundle& b) { return a.hours > b.hours; });
    for (const Bundle& b : bundles) {
      // Rank: (would go over the limit, not of this profile, load, index).
      std::size_t best = staff_.size();
      std::tuple<bool, bool, int> bestRank{true, true, 0};
      for (std::size_t i : teacherIndices) {
        const StaffMember& m = staff_[i];
        if (!canTeach(m, b.codes)) continue;
        const std::tuple<bool, bool, int> rank{m.load + b.hours > kMaxWeeklyHours, !hasProfile(m, b.profile), m.load};
        if (best == staff_.size() || rank < bestRank) {
          best = i;
          bestRank = rank;
        }
      }
      if (best == staff_.size()) {
        // Nobody qualified (a tiny staff): the least-loaded teacher of all.
        best = teacherIndices.front();
        for (std::size_t i : teacherIndices) {
          if (staff_[i].load < staff_[best].load) best = i;
        }
      }
      staff_[best].load += b.hours;
      for (std::string_view code : b.codes) teacherOf[{b.classIndex, code}] = best;
    }

    for (std::size_t c = 0; c < school_.classes.size(); ++c) {
      const GeneratedClass& cls = school_.classes[c];
      for (const SubjectInfo& s : kSubjects) {
        const int hours = s.hours[cls.grade - 1];
        if (hours == 0) continue;
        const std::size_t t = teacherOf.at({c, s.code});
        school_.assignments.push_back({staff_[t].person.ref, cls.ref, std::string(s.code), hours});
        teachersOfClass_[c].push_back(t);
      }
    }
  }

  // A primary class's own teacher leads it; an older class gets one of the
  // teachers who teach it, and failing that any free teacher.
  void chooseClassTeachers() {
    Rng rng = streamFor(spec_.seed, Stream::assignments);
    std::set<std::size_t> taken;
    for (std::size_t c = 0; c < school_.classes.size(); ++c) {
      std::vector<std::size_t> candidates;
      if (auto own = primaryTeacherOf_.find(c); own != primaryTeacherOf_.end() && !taken.count(own->second)) {
        candidates.push_back(own->second);
      } else {
        for (std::size_t t : teachersOfClass_[c]) {
          const bool seen = std::find(candidates.begin(), candidates.end(), t) != candidates.end();
          if (!taken.count(t) && !seen) candidates.push_back(t);
        }
      }
      if (candidates.empty()) {
        for (std::size_t i = 0; i < staff_.size(); ++i) {
          if (staff_[i].teacher && !taken.count(i)) {
            candidates.push_back(i);
            break;
          }
        }
      }
      if (candidates.empty()) continue;
      const std::size_t chosen = rng.pick(candidates);
      taken.insert(chosen);
      school_.classes[c].classTeacherRef = staff_[chosen].person.ref;
    }
  }

  // ----- identifiers and output
  std::string newSnils(Rng& rng) {
    while (true) {
      // 001-001-998 and below were issued without a check number; stay above.
      std::uint64_t number = 100000000 + rng.next() % 900000000;
      int digits[9];
      for (int i = 8; i >= 0; --i, number /= 10) digits[i] = static_cast<int>(number % 10);
      // The Pension Fund never issues a digit three times in a row.
      bool triple = false;
      for (int i = 2; i < 9; ++i) triple = triple || (digits[i] == digits[i - 1] && digits[i] == digits[i - 2]);
      if (triple) continue;
      std::string out;
      for (int i = 0; i < 9; ++i) {
        if (i == 3 || i == 6) out += '-';
        out += static_cast<char>('0' + digits[i]);
      }
      out += ' ';
      appendPadded(out, snilsCheck(digits), 2);
      if (snils_.insert(out).second) return out;
    }
  }

  std::string newPhone(Rng& rng) {
    while (true) {
      std::string out = "+79";
      appendPadded(out, static_cast<int>(rng.next() % 1000000000U), 9);
      if (phones_.insert(out).second) return out;
    }
  }

  std::string newLogin(const GeneratedPerson& p) {
    std::string base = transliterate(p.surname);
    const std::string first = transliterate(p.firstName);
    if (base.empty()) base = "user";
    if (!first.empty()) base += "." + first.substr(0, 1);
    std::string login = base;
    for (int n = 2; !logins_.insert(login).second; ++n) login = base + std::to_string(n);
    return login;
  }

  void finishPerson(Rng& rng, GeneratedPerson& p, bool phone, bool email, std::string address,
                    std::vector<std::pair<std::string, std::string>> extra) {
    p.login = newLogin(p);
    p.fields.clear();
    // Drawn for everyone so the random stream stays the same; the parent
    // card has no SNILS (SPEC §2), so only students and staff keep it.
    auto snils = newSnils(rng);
    if (p.kind != 'p') p.fields.emplace_back("snils", std::move(snils));
    if (phone) p.fields.emplace_back("phone", newPhone(rng));
    if (email) p.fields.emplace_back("email", p.login + "@example.ru");
    p.fields.emplace_back("residence_address", std::move(address));
    for (auto& field : extra) p.fields.push_back(std::move(field));
  }

  void emitPeople() {
    Rng rng = streamFor(spec_.seed, Stream::details);
    std::map<std::string, int> filesByLetter;
    for (std::size_t i : studentOrder_) {
      const Student& s = students_[i];
      GeneratedPerson p;
      p.ref = s.ref;
      p.kind = 's';
      p.surname = s.surname;
      p.firstName = s.firstName;
      p.patronymic = s.patronymic;
      p.birthDate = isoDate(s.birth);
      p.sex = s.male ? "male" : "female";

      const int health = rng.between(0, 199);
      const int group = health < 50 ? 1 : health < 166 ? 2 : health < 194 ? 3 : health < 198 ? 4 : 5;
      static constexpr std::string_view kHealthGroups[] = {"I", "II", "III", "IV", "V"};
      std::string pe = group == 1   ? "main"
                       : group == 2 ? (rng.percent(85) ? "main" : "preparatory")
                       : group == 3 ? (rng.percent(50) ? "preparatory" : "special")
                       : group == 4 ? "special"
                                    : "exempt";
      // Personal files are numbered by the first letter of the surname, as in
      // the school's alphabetical book.
      const std::string letter = p.surname.substr(0, static_cast<unsigned char>(p.surname[0]) < 0x80 ? 1 : 2);
      std::string file = letter + "-" + std::to_string(++filesByLetter[letter]);
      const int firstSeptember = daysFromCivil(spec_.academicYearStart - s.grade + 1, 9, 1);
      // Most came in grade 1; the rest transferred in later.
      const bool transferred = s.grade > 1 && rng.percent(15);
      const int enrolled = transferred ? rng.between(firstSeptember + 1, yearStart_ - 1) : firstSeptember;
      const int phonePercent = s.grade <= 2 ? 30 : s.grade <= 4 ? 60 : 92;
      finishPerson(rng, p, rng.percent(phonePercent), false, families_[s.family].address,
                   {{"health_group", std::string(kHealthGroups[group - 1])},
                    {"pe_group", pe},
                    {"personal_file_number", file},
                    {"enrolment_date", isoDate(enrolled)}});
      school_.people.push_back(std::move(p));
    }

    for (StaffMember& m : staff_) {
      GeneratedPerson p = m.person;
      finishPerson(rng, p, true, true, randomAddress(rng), m.person.fields);
      school_.people.push_back(std::move(p));
    }

    // Parents in the order of their families' first child in the lists.
    std::vector<std::size_t> familyOrder;
    std::vector<bool> seen(families_.size(), false);
    for (std::size_t i : studentOrder_) {
      const std::size_t f = students_[i].family;
      if (seen[f]) continue;
      seen[f] = true;
      familyOrder.push_back(f);
    }
    int parentNumber = 0;
    const int width = std::max<int>(4, static_cast<int>(std::to_string(std::max(0, spec_.parents)).size()));
    for (std::size_t f : familyOrder) {
      for (const Adult& a : families_[f].adults) {
        GeneratedPerson p;
        p.ref = "P";
        appendPadded(p.ref, ++parentNumber, width);
        p.kind = 'p';
        p.surname = a.surname;
        p.firstName = a.firstName;
        p.patronymic = a.patronymic;
        p.birthDate = isoDate(a.birth);
        p.sex = a.male ? "male" : "female";
        std::vector<std::pair<std::string, std::string>> work;
        if (rng.percent(88)) {
          const Job& job = rng.pick(kJobs);
          work = {{"workplace", std::string(job.workplace)}, {"position", std::string(job.position)}};
        }
        finishPerson(rng, p, true, rng.percent(85), families_[f].address, std::move(work));
        for (std::size_t child : families_[f].children) {
          school_.guardianships.push_back({p.ref, students_[child].ref, a.relationship});
        }
        school_.people.push_back(std::move(p));
      }
    }
  }

  enum class AdultShape { none, mother, father, motherAndFather, guardian };

  const SchoolSpec& spec_;
  const int yearStart_;  // 1 September of the academic year, in days
  GeneratedSchool school_;
  std::vector<Student> students_;
  std::vector<std::size_t> studentOrder_;
  std::vector<Family> families_;
  std::vector<AdultShape> adultShape_;
  std::vector<StaffMember> staff_;
  std::map<std::size_t, std::size_t> primaryTeacherOf_;
  std::map<std::size_t, std::vector<std::size_t>> teachersOfClass_;
  std::vector<const MaleName*> childMale_, adultMale_, elderMale_;
  std::vector<const FemaleName*> childFemale_, adultFemale_, elderFemale_;
  std::set<std::string> snils_, phones_, logins_;
};

// Decodes one UTF-8 sequence at s[i]; returns the code point (0 for an
// invalid byte) and advances i.
char32_t nextCodePoint(std::string_view s, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<char32_t>(static_cast<unsigned char>(s[k])); };
  const char32_t b0 = byte(i);
  std::size_t len = b0 < 0x80 ? 1 : (b0 & 0xE0) == 0xC0 ? 2 : (b0 & 0xF0) == 0xE0 ? 3 : (b0 & 0xF8) == 0xF0 ? 4 : 0;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return 0;
  }
  char32_t cp = len == 1 ? b0 : b0 & (0xFFU >> (len + 1));
  for (std::size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) {
      ++i;
      return 0;
    }
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  i += len;
  return cp;
}

// Lower-case Cyrillic а..я (U+0430..U+044F) or ё (U+0451) as an index
// 0..32 (ё = 6, after е), or -1.
int cyrillicIndex(char32_t cp) {
  if (cp >= 0x0410 && cp <= 0x042F) cp += 0x20;  // upper → lower
  if (cp == 0x0401) cp = 0x0451;
  if (cp == 0x0451) return 6;
  if (cp >= 0x0430 && cp <= 0x044F) {
    const int k = static_cast<int>(cp - 0x0430);
    return k < 6 ? k : k + 1;
  }
  return -1;
}

// а б в г д е ё ж з и й к л м н о п р с т у ф х ц ч ш щ ъ ы ь э ю я
constexpr std::string_view kLatin[33] = {"a", "b", "v",  "g",  "d",   "e", "yo", "zh", "z", "i",  "j",
                                         "k", "l", "m",  "n",  "o",   "p", "r",  "s",  "t", "u",  "f",
                                         "x", "",  "ch", "sh", "shh", "",  "y",  "",   "e", "yu", "ya"};
constexpr int kTse = 23;  // ц: "c" before е, и, ы, й; "cz" elsewhere

}  // namespace

std::string transliterate(std::string_view cyrillicUtf8) {
  std::string out;
  out.reserve(cyrillicUtf8.size());
  std::size_t i = 0;
  while (i < cyrillicUtf8.size()) {
    const char32_t cp = nextCodePoint(cyrillicUtf8, i);
    const int letter = cyrillicIndex(cp);
    if (letter == kTse) {
      std::size_t peek = i;
      const int following = peek < cyrillicUtf8.size() ? cyrillicIndex(nextCodePoint(cyrillicUtf8, peek)) : -1;
      // е, и, й, ы in the 33-letter index.
      out += following == 5 || following == 9 || following == 10 || following == 28 ? "c" : "cz";
    } else if (letter >= 0) {
      out += kLatin[letter];
    } else if (cp >= 'A' && cp <= 'Z') {
      out += static_cast<char>(cp - 'A' + 'a');
    } else if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || cp == '-' || cp == '.' || cp == '_') {
      out += static_cast<char>(cp);
    }
  }
  return out;
}

GeneratedSchool generateSchool(const SchoolSpec& spec) { return SchoolBuilder(spec).build(); }

}  // namespace parta::core
