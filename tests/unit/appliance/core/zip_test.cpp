#include "appliance/core/zip.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include "appliance/core/csv.hpp"
#include "appliance/core/oneroster.hpp"
#include "appliance/core/xlsx.hpp"

namespace parta::core {

namespace {

std::uint32_t le16(const std::string& s, std::size_t at) {
  return static_cast<unsigned char>(s[at]) | (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 8);
}
std::uint32_t le32(const std::string& s, std::size_t at) { return le16(s, at) | (le16(s, at + 2) << 16); }

// Reads a stored archive back through its central directory, checking every
// signature, size and CRC on the way: name → content.
std::map<std::string, std::string> unzipStored(const std::string& zip) {
  const std::size_t end = zip.size() - 22;
  CPPUNIT_ASSERT_EQUAL(0x06054b50u, le32(zip, end));
  const auto count = le16(zip, end + 10);
  std::size_t at = le32(zip, end + 16);
  CPPUNIT_ASSERT_EQUAL(static_cast<std::uint32_t>(end - at), le32(zip, end + 12));
  std::map<std::string, std::string> out;
  for (std::uint32_t i = 0; i < count; ++i) {
    CPPUNIT_ASSERT_EQUAL(0x02014b50u, le32(zip, at));
    CPPUNIT_ASSERT_EQUAL(0x0800u, le16(zip, at + 8));  // UTF-8 names
    CPPUNIT_ASSERT_EQUAL(0u, le16(zip, at + 10));      // stored
    const auto crc = le32(zip, at + 16), size = le32(zip, at + 20), nameLength = le16(zip, at + 28);
    const auto local = le32(zip, at + 42);
    const std::string name = zip.substr(at + 46, nameLength);
    CPPUNIT_ASSERT_EQUAL(0x04034b50u, le32(zip, local));
    CPPUNIT_ASSERT_EQUAL(crc, le32(zip, local + 14));
    CPPUNIT_ASSERT_EQUAL(name, zip.substr(local + 30, le16(zip, local + 26)));
    const std::string content = zip.substr(local + 30 + nameLength + le16(zip, local + 28), size);
    CPPUNIT_ASSERT_EQUAL(crc, crc32(content));
    out[name] = content;
    at += 46 + nameLength;
  }
  return out;
}

std::string headerOf(const std::string& csv) { return csv.substr(0, csv.find("\r\n")); }

}  // namespace

class ZipTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ZipTest);
  CPPUNIT_TEST(crcMatchesTheStandardCheckValue);
  CPPUNIT_TEST(storedArchiveReadsBack);
  CPPUNIT_TEST_SUITE_END();

 public:
  void crcMatchesTheStandardCheckValue() {
    CPPUNIT_ASSERT_EQUAL(0xCBF43926u, crc32("123456789"));
    CPPUNIT_ASSERT_EQUAL(0u, crc32(""));
  }

  void storedArchiveReadsBack() {
    ZipWriter zip;
    zip.add("manifest.csv", "propertyName,value\r\n");
    zip.add("ёлка/О'Коннор.csv", "Ёлкина-Петрова,\"a,b\"\r\n");
    zip.add("empty.csv", "");
    auto files = unzipStored(zip.finish());
    CPPUNIT_ASSERT_EQUAL(std::size_t{3}, files.size());
    CPPUNIT_ASSERT_EQUAL(std::string("Ёлкина-Петрова,\"a,b\"\r\n"), files["ёлка/О'Коннор.csv"]);
    CPPUNIT_ASSERT_EQUAL(std::string(), files["empty.csv"]);
  }
};

class OneRosterTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(OneRosterTest);
  CPPUNIT_TEST(bundleHasTheFilesAndHeadersOfTheCsvBinding);
  CPPUNIT_TEST(personalDataLeavesOnlyWithConsent);
  CPPUNIT_TEST_SUITE_END();

  static std::vector<RegisterPerson> people() {
    RegisterPerson student;
    student.id = 10;
    student.ref = "S0001";
    student.kind = PersonKind::student;
    student.consent = true;
    student.values = {{"surname", "Ёлкина-Петрова"}, {"first_name", "Алёна"}, {"patronymic", "Сергеевна"},
                      {"birth_date", "2015-03-08"},  {"sex", "female"},       {"email", "alena@example.ru"}};
    student.className = "5А";
    RegisterPerson other = student;
    other.id = 11;
    other.ref = "S0002";
    other.consent = false;
    other.values["surname"] = "О'Коннор";
    other.values["email"] = "fedor@example.ru";
    RegisterPerson parent;
    parent.id = 20;
    parent.ref = "P0001";
    parent.kind = PersonKind::parent;
    parent.values = {{"surname", "Ёлкина-Петрова"}, {"first_name", "Ольга"}};
    parent.children = {{"S0001", "mother"}};
    return {student, other, parent};
  }
  static SchoolClasses classes() {
    SchoolClasses c;
    c.academicYear = 2026;
    c.byName["5А"] = ClassInfo{7, 2026, 5, "А", std::nullopt, 2};
    return c;
  }

 public:
  void bundleHasTheFilesAndHeadersOfTheCsvBinding() {
    auto files = unzipStored(oneRosterZip(OneRosterSchool{"school-1", "МБОУ «Школа № 1»"}, people(), classes()));
    std::vector<std::string> names;
    for (const auto& [name, content] : files) names.push_back(name);
    std::vector<std::string> expected{
        "academicSessions.csv", "classes.csv", "courses.csv", "demographics.csv", "enrollments.csv",
        "manifest.csv",         "orgs.csv",    "roles.csv",   "users.csv"};
    CPPUNIT_ASSERT(expected == names);
    CPPUNIT_ASSERT_EQUAL(
        std::string("sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,"
                    "identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,"
                    "resourceSourcedIds,preferredGivenName,preferredMiddleName,preferredFamilyName,"
                    "primaryOrgSourcedId,pronouns"),
        headerOf(files["users.csv"]));
    CPPUNIT_ASSERT_EQUAL(
        std::string("sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,"
                    "beginDate,endDate"),
        headerOf(files["enrollments.csv"]));
    CPPUNIT_ASSERT(files["manifest.csv"].find("oneroster.version,1.2\r\n") != std::string::npos);
    CPPUNIT_ASSERT(files["manifest.csv"].find("file.users,bulk\r\n") != std::string::npos);
    CPPUNIT_ASSERT(files["manifest.csv"].find("file.results,absent\r\n") != std::string::npos);
    CPPUNIT_ASSERT(files["classes.csv"].find("class-7,,,5А,05,course-2026-5,5А,homeroom,,school-1,year-2026") !=
                   std::string::npos);
    CPPUNIT_ASSERT(files["enrollments.csv"].find("enrollment-class-7-S0002,,,class-7,school-1,S0002,student") !=
                   std::string::npos);
    CPPUNIT_ASSERT(files["roles.csv"].find("role-P0001,,,P0001,primary,parent,,,school-1,") != std::string::npos);
    CPPUNIT_ASSERT(files["orgs.csv"].find("school-1,,,МБОУ «Школа № 1»,school,school-1,") != std::string::npos);
  }

  void personalDataLeavesOnlyWithConsent() {
    auto files = oneRosterFiles(OneRosterSchool{"school-1", "Школа"}, people(), classes());
    auto demographics = readCsv(files["demographics.csv"]);
    CPPUNIT_ASSERT_EQUAL(std::size_t{2}, demographics->size());  // header + S0001 only
    CPPUNIT_ASSERT_EQUAL(std::string("S0001"), (*demographics)[1].fields[0]);
    CPPUNIT_ASSERT_EQUAL(std::string("2015-03-08"), (*demographics)[1].fields[3]);
    CPPUNIT_ASSERT_EQUAL(std::string("female"), (*demographics)[1].fields[4]);
    const auto& users = files["users.csv"];
    CPPUNIT_ASSERT(users.find("alena@example.ru") != std::string::npos);
    CPPUNIT_ASSERT(users.find("fedor@example.ru") == std::string::npos);
    CPPUNIT_ASSERT(users.find("О'Коннор") != std::string::npos);  // names travel (rostering needs them)
    CPPUNIT_ASSERT(users.find("S0001,,,true,S0001,,Алёна,Ёлкина-Петрова,Сергеевна,S0001,alena@example.ru,,,P0001,05") !=
                   std::string::npos);
  }
};

class XlsxTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(XlsxTest);
  CPPUNIT_TEST(workbookHasThePartsExcelNeeds);
  CPPUNIT_TEST(cellsAreTypedEscapedAndAddressed);
  CPPUNIT_TEST(columnNamesRunPastZ);
  CPPUNIT_TEST_SUITE_END();

 public:
  void workbookHasThePartsExcelNeeds() {
    auto files = unzipStored(xlsxWorkbook("Контингент: 2026/11 [итог]*", {}));
    std::vector<std::string> names;
    for (const auto& [name, content] : files) names.push_back(name);
    const std::vector<std::string> expected{"[Content_Types].xml", "_rels/.rels", "xl/_rels/workbook.xml.rels",
                                            "xl/workbook.xml", "xl/worksheets/sheet1.xml"};
    CPPUNIT_ASSERT(expected == names);
    // The sheet name loses what Excel refuses and keeps at most 31 characters.
    CPPUNIT_ASSERT(files["xl/workbook.xml"].find("<sheet name=\"Контингент 202611 итог\"") != std::string::npos);
    CPPUNIT_ASSERT(files["[Content_Types].xml"].find("/xl/worksheets/sheet1.xml") != std::string::npos);
    CPPUNIT_ASSERT(files["xl/_rels/workbook.xml.rels"].find("Target=\"worksheets/sheet1.xml\"") != std::string::npos);
  }

  void cellsAreTypedEscapedAndAddressed() {
    const std::vector<XlsxRow> rows{
        {std::string("Узел"), std::string("Число")},
        {std::string("МБОУ «СОШ № 1» <Ёлкино> & д'Артаньян"), 23.0, XlsxCell{}, 0.9312},
    };
    const auto sheet = unzipStored(xlsxWorkbook("Отчёт", rows))["xl/worksheets/sheet1.xml"];
    CPPUNIT_ASSERT(sheet.find("<c r=\"A1\" t=\"inlineStr\"><is><t xml:space=\"preserve\">Узел</t></is></c>") !=
                   std::string::npos);
    CPPUNIT_ASSERT(sheet.find("МБОУ «СОШ № 1» &lt;Ёлкино&gt; &amp; д'Артаньян") != std::string::npos);
    CPPUNIT_ASSERT(sheet.find("<c r=\"B2\"><v>23</v></c>") != std::string::npos);
    CPPUNIT_ASSERT(sheet.find("C2") == std::string::npos);  // an empty cell is left out
    CPPUNIT_ASSERT(sheet.find("<c r=\"D2\"><v>0.9312</v></c>") != std::string::npos);
    CPPUNIT_ASSERT(sheet.find("<row r=\"2\">") != std::string::npos);
  }

  void columnNamesRunPastZ() {
    CPPUNIT_ASSERT_EQUAL(std::string("A"), xlsxColumnName(0));
    CPPUNIT_ASSERT_EQUAL(std::string("Z"), xlsxColumnName(25));
    CPPUNIT_ASSERT_EQUAL(std::string("AA"), xlsxColumnName(26));
    CPPUNIT_ASSERT_EQUAL(std::string("AZ"), xlsxColumnName(51));
    CPPUNIT_ASSERT_EQUAL(std::string("BA"), xlsxColumnName(52));
    CPPUNIT_ASSERT_EQUAL(std::string("ZZ"), xlsxColumnName(701));
    CPPUNIT_ASSERT_EQUAL(std::string("AAA"), xlsxColumnName(702));
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ZipTest);
CPPUNIT_TEST_SUITE_REGISTRATION(OneRosterTest);
CPPUNIT_TEST_SUITE_REGISTRATION(XlsxTest);

}  // namespace parta::core
