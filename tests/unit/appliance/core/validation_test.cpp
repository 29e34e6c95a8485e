#include "appliance/core/validation.hpp"

#include <cppunit/extensions/HelperMacros.h>

namespace parta::core {

namespace {

// The canonical form, or the error message if there is none (so a failing
// assertion shows why).
std::string valueOf(const Result<std::string>& r) { return r ? r.value() : "error: " + r.error().message; }

bool refused(const Result<std::string>& r) { return !r.ok() && r.error().code == ErrorCode::invalid_argument; }

}  // namespace

class ValidationTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ValidationTest);
  CPPUNIT_TEST(utf8IsStrict);
  CPPUNIT_TEST(snilsIsCanonicalised);
  CPPUNIT_TEST(snilsChecksumIsEnforced);
  CPPUNIT_TEST(snilsCheckNumberCanBeZeroZero);
  CPPUNIT_TEST(earlySnilsIsNotChecksummed);
  CPPUNIT_TEST(snilsShapeIsChecked);
  CPPUNIT_TEST(organisationInnIsChecked);
  CPPUNIT_TEST(personInnIsChecked);
  CPPUNIT_TEST(russianPhonesInUsualShapes);
  CPPUNIT_TEST(internationalPhones);
  CPPUNIT_TEST(badPhonesAreRefused);
  CPPUNIT_TEST(datesInBothShapes);
  CPPUNIT_TEST(impossibleDatesAreRefused);
  CPPUNIT_TEST(emailsLowerCaseOnlyTheDomain);
  CPPUNIT_TEST(badEmailsAreRefused);
  CPPUNIT_TEST(namesKeepYoAndNormaliseApostrophes);
  CPPUNIT_TEST(namesAreTrimmedAndComposed);
  CPPUNIT_TEST(badNamesAreRefused);
  CPPUNIT_TEST(messagesDoNotEchoTheValue);
  CPPUNIT_TEST_SUITE_END();

 public:
  void utf8IsStrict() {
    CPPUNIT_ASSERT(isValidUtf8(""));
    CPPUNIT_ASSERT(isValidUtf8("Ёлкина"));
    CPPUNIT_ASSERT(isValidUtf8("\xF0\x9F\x98\x80"));   // U+1F600
    CPPUNIT_ASSERT(!isValidUtf8("\xff"));              // never a UTF-8 byte
    CPPUNIT_ASSERT(!isValidUtf8("\xC0\xAF"));          // overlong '/'
    CPPUNIT_ASSERT(!isValidUtf8("\xE0\x80\xAF"));      // overlong '/'
    CPPUNIT_ASSERT(!isValidUtf8("\xED\xA0\x80"));      // surrogate U+D800
    CPPUNIT_ASSERT(!isValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
    CPPUNIT_ASSERT(!isValidUtf8("\xD0"));              // truncated Cyrillic
    CPPUNIT_ASSERT(!isValidUtf8("\xD0\x41"));          // bad continuation
  }

  void snilsIsCanonicalised() {
    CPPUNIT_ASSERT_EQUAL(std::string("112-233-445 95"), valueOf(normalizeSnils("112-233-445 95")));
    CPPUNIT_ASSERT_EQUAL(std::string("112-233-445 95"), valueOf(normalizeSnils("11223344595")));
    CPPUNIT_ASSERT_EQUAL(std::string("112-233-445 95"), valueOf(normalizeSnils(" 112 233 445 95 ")));
    CPPUNIT_ASSERT_EQUAL(std::string("123-456-789 64"), valueOf(normalizeSnils("123-456-789-64")));
  }

  void snilsChecksumIsEnforced() {
    CPPUNIT_ASSERT(refused(normalizeSnils("112-233-445 96")));
    CPPUNIT_ASSERT(refused(normalizeSnils("112-233-454 95")));  // transposed digits
    // Sum 165 > 101: 165 mod 101 = 64.
    CPPUNIT_ASSERT(refused(normalizeSnils("123-456-789 65")));
    // A run of three identical digits is not grounds for refusal.
    CPPUNIT_ASSERT_EQUAL(std::string("555-555-555 23"), valueOf(normalizeSnils("555-555-555 23")));
  }

  void snilsCheckNumberCanBeZeroZero() {
    // Weighted sums 100, 101 and 201 (201 mod 101 = 100) all give 00.
    CPPUNIT_ASSERT_EQUAL(std::string("050-234-316 00"), valueOf(normalizeSnils("05023431600")));
    CPPUNIT_ASSERT_EQUAL(std::string("016-103-396 00"), valueOf(normalizeSnils("01610339600")));
    CPPUNIT_ASSERT_EQUAL(std::string("820-981-233 00"), valueOf(normalizeSnils("82098123300")));
    CPPUNIT_ASSERT(refused(normalizeSnils("050-234-316 100")));
    CPPUNIT_ASSERT(refused(normalizeSnils("820-981-233 01")));
  }

  void earlySnilsIsNotChecksummed() {
    CPPUNIT_ASSERT_EQUAL(std::string("001-001-998 00"), valueOf(normalizeSnils("001-001-998 00")));
    CPPUNIT_ASSERT_EQUAL(std::string("000-000-123 77"), valueOf(normalizeSnils("000-000-123 77")));
    // The first number after the limit is checked: its sum is 65.
    CPPUNIT_ASSERT(refused(normalizeSnils("001-001-999 00")));
    CPPUNIT_ASSERT_EQUAL(std::string("001-001-999 65"), valueOf(normalizeSnils("001-001-999 65")));
    CPPUNIT_ASSERT(refused(normalizeSnils("000-000-000 00")));
  }

  void snilsShapeIsChecked() {
    CPPUNIT_ASSERT(refused(normalizeSnils("")));
    CPPUNIT_ASSERT(refused(normalizeSnils("112-233-445 9")));
    CPPUNIT_ASSERT(refused(normalizeSnils("112-233-445 955")));
    CPPUNIT_ASSERT(refused(normalizeSnils("112/233/445 95")));
    CPPUNIT_ASSERT(refused(normalizeSnils("112-233-445 9O")));  // letter O
  }

  void organisationInnIsChecked() {
    CPPUNIT_ASSERT_EQUAL(std::string("7707083893"), valueOf(normalizeInn("7707083893")));  // Sberbank
    CPPUNIT_ASSERT_EQUAL(std::string("7707083893"), valueOf(normalizeInn(" 7707 083 893 ")));
    CPPUNIT_ASSERT(refused(normalizeInn("7707083894")));
    CPPUNIT_ASSERT(refused(normalizeInn("7707083839")));
    CPPUNIT_ASSERT(refused(normalizeInn("770708389")));
    CPPUNIT_ASSERT(refused(normalizeInn("0000000000")));
    CPPUNIT_ASSERT(refused(normalizeInn("7707-083893")));
  }

  void personInnIsChecked() {
    CPPUNIT_ASSERT_EQUAL(std::string("500100732259"), valueOf(normalizeInn("500100732259")));
    CPPUNIT_ASSERT(refused(normalizeInn("500100732258")));  // 12th digit wrong
    CPPUNIT_ASSERT(refused(normalizeInn("500100732249")));  // 11th digit wrong
    CPPUNIT_ASSERT(refused(normalizeInn("50010073225")));
    CPPUNIT_ASSERT(refused(normalizeInn("5001007322590")));
    CPPUNIT_ASSERT(refused(normalizeInn("000000000000")));
  }

  void russianPhonesInUsualShapes() {
    const std::string canonical = "+79123456789";
    for (const char* shape : {"+7 (912) 345-67-89", "8 912 345 67 89", "9123456789", "89123456789", "+79123456789",
                              "7 912 345-67-89", "8(912)345-67-89", "+7.912.345.67.89"}) {
      CPPUNIT_ASSERT_EQUAL_MESSAGE(shape, canonical, valueOf(normalizePhone(shape)));
    }
    // A landline with a four-digit area code (Tyumen).
    CPPUNIT_ASSERT_EQUAL(std::string("+73452123456"), valueOf(normalizePhone("8 (3452) 12-34-56")));
  }

  void internationalPhones() {
    CPPUNIT_ASSERT_EQUAL(std::string("+375291234567"), valueOf(normalizePhone("+375 29 123-45-67")));  // Belarus
    CPPUNIT_ASSERT_EQUAL(std::string("+4930123456"), valueOf(normalizePhone("+49 30 123456")));
    CPPUNIT_ASSERT_EQUAL(std::string("+12345678"), valueOf(normalizePhone("+1 234 5678")));              // 8 digits
    CPPUNIT_ASSERT_EQUAL(std::string("+123456789012345"), valueOf(normalizePhone("+123456789012345")));  // 15
  }

  void badPhonesAreRefused() {
    for (const char* bad : {"", "+", "12345", "+1234567", "+1234567890123456", "+7 912 345 67 8", "+7 912 345 67 890",
                            "912345678", "8 012 345 67 89", "0123456789", "+0 123 456 789", "+7 912 345 67 89 доб. 1",
                            "9123456789#", "++79123456789"}) {
      CPPUNIT_ASSERT_MESSAGE(bad, refused(normalizePhone(bad)));
    }
  }

  void datesInBothShapes() {
    CPPUNIT_ASSERT_EQUAL(std::string("2024-02-29"), valueOf(normalizeDate("2024-02-29")));
    CPPUNIT_ASSERT_EQUAL(std::string("2024-02-29"), valueOf(normalizeDate("29.02.2024")));
    CPPUNIT_ASSERT_EQUAL(std::string("2000-02-29"), valueOf(normalizeDate("29.02.2000")));  // divisible by 400
    CPPUNIT_ASSERT_EQUAL(std::string("1900-01-01"), valueOf(normalizeDate("1900-01-01")));
    CPPUNIT_ASSERT_EQUAL(std::string("2100-12-31"), valueOf(normalizeDate("31.12.2100")));
    CPPUNIT_ASSERT_EQUAL(std::string("2020-04-30"), valueOf(normalizeDate(" 30.04.2020 ")));
  }

  void impossibleDatesAreRefused() {
    for (const char* bad :
         {"2023-02-29", "1900-02-29", "31.04.2020", "2020-1-1", "1.1.2020", "2020-13-01", "2020-00-10", "2020-01-00",
          "1899-12-31", "2101-01-01", "2020/01/01", "01-01-2020", "2020-01-01T00:00", "", "２０２０-01-01"}) {
      CPPUNIT_ASSERT_MESSAGE(bad, refused(normalizeDate(bad)));
    }
  }

  void emailsLowerCaseOnlyTheDomain() {
    CPPUNIT_ASSERT_EQUAL(std::string("Ivan.Petrov@school1.example.ru"),
                         valueOf(normalizeEmail(" Ivan.Petrov@School1.Example.RU ")));
    CPPUNIT_ASSERT_EQUAL(std::string("a+b@mail.ru"), valueOf(normalizeEmail("a+b@mail.ru")));
    CPPUNIT_ASSERT_EQUAL(std::string("директор@школа.рф"), valueOf(normalizeEmail("директор@школа.рф")));
  }

  void badEmailsAreRefused() {
    const std::string longLocal(65, 'a');
    const std::string tooLong = "a@" + std::string(250, 'b') + ".ru";
    for (const std::string& bad :
         {std::string(""), std::string("ivan"), std::string("@mail.ru"), std::string("ivan@"), std::string("ivan@mail"),
          std::string("ivan@@mail.ru"), std::string("ivan@a@mail.ru"), std::string("ivan petrov@mail.ru"),
          std::string("ivan@.mail.ru"), std::string("ivan@mail.ru."), std::string("ivan@mail..ru"),
          std::string("iv\tan@mail.ru"), std::string("ivan@mail.ru\x01"), std::string("iv\xffn@mail.ru"),
          longLocal + "@mail.ru", tooLong}) {
      CPPUNIT_ASSERT_MESSAGE(bad, refused(normalizeEmail(bad)));
    }
  }

  void namesKeepYoAndNormaliseApostrophes() {
    CPPUNIT_ASSERT_EQUAL(std::string("Ёлкина-Петрова"), valueOf(normalizePersonName("Ёлкина-Петрова")));
    CPPUNIT_ASSERT_EQUAL(std::string("Пётр"), valueOf(normalizePersonName("Пётр")));
    CPPUNIT_ASSERT_EQUAL(std::string("Д'Артаньян"), valueOf(normalizePersonName("Д’Артаньян")));         // U+2019
    CPPUNIT_ASSERT_EQUAL(std::string("Д'Артаньян"), valueOf(normalizePersonName("Д\xCA\xBCАртаньян")));  // U+02BC
    CPPUNIT_ASSERT_EQUAL(std::string("О'Нил"), valueOf(normalizePersonName("О'Нил")));
    CPPUNIT_ASSERT_EQUAL(std::string("O'Neill"), valueOf(normalizePersonName("O'Neill")));
    CPPUNIT_ASSERT_EQUAL(std::string("Гарипова"), valueOf(normalizePersonName("Гарипова")));
    CPPUNIT_ASSERT_EQUAL(std::string("Гөлнара"), valueOf(normalizePersonName("Гөлнара")));  // Tatar ө
    CPPUNIT_ASSERT_EQUAL(std::string("Müller"), valueOf(normalizePersonName("Müller")));
    CPPUNIT_ASSERT_EQUAL(std::string("Мария Луиза"), valueOf(normalizePersonName("Мария Луиза")));
  }

  void namesAreTrimmedAndComposed() {
    CPPUNIT_ASSERT_EQUAL(std::string("Мария Луиза"), valueOf(normalizePersonName("  Мария \t  Луиза\n")));
    CPPUNIT_ASSERT_EQUAL(std::string("Мария Луиза"), valueOf(normalizePersonName("Мария\xC2\xA0Луиза")));  // NBSP
    // "Е" + U+0308 and "и" + U+0306, as some keyboards and PDFs give them.
    CPPUNIT_ASSERT_EQUAL(std::string("Ёлкин"), valueOf(normalizePersonName("Е\xCC\x88лкин")));
    CPPUNIT_ASSERT_EQUAL(std::string("Андрей"), valueOf(normalizePersonName("Андреи\xCC\x86")));
    const std::string hundred(200, 'a');  // 200 bytes, 200 characters
    CPPUNIT_ASSERT(refused(normalizePersonName(hundred)));
    std::string cyrillic100;
    for (int i = 0; i < 100; ++i) cyrillic100 += "я";  // 200 bytes, 100 characters
    CPPUNIT_ASSERT_EQUAL(cyrillic100, valueOf(normalizePersonName(cyrillic100)));
    CPPUNIT_ASSERT(refused(normalizePersonName(cyrillic100 + "я")));
  }

  void badNamesAreRefused() {
    for (const char* bad :
         {"", "   ", "Иван2", "\xff", "Ив\xD0", "Иван!", "Иван.", "И. И.", "-Иван", "Иван-", "'Иван",
          "Ивано--Франковск", "Анна- Мария", "Иван_Петров", "Иван\x01", "😀", "Иван\xCC\x88", "\xCC\x88"}) {
      CPPUNIT_ASSERT_MESSAGE(bad, refused(normalizePersonName(bad)));
    }
  }

  void messagesDoNotEchoTheValue() {
    const auto r = normalizeSnils("123-456-789 65");
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT(r.error().message.find("123") == std::string::npos);
    CPPUNIT_ASSERT(r.error().message.find("snils") == std::string::npos);  // the caller names the field
    const auto e = normalizeEmail("secret person@mail.ru");
    CPPUNIT_ASSERT(!e.ok());
    CPPUNIT_ASSERT(e.error().message.find("secret") == std::string::npos);
    const auto n = normalizePersonName("Иван2");
    CPPUNIT_ASSERT(!n.ok());
    CPPUNIT_ASSERT(n.error().message.find("Иван") == std::string::npos);
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ValidationTest);

}  // namespace parta::core
