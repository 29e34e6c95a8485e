#pragma once
// A streaming JSON writer for hot read paths (the diary, the journal grid):
// it appends to one string instead of building nlohmann's tree, which on
// those paths cost more in malloc and free than everything else together
// (perf on the demo node: 45 % of partad's CPU in the allocator for a
// cached diary week). Everywhere else the handlers use nlohmann::json.
//
// Output is compact and valid UTF-8: strings are escaped as nlohmann does
// (quote, backslash, control characters); a string that is not valid UTF-8
// has each bad byte replaced with U+FFFD, like dump()'s replace handler.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parta::web {

class JsonWriter {
 public:
  explicit JsonWriter(std::size_t reserve = 4096) { out_.reserve(reserve); }

  JsonWriter& beginObject() { return open('{'); }
  JsonWriter& endObject() { return close('}'); }
  JsonWriter& beginArray() { return open('['); }
  JsonWriter& endArray() { return close(']'); }

  // A member name inside an object; the next call writes its value.
  JsonWriter& key(std::string_view name);

  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(std::int64_t n);
  JsonWriter& value(std::uint64_t n);
  JsonWriter& value(int n) { return value(static_cast<std::int64_t>(n)); }
  JsonWriter& value(bool b);
  JsonWriter& null();
  // The empty string as null: optional text fields of the API.
  JsonWriter& textOrNull(std::string_view s) { return s.empty() ? null() : value(s); }

  // key(name).value(v) in one call.
  template <class T>
  JsonWriter& member(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  JsonWriter& open(char c);
  JsonWriter& close(char c);
  void separate();
  void string(std::string_view s);

  std::string out_;
  std::vector<bool> first_;  // per open container: nothing written in it yet
  bool afterKey_ = false;
};

}  // namespace parta::web
