#include "appliance/core/people_index.hpp"

#include <cppunit/extensions/HelperMacros.h>

namespace parta::core {

namespace {

PersonSummary person(PersonId id, PersonKind kind, std::string surname, std::string first, std::string patronymic) {
  PersonSummary p;
  p.id = id;
  p.kind = kind;
  p.surname = std::move(surname);
  p.firstName = std::move(first);
  p.patronymic = std::move(patronymic);
  return p;
}

// In listing order, as the database gives it.
PeopleIndex school() {
  return PeopleIndex(7, {
                            person(1, PersonKind::student, "Ёлкина-Петрова", "Анна", "Сергеевна"),
                            person(2, PersonKind::parent, "Елкин", "Пётр", "Ильич"),
                            person(3, PersonKind::staff, "Иванов", "Йосиф", ""),
                            person(4, PersonKind::student, "О'Коннор", "Фёдор", ""),
                            person(5, PersonKind::student, "Петров", "Илья", "Елисеевич"),
                            person(6, PersonKind::student, "Яковлева", "Олеся", "Петровна"),
                        });
}

std::string ids(const std::vector<PersonSummary>& people) {
  std::string out;
  for (const auto& p : people) out += std::to_string(p.id) + " ";
  return out;
}

std::string find(const std::string& text, std::optional<PersonKind> kind = {}, std::size_t limit = 50,
                 std::size_t offset = 0) {
  PeopleQuery q;
  q.text = text;
  q.kind = kind;
  q.limit = limit;
  q.offset = offset;
  return ids(school().search(q));
}

}  // namespace

class PeopleIndexTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PeopleIndexTest);
  CPPUNIT_TEST(foldingIsCaseAndYoInsensitiveOnly);
  CPPUNIT_TEST(prefixOfAnyNameColumnInListingOrder);
  CPPUNIT_TEST(kindLimitAndOffset);
  CPPUNIT_TEST(hyphensAndApostrophesAreLiteral);
  CPPUNIT_TEST_SUITE_END();

 public:
  void foldingIsCaseAndYoInsensitiveOnly() {
    CPPUNIT_ASSERT_EQUAL(foldForPrefix("елкина-петрова"), foldForPrefix("ЁЛКИНА-ПЕТРОВА"));
    CPPUNIT_ASSERT_EQUAL(foldForPrefix("федор"), foldForPrefix("ФЁДОР"));
    CPPUNIT_ASSERT_EQUAL(std::string("o'connor"), foldForPrefix("O'Connor"));
    // Й is its own letter in the collation the database uses.
    CPPUNIT_ASSERT(foldForPrefix("Йосиф") != foldForPrefix("Иосиф"));
    CPPUNIT_ASSERT(foldForPrefix("Ъ") != foldForPrefix("Ь"));
  }

  void prefixOfAnyNameColumnInListingOrder() {
    CPPUNIT_ASSERT_EQUAL(std::string("1 2 5 "), find("ел"));  // surnames with Ё and Е, a patronymic
    CPPUNIT_ASSERT_EQUAL(std::string("1 2 "), find("ЁЛК"));
    CPPUNIT_ASSERT_EQUAL(std::string("2 5 6 "), find("пёт"));  // Пётр, Петров, Петровна
    CPPUNIT_ASSERT_EQUAL(std::string("4 "), find("Фед"));
    CPPUNIT_ASSERT_EQUAL(std::string("3 "), find("Й"));
    CPPUNIT_ASSERT_EQUAL(std::string("2 3 5 "), find("и"));  // Ильич, Иванов, Илья; not Йосиф alone
    CPPUNIT_ASSERT_EQUAL(std::string("1 2 3 4 5 6 "), find(""));
    CPPUNIT_ASSERT_EQUAL(std::string(""), find("Сергеевна Анна"));
  }

  void kindLimitAndOffset() {
    CPPUNIT_ASSERT_EQUAL(std::string("1 4 5 6 "), find("", PersonKind::student));
    CPPUNIT_ASSERT_EQUAL(std::string("1 5 "), find("е", PersonKind::student));
    CPPUNIT_ASSERT_EQUAL(std::string("4 5 "), find("", PersonKind::student, 2, 1));
    CPPUNIT_ASSERT_EQUAL(std::string(""), find("", PersonKind::student, 2, 4));
    CPPUNIT_ASSERT_EQUAL(std::string("2 "), find("е", {}, 1, 1));
    CPPUNIT_ASSERT_EQUAL(std::size_t{6}, school().size());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{7}, school().generation());
  }

  void hyphensAndApostrophesAreLiteral() {
    CPPUNIT_ASSERT_EQUAL(std::string("1 "), find("Ёлкина-П"));
    CPPUNIT_ASSERT_EQUAL(std::string(""), find("ЁлкинаП"));
    CPPUNIT_ASSERT_EQUAL(std::string("4 "), find("О'К"));
    CPPUNIT_ASSERT_EQUAL(std::string(""), find("ОК"));
    CPPUNIT_ASSERT_EQUAL(std::string(""), find("%"));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PeopleIndexTest);

}  // namespace parta::core
