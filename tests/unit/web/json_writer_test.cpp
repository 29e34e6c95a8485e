#include "web/json_writer.hpp"

#include <cppunit/TestFixture.h>
#include <cppunit/extensions/HelperMacros.h>
#include <nlohmann/json.hpp>

namespace parta::web {

using json = nlohmann::json;

// The writer must produce what nlohmann::json would for the same values:
// the diary's shape is the API's, whichever way it is written.
class JsonWriterTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(JsonWriterTest);
  CPPUNIT_TEST(nestedValuesParseBackToTheSameDocument);
  CPPUNIT_TEST(stringsAreEscapedAsNlohmannDoes);
  CPPUNIT_TEST(invalidUtf8IsReplacedNotPassedThrough);
  CPPUNIT_TEST_SUITE_END();

 public:
  void nestedValuesParseBackToTheSameDocument() {
    JsonWriter w;
    w.beginObject().member("id", std::uint64_t{18446744073709551615u}).member("n", -42).member("ok", true);
    w.key("empty").beginArray().endArray().key("none").null().key("dueOn").textOrNull("");
    w.key("lessons").beginArray();
    w.beginObject().member("topic", "Ёлки и д'Артаньян").key("marks").beginArray().value("5").value("4").endArray();
    w.endObject();
    w.beginObject().endObject();
    w.endArray().endObject();
    const json expected = {
        {"id", std::uint64_t{18446744073709551615u}},
        {"n", -42},
        {"ok", true},
        {"empty", json::array()},
        {"none", nullptr},
        {"dueOn", nullptr},
        {"lessons", json::array({json{{"topic", "Ёлки и д'Артаньян"}, {"marks", {"5", "4"}}}, json::object()})}};
    CPPUNIT_ASSERT_EQUAL(expected.dump(), json::parse(w.str()).dump());
  }

  void stringsAreEscapedAsNlohmannDoes() {
    const std::string tricky = std::string("\"кавычки\" \\ / \b\f\n\r\t") + '\x01' + '\x1f' + "Щ-Ё";
    JsonWriter w;
    w.value(tricky);
    CPPUNIT_ASSERT_EQUAL(json(tricky).dump(), w.str());
  }

  void invalidUtf8IsReplacedNotPassedThrough() {
    // A lone continuation byte, a truncated sequence, an overlong '/', a surrogate.
    for (const std::string& bad : {std::string("a\x80z"), std::string("Ё\xD0"), std::string("\xC0\xAF"),
                                   std::string("\xED\xA0\x80"), std::string("\xF5\x80\x80\x80")}) {
      JsonWriter w;
      w.value(bad);
      const auto parsed = json::parse(w.str());  // throws if the output is not valid UTF-8 JSON
      CPPUNIT_ASSERT(parsed.get<std::string>().find("\xEF\xBF\xBD") != std::string::npos);
      CPPUNIT_ASSERT_EQUAL(json(bad).dump(-1, ' ', false, json::error_handler_t::replace), w.str());
    }
  }
};

CPPUNIT_TEST_SUITE_REGISTRATION(JsonWriterTest);

}  // namespace parta::web
