#include "federation/core/catalogue.hpp"

#include <set>

#include <cppunit/extensions/HelperMacros.h>

namespace parta::federation {

namespace {

// The catalogue body of a one-table catalogue, with `replace` applied to
// line `line` (1-based) when it is given.
std::string body(std::size_t line = 0, const std::string& replace = {}) {
  const std::vector<std::string> lines = {
      "parta-catalogue\t1",
      "version\t7",
      "table\tcontingent",
      "title\tКонтингент «Ёлочка» д'Арк\tStudents enrolled",
      "unit\tstudents",
      "period\tday",
      "levels\tmunicipal,regional",
      "measure\tnone",
      "dimension\tgrade\tПараллель\tGrade",
      "dimension\tsex\tПол\tSex",
      "end",
  };
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) out += (i + 1 == line ? replace : lines[i]) + "\n";
  return out;
}

}  // namespace

class CatalogueTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CatalogueTest);
  CPPUNIT_TEST(defaultCatalogueHasTheIssuesTables);
  CPPUNIT_TEST(roundTripIsExactWithCyrillicTitles);
  CPPUNIT_TEST(encodingIsCanonical);
  CPPUNIT_TEST(malformedInputIsRefusedNamingTheLineAndField);
  CPPUNIT_TEST(invalidCatalogueIsNotEncoded);
  CPPUNIT_TEST(periodsOfEachKind);
  CPPUNIT_TEST_SUITE_END();

 public:
  void defaultCatalogueHasTheIssuesTables() {
    const auto& c = defaultCatalogue();
    CPPUNIT_ASSERT(validate(c).ok());
    for (const char* id : {"contingent", "classes", "attendance", "marks", "mark_quality", "final_marks", "staff",
                           "movements", "journal_completeness"})
      CPPUNIT_ASSERT_MESSAGE(id, c.find(id) != nullptr);
    const auto* contingent = c.find("contingent");
    std::vector<std::string> dims;
    for (const auto& d : contingent->dimensions) dims.push_back(d.id);
    CPPUNIT_ASSERT(dims == (std::vector<std::string>{"grade", "sex", "age_band"}));
    CPPUNIT_ASSERT(c.find("attendance")->measure.kind == MeasureKind::rate);
    CPPUNIT_ASSERT(c.find("attendance")->periodKind == PeriodKind::month);
    // Journal keeping is never per teacher: no dimension names a person.
    for (const auto& t : c.tables)
      for (const auto& d : t.dimensions) {
        CPPUNIT_ASSERT(d.id != "teacher" && d.id != "staff" && d.id != "student" && d.id != "person");
      }
  }

  void roundTripIsExactWithCyrillicTitles() {
    auto text = encodeCatalogue(defaultCatalogue());
    CPPUNIT_ASSERT(text.ok());
    CPPUNIT_ASSERT(text->find("Контингент обучающихся\tStudents enrolled\n") != std::string::npos);
    auto back = decodeCatalogue(*text);
    CPPUNIT_ASSERT_MESSAGE(back ? "" : back.error().message, back.ok());
    CPPUNIT_ASSERT(*back == defaultCatalogue());

    auto one = decodeCatalogue(body());
    CPPUNIT_ASSERT_MESSAGE(one ? "" : one.error().message, one.ok());
    CPPUNIT_ASSERT_EQUAL(std::uint64_t{7}, one->version);
    CPPUNIT_ASSERT_EQUAL(std::string("Контингент «Ёлочка» д'Арк"), one->tables.at(0).titleRu);
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, one->tables.at(0).dimensions.size());
    CPPUNIT_ASSERT_EQUAL(body(), *encodeCatalogue(*one));
  }

  void encodingIsCanonical() {
    // The same catalogue encodes to the same bytes, and a changed title
    // changes them: the signature covers every word.
    Catalogue c = defaultCatalogue();
    CPPUNIT_ASSERT_EQUAL(*encodeCatalogue(c), *encodeCatalogue(defaultCatalogue()));
    c.tables[0].dimensions[0].titleRu = "Класс";
    CPPUNIT_ASSERT(*encodeCatalogue(c) != *encodeCatalogue(defaultCatalogue()));
    c = defaultCatalogue();
    c.version = 2;
    CPPUNIT_ASSERT(encodeCatalogue(c)->starts_with("parta-catalogue\t1\nversion\t2\n"));
  }

  void malformedInputIsRefusedNamingTheLineAndField() {
    const auto refused = [](const std::string& text, const std::string& expected) {
      auto r = decodeCatalogue(text);
      CPPUNIT_ASSERT_MESSAGE(text, !r.ok());
      CPPUNIT_ASSERT_MESSAGE(r.error().message + " | expected: " + expected,
                             r.error().message.find(expected) != std::string::npos);
      CPPUNIT_ASSERT(r.error().code == core::ErrorCode::invalid_argument);
    };
    refused(body(1, "parta-catalogue\t2"), "line 1: parta-catalogue: unknown format");
    refused(body(2, "version\t07"), "line 2: version");
    refused(body(2, "version\tseven"), "line 2: version");
    refused(body(3, "table\tКонтингент"), "line 3: table: id");
    refused(body(4, "title\tКонтингент"), "line 4: title: wrong number of fields");
    refused(body(4, "title\t\tStudents"), "line 4: title: field 1 is empty");
    refused(body(4, "title\tКонтингент \tStudents"), "line 4: title");
    refused(body(5, "units\tstudents"), "line 5: unit: expected here, found 'units'");
    refused(body(6, "period\tweek"), "line 6: period");
    refused(body(7, "levels\tregional,municipal"), "line 7: levels");
    refused(body(8, "measure\trate"), "line 8: measure: rate and mean need titles");
    refused(body(8, "measure\tnone\tДоля\tShare"), "line 8: measure: none takes no titles");
    refused(body(10, "dimension\tgrade\tПол\tSex"), "line 10: dimension: id grade repeats");
    refused(body(11, "fin"), "line 11: end: expected here");
    refused(body(9, "dimension\tgrade\tПарал\x01лель\tGrade"), "line 9: dimension");
    refused(body() + "table\tcontingent\n", "line 12: table: id contingent repeats");
    refused(body().substr(0, body().size() - 1), "line 11: line: does not end with a line feed");
    refused(body().substr(0, body().size() - 4), "line 11: end: missing");
    refused(body() + "table\tstaff\n", "line 13: title: missing");
    // A CR (a file saved on Windows) is not quietly accepted.
    std::string crlf = body();
    crlf.insert(crlf.find('\n'), "\r");
    refused(crlf, "line 1");
    refused("", "line 1: parta-catalogue: missing");
  }

  void invalidCatalogueIsNotEncoded() {
    Catalogue c = defaultCatalogue();
    c.tables[1].id = c.tables[0].id;
    auto r = encodeCatalogue(c);
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(r.error().message.find("contingent: id: repeats") != std::string::npos);
    c = defaultCatalogue();
    c.tables[2].titleEn = "Two\tcolumns";
    CPPUNIT_ASSERT(!encodeCatalogue(c).ok());
    c = defaultCatalogue();
    c.tables[2].levels = 0;
    CPPUNIT_ASSERT(!encodeCatalogue(c).ok());
  }

  void periodsOfEachKind() {
    auto day = parsePeriod(PeriodKind::day, "2026-11-23");
    CPPUNIT_ASSERT(day.ok());
    CPPUNIT_ASSERT_EQUAL(2026, day->schoolYear);
    CPPUNIT_ASSERT_EQUAL(2025, parsePeriod(PeriodKind::day, "2026-05-25")->schoolYear);
    CPPUNIT_ASSERT(!parsePeriod(PeriodKind::day, "2026-02-30").ok());
    CPPUNIT_ASSERT(!parsePeriod(PeriodKind::day, "2026-11").ok());
    auto month = parsePeriod(PeriodKind::month, "2027-02");
    CPPUNIT_ASSERT(month.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("2027-02-01"), month->from);
    CPPUNIT_ASSERT_EQUAL(std::string("2027-02-28"), month->to);
    CPPUNIT_ASSERT_EQUAL(2026, month->schoolYear);
    CPPUNIT_ASSERT(!parsePeriod(PeriodKind::month, "2027-13").ok());
    auto sp = parsePeriod(PeriodKind::study_period, "2026-2027/2");
    CPPUNIT_ASSERT(sp.ok());
    CPPUNIT_ASSERT_EQUAL(2026, sp->schoolYear);
    CPPUNIT_ASSERT_EQUAL(2, sp->number);
    CPPUNIT_ASSERT_EQUAL(std::string("2027-08-31"), parsePeriod(PeriodKind::study_period, "2026-2027/0")->to);
    CPPUNIT_ASSERT(!parsePeriod(PeriodKind::study_period, "2026-2028/1").ok());
    CPPUNIT_ASSERT(!parsePeriod(PeriodKind::study_period, "2026-2027/5").ok());
    auto year = parsePeriod(PeriodKind::year, "2026-2027");
    CPPUNIT_ASSERT(year.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("2026-09-01"), year->from);
    auto wrong = parsePeriod(PeriodKind::year, "2026");
    CPPUNIT_ASSERT(!wrong.ok());
    CPPUNIT_ASSERT(wrong.error().message.find("period '2026'") != std::string::npos);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CatalogueTest);

}  // namespace parta::federation
