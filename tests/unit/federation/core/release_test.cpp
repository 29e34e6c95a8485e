#include "federation/core/release.hpp"

#include <cppunit/extensions/HelperMacros.h>

#include "federation/core/disclosure.hpp"

namespace parta::federation {

namespace {

// Arrivals by month and reason, Cyrillic values with a hyphen, an apostrophe and Ё.
ReleasedTable sample() {
  Table t;
  t.id = "arrivals";
  t.period = "2026-11";
  t.dimensions = {"month", "причина"};
  t.unit = "students";
  auto cell = [](std::string reason, std::int64_t n) {
    Cell c;
    c.key = {"2026-11", std::move(reason)};
    c.persons = c.count = n;
    return c;
  };
  t.cells = {cell("перевод из школы-интерната", 12), cell("переезд в д. Ёлкино", 2),
             cell("возвращение из-за рубежа (Кот-д'Ивуар)", 9), cell("прочее", 0)};
  auto r = protect(t, DisclosureRules{}, {}, Series::flow);
  CPPUNIT_ASSERT(r.ok());
  return *r;
}

}  // namespace

class ReleaseTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ReleaseTest);
  CPPUNIT_TEST(roundTripsCyrillicReleasesByteForByte);
  CPPUNIT_TEST(encodesTheSameReleaseToTheSameBytes);
  CPPUNIT_TEST(rejectsMalformedTextNamingTheLine);
  CPPUNIT_TEST(rejectsEveryTruncationAndEverySingleByteCorruptionCleanly);
  CPPUNIT_TEST_SUITE_END();

 public:
  void roundTripsCyrillicReleasesByteForByte() {
    auto r = sample();
    r.cells[0].measure = 0.9531;  // a measure travels too
    const auto text = encodeRelease(r);
    auto back = decodeRelease(text);
    CPPUNIT_ASSERT_MESSAGE(back.ok() ? "" : back.error().message, back.ok());
    CPPUNIT_ASSERT(*back == r);
    CPPUNIT_ASSERT_EQUAL(text, encodeRelease(*back));
    CPPUNIT_ASSERT(text.find("переезд в д. Ёлкино") != std::string::npos);
    CPPUNIT_ASSERT(text.find("Кот-д'Ивуар") != std::string::npos);
  }

  void encodesTheSameReleaseToTheSameBytes() {
    CPPUNIT_ASSERT_EQUAL(encodeRelease(sample()), encodeRelease(sample()));
    // Cell order in the computed table does not matter: the release is sorted.
    Table t;
    t.id = "contingent";
    t.period = "2026-11-23";
    t.dimensions = {"grade", "sex"};
    t.unit = "students";
    for (auto g : {"5", "6"})
      for (auto s : {"Ж", "М"}) t.cells.push_back(Cell{{g, s}, 20, 20, std::nullopt, std::nullopt});
    auto forward = protect(t, DisclosureRules{}, {});
    std::reverse(t.cells.begin(), t.cells.end());
    auto backward = protect(t, DisclosureRules{}, {});
    CPPUNIT_ASSERT_EQUAL(encodeRelease(*forward), encodeRelease(*backward));
  }

  void rejectsMalformedTextNamingTheLine() {
    const auto good = encodeRelease(sample());
    auto expect = [&](const std::string& from, const std::string& to, const std::string& message) {
      auto text = good;
      auto at = text.find(from);
      CPPUNIT_ASSERT_MESSAGE(from, at != std::string::npos);
      text.replace(at, from.size(), to);
      auto r = decodeRelease(text);
      CPPUNIT_ASSERT_MESSAGE(to, !r.ok());
      CPPUNIT_ASSERT_EQUAL(message, r.error().message);
    };
    expect("parta-release\t1", "parta-release\t2", "release line 1: unknown format version");
    expect("k\t5\n", "k\t05\n", "release line 6: k is not a number in 0..1000");
    expect("series\tflow", "series\tволна", "release line 5: series is neither stock nor flow");
    expect("\t2026-11\tпрочее", "\t2026-11\tпро\x01чее", "release line 15: причина is not clean UTF-8 text");
    expect("\t2026-11\tпрочее", "\t2026-11\t\xD0", "release line 15: причина is not clean UTF-8 text");
    expect("cells\t4", "cells\t5", "release line 16: expected \"cell\"");
    expect("margins\t6", "margins\t5", "release line 16: margins: expected 6");  // 4 reasons + month + total
    expect("\nend\n", "\nend\nmore\n", "release line 24: text after \"end\"");
    expect("12\t-\tnone", "12\t-\tprimary", "release line 13: count is given for a suppressed value");
    // Keys must ascend: put the last cell first.
    auto text = good;
    auto first = text.find("\ncell\t") + 1;
    auto last = text.rfind("\ncell\t") + 1;
    auto lastEnd = text.find('\n', last) + 1;
    auto moved = text.substr(last, lastEnd - last);
    text.erase(last, lastEnd - last);
    text.insert(first, moved);
    auto r = decodeRelease(text);
    CPPUNIT_ASSERT(!r.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("release line 13: cell keys are not in ascending order or repeat"),
                         r.error().message);
    CPPUNIT_ASSERT_EQUAL(std::string("release line 0: the release is larger than the limit"),
                         decodeRelease(std::string(kMaxReleaseBytes + 1, 'x')).error().message);
  }

  void rejectsEveryTruncationAndEverySingleByteCorruptionCleanly() {
    // No fuzzing setup in tests/ yet: every prefix and every byte flipped to
    // a few hostile values must decode to an error or to a release that
    // re-encodes to exactly the input (the parser accepts only canonical text).
    const auto good = encodeRelease(sample());
    for (std::size_t n = 0; n < good.size(); ++n) CPPUNIT_ASSERT(!decodeRelease(good.substr(0, n)).ok());
    for (std::size_t i = 0; i < good.size(); ++i) {
      for (char c : {'\0', '\t', '\n', '-', '9', '\xFF', 'A'}) {
        auto text = good;
        text[i] = c;
        auto r = decodeRelease(text);
        if (r.ok()) CPPUNIT_ASSERT_EQUAL(text, encodeRelease(*r));
      }
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(ReleaseTest);

}  // namespace parta::federation
