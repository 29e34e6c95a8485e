#include "appliance/core/csv.hpp"

#include <cppunit/extensions/HelperMacros.h>

namespace parta::core {

class CsvTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(CsvTest);
  CPPUNIT_TEST(readsQuotedFieldsWithCommasQuotesAndLineBreaks);
  CPPUNIT_TEST(countsPhysicalLinesAcrossQuotedLineBreaks);
  CPPUNIT_TEST(skipsBomAndBlankLinesAndAcceptsEveryLineEnding);
  CPPUNIT_TEST(reportsMalformedQuotingWithItsLine);
  CPPUNIT_TEST(limitsTheNumberOfRecords);
  CPPUNIT_TEST(writerQuotesAndGuardsFormulas);
  CPPUNIT_TEST(writtenRecordsReadBack);
  CPPUNIT_TEST_SUITE_END();

 public:
  void readsQuotedFieldsWithCommasQuotesAndLineBreaks() {
    auto r = readCsv(
        "ref,surname,residence_address\r\n"
        "S0001,О'Коннор,\"г. Самара, ул. Ленина, д. 1\"\r\n"
        "S0002,\"Ёлкина-Петрова\",\"кв. \"\"Северная\"\"\nподъезд 2\"\r\n");
    CPPUNIT_ASSERT(r.ok());
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, r->size());
    CPPUNIT_ASSERT_EQUAL(std::string("О'Коннор"), (*r)[1].fields[1]);
    CPPUNIT_ASSERT_EQUAL(std::string("г. Самара, ул. Ленина, д. 1"), (*r)[1].fields[2]);
    CPPUNIT_ASSERT_EQUAL(std::string("Ёлкина-Петрова"), (*r)[2].fields[1]);
    CPPUNIT_ASSERT_EQUAL(std::string("кв. \"Северная\"\nподъезд 2"), (*r)[2].fields[2]);
  }

  void countsPhysicalLinesAcrossQuotedLineBreaks() {
    auto r = readCsv("a,b\n\"x\ny\nz\",1\nlast,2\n");
    CPPUNIT_ASSERT(r.ok());
    CPPUNIT_ASSERT_EQUAL(std::size_t{1}, (*r)[0].line);
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, (*r)[1].line);
    CPPUNIT_ASSERT_EQUAL(std::size_t{5}, (*r)[2].line);  // the quoted field took lines 2 to 4
  }

  void skipsBomAndBlankLinesAndAcceptsEveryLineEnding() {
    auto r = readCsv("\xEF\xBB\xBFkind,ref\r\n\r\nstudent,S1\rparent,P1\nstaff,T1");
    CPPUNIT_ASSERT(r.ok());
    CPPUNIT_ASSERT_EQUAL(std::size_t{4}, r->size());
    CPPUNIT_ASSERT_EQUAL(std::string("kind"), (*r)[0].fields[0]);  // no BOM left in the first name
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, (*r)[1].line);
    CPPUNIT_ASSERT_EQUAL(std::string("T1"), (*r)[3].fields[1]);
    auto empty = readCsv("a,,\n");
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, (*empty)[0].fields.size());
  }

  void reportsMalformedQuotingWithItsLine() {
    CPPUNIT_ASSERT_EQUAL(std::string("line 2: a quote inside an unquoted field"),
                         readCsv("a,b\nЁж\"ик,1\n").error().message);
    CPPUNIT_ASSERT_EQUAL(std::string("line 3: a quoted field is not closed"),
                         readCsv("a\nb\n\"open\nstill open\n").error().message);
    CPPUNIT_ASSERT_EQUAL(std::string("line 1: characters after a closing quote"),
                         readCsv("\"Д'Артаньян\"x,1\n").error().message);
  }

  void limitsTheNumberOfRecords() {
    CPPUNIT_ASSERT(readCsv("a\nb\nc\n", 3).ok());
    CPPUNIT_ASSERT_EQUAL(std::string("line 4: more than 3 records"), readCsv("a\nb\nc\nd\n", 3).error().message);
  }

  void writerQuotesAndGuardsFormulas() {
    CPPUNIT_ASSERT_EQUAL(std::string("Ёлкин"), csvField("Ёлкин"));
    CPPUNIT_ASSERT_EQUAL(std::string("\"a,b\""), csvField("a,b"));
    CPPUNIT_ASSERT_EQUAL(std::string("\"say \"\"hi\"\"\""), csvField("say \"hi\""));
    CPPUNIT_ASSERT_EQUAL(std::string("'=SUM(A1)"), csvField("=SUM(A1)"));
    CPPUNIT_ASSERT_EQUAL(std::string("\"'=HYPERLINK(\"\"x\"\",1)\""), csvField("=HYPERLINK(\"x\",1)"));
    CPPUNIT_ASSERT_EQUAL(std::string("+79123456789"), csvRawField("+79123456789"));
    CPPUNIT_ASSERT_EQUAL(std::string_view("+79123456789"), unguardCsvValue("'+79123456789"));
    CPPUNIT_ASSERT_EQUAL(std::string_view("'Анна"), unguardCsvValue("'Анна"));  // not a guard
  }

  void writtenRecordsReadBack() {
    const std::vector<std::string> fields{"О'Коннор", "a,b", "line\nbreak", "\"q\"", "", "-5"};
    std::string text;
    appendCsvRecord(text, fields, true);
    auto r = readCsv(text);
    CPPUNIT_ASSERT(r.ok());
    CPPUNIT_ASSERT_EQUAL(fields.size(), (*r)[0].fields.size());
    for (std::size_t i = 0; i < fields.size(); ++i)
      CPPUNIT_ASSERT_EQUAL(fields[i], std::string(unguardCsvValue((*r)[0].fields[i])));
    // A record of one empty field is not a blank line (readers skip those).
    std::string lone;
    appendCsvRecord(lone, {""});
    appendCsvRecord(lone, {"Ёлкина"});
    auto both = readCsv(lone);
    CPPUNIT_ASSERT(both.ok());
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, both->size());
    CPPUNIT_ASSERT((*both)[0].fields == std::vector<std::string>{""});
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(CsvTest);

}  // namespace parta::core
