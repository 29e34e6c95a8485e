#include "appliance/core/validation.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace parta::core {

namespace {

Error invalid(std::string message) { return makeError(ErrorCode::invalid_argument, std::move(message)); }

bool isDigit(char c) { return c >= '0' && c <= '9'; }
int digitValue(char c) { return c - '0'; }

bool isAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trimAscii(std::string_view s) {
  while (!s.empty() && isAsciiSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && isAsciiSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Keeps the digits of `s` if every other character is one of `separators`.
// Returns nullopt on anything else, or when there are more than `maxDigits`
// digits (so a pasted novel is not copied around before being refused).
std::optional<std::string> digitsOnly(std::string_view s, std::string_view separators, std::size_t maxDigits) {
  std::string digits;
  for (char c : s) {
    if (isDigit(c)) {
      if (digits.size() == maxDigits) return std::nullopt;
      digits.push_back(c);
    } else if (separators.find(c) == std::string_view::npos) {
      return std::nullopt;
    }
  }
  return digits;
}

// Decodes one code point at `pos` and advances it; nullopt on malformed
// UTF-8 (overlong forms, surrogates, values above U+10FFFF, truncation).
std::optional<char32_t> decodeUtf8(std::string_view s, std::size_t& pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = byte(pos);
  if (lead < 0x80) {
    ++pos;
    return lead;
  }
  struct Form {
    unsigned char mask, marker;  // lead & mask == marker
    std::size_t length;
    char32_t minimum;  // smaller values in this form are overlong
  };
  static constexpr std::array<Form, 3> kForms{
      {{0xE0, 0xC0, 2, 0x80}, {0xF0, 0xE0, 3, 0x800}, {0xF8, 0xF0, 4, 0x10000}}};
  const auto form =
      std::find_if(kForms.begin(), kForms.end(), [&](const Form& f) { return (lead & f.mask) == f.marker; });
  if (form == kForms.end()) return std::nullopt;
  const std::size_t length = form->length;
  char32_t cp = lead & static_cast<unsigned char>(~form->mask);
  if (s.size() - pos < length) return std::nullopt;
  for (std::size_t i = 1; i < length; ++i) {
    const unsigned char c = byte(pos + i);
    if ((c & 0xC0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (c & 0x3Fu);
  }
  if (cp < form->minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
  pos += length;
  return cp;
}

void appendUtf8(std::string& out, char32_t cp) {
  const auto put = [&](char32_t bits) { out.push_back(static_cast<char>(static_cast<unsigned char>(bits))); };
  if (cp < 0x80) {
    put(cp);
  } else if (cp < 0x800) {
    put(0xC0 | (cp >> 6));
    put(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    put(0xE0 | (cp >> 12));
    put(0x80 | ((cp >> 6) & 0x3F));
    put(0x80 | (cp & 0x3F));
  } else {
    put(0xF0 | (cp >> 18));
    put(0x80 | ((cp >> 12) & 0x3F));
    put(0x80 | ((cp >> 6) & 0x3F));
    put(0x80 | (cp & 0x3F));
  }
}

// Letters that occur in names of people at Russian schools: Latin with the
// accented letters of European languages, and Cyrillic with the letters of
// the other languages of Russia (Tatar ә, ө, ү, җ, ң, һ; Bashkir, Komi...).
bool isNameLetter(char32_t c) {
  if ((c >= U'A' && c <= U'Z') || (c >= U'a' && c <= U'z')) return true;
  if (c >= 0xC0 && c <= 0x24F) return c != 0xD7 && c != 0xF7;   // Latin-1 letters, Latin Extended-A/B
  if (c == 0x259) return true;                                  // ə (Azerbaijani)
  if (c >= 0x400 && c <= 0x52F) return c < 0x482 || c > 0x489;  // Cyrillic and Supplement, minus signs/marks
  return false;
}

constexpr char32_t kCombiningBreve = 0x306;
constexpr char32_t kCombiningDiaeresis = 0x308;

// Some keyboards and PDF copies give "е + U+0308" for ё and "и + U+0306" for
// й. Without composing them, the same surname would be stored twice.
std::optional<char32_t> composeCyrillic(char32_t base, char32_t mark) {
  if (mark == kCombiningDiaeresis && base == U'Е') return U'Ё';
  if (mark == kCombiningDiaeresis && base == U'е') return U'ё';
  if (mark == kCombiningBreve && base == U'И') return U'Й';
  if (mark == kCombiningBreve && base == U'и') return U'й';
  return std::nullopt;
}

bool isLeap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int daysInMonth(int year, int month) {
  static constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && isLeap(year) ? 29 : kDays[static_cast<std::size_t>(month - 1)];
}

// Parses exactly `s.size()` digits; the callers have checked the shape.
int parseFixed(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + digitValue(c);
  return v;
}

bool allDigits(std::string_view s) { return std::all_of(s.begin(), s.end(), isDigit); }

}  // namespace

bool isValidUtf8(std::string_view s) {
  std::size_t pos = 0;
  while (pos < s.size()) {
    if (!decodeUtf8(s, pos)) return false;
  }
  return true;
}

Result<std::string> normalizeSnils(std::string_view input) {
  auto digits = digitsOnly(trimAscii(input), " -", 11);
  if (!digits || digits->size() != 11) return invalid("expected 11 digits, e.g. 112-233-445 95");
  const std::string& d = *digits;
  if (d == "00000000000") return invalid("all zeros is not a valid number");

  const int number = parseFixed(std::string_view(d).substr(0, 9));
  const int check = parseFixed(std::string_view(d).substr(9, 2));
  // Numbers up to 001-001-998 predate the check number.
  constexpr int kLastUncheckedNumber = 1'001'998;
  if (number > kLastUncheckedNumber) {
    int sum = 0;
    for (std::size_t i = 0; i < 9; ++i) sum += digitValue(d[i]) * static_cast<int>(9 - i);
    int expected = sum;
    if (sum > 101) expected = sum % 101;
    if (expected == 100 || expected == 101) expected = 0;
    if (check != expected) return invalid("wrong check number (last two digits)");
  }
  return d.substr(0, 3) + "-" + d.substr(3, 3) + "-" + d.substr(6, 3) + " " + d.substr(9, 2);
}

Result<std::string> normalizeInn(std::string_view input) {
  auto digits = digitsOnly(trimAscii(input), " ", 12);
  if (!digits || (digits->size() != 10 && digits->size() != 12)) {
    return invalid("expected 10 digits (organisation) or 12 digits (person)");
  }
  const std::string& d = *digits;
  if (std::all_of(d.begin(), d.end(), [](char c) { return c == '0'; })) {
    return invalid("all zeros is not a valid number");
  }
  // The check digit is the weighted sum mod 11, then mod 10; the weights are
  // the tail of one vector, aligned to the digit being checked.
  static constexpr std::array<int, 11> kWeights{3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8};
  const auto checkDigit = [&](std::size_t count) {
    int sum = 0;
    const std::size_t offset = kWeights.size() - count;
    for (std::size_t i = 0; i < count; ++i) sum += digitValue(d[i]) * kWeights[offset + i];
    return sum % 11 % 10;
  };
  if (d.size() == 10) {
    if (checkDigit(9) != digitValue(d[9])) return invalid("wrong check digit");
  } else if (checkDigit(10) != digitValue(d[10]) || checkDigit(11) != digitValue(d[11])) {
    return invalid("wrong check digits");
  }
  return d;
}

Result<std::string> normalizePhone(std::string_view input) {
  std::string_view s = trimAscii(input);
  const bool plus = !s.empty() && s.front() == '+';
  if (plus) s.remove_prefix(1);
  constexpr std::size_t kMaxDigits = 15;  // E.164
  auto digits = digitsOnly(s, " -().", kMaxDigits);
  if (!digits || digits->empty()) return invalid("expected a phone number such as +7 912 345-67-89");
  std::string& d = *digits;

  // A Russian number is 10 digits after the country code 7; people write the
  // trunk prefix 8 instead of +7, or leave the code out altogether.
  constexpr std::size_t kRussianNational = 10;
  if (plus) {
    if (d.front() == '7') {
      if (d.size() != kRussianNational + 1) return invalid("expected +7 and 10 digits");
      d.erase(0, 1);
    } else {
      if (d.front() == '0') return invalid("a country code does not start with 0");
      if (d.size() < 8) return invalid("expected 8 to 15 digits after +");
      return "+" + d;
    }
  } else if (d.size() == kRussianNational + 1 && (d.front() == '8' || d.front() == '7')) {
    d.erase(0, 1);
  } else if (d.size() != kRussianNational) {
    return invalid("expected a Russian number of 10 digits, or +<country code><number>");
  }
  if (d.front() == '0' || d.front() == '1' || d.front() == '2') {
    return invalid("a Russian number starts with 3, 4, 5, 6, 7, 8 or 9 after the code");
  }
  return "+7" + d;
}

Result<std::string> normalizeDate(std::string_view input) {
  const std::string_view s = trimAscii(input);
  int year = 0;
  int month = 0;
  int day = 0;
  if (s.size() == 10 && s[4] == '-' && s[7] == '-' && allDigits(s.substr(0, 4)) && allDigits(s.substr(5, 2)) &&
      allDigits(s.substr(8, 2))) {
    year = parseFixed(s.substr(0, 4));
    month = parseFixed(s.substr(5, 2));
    day = parseFixed(s.substr(8, 2));
  } else if (s.size() == 10 && s[2] == '.' && s[5] == '.' && allDigits(s.substr(0, 2)) && allDigits(s.substr(3, 2)) &&
             allDigits(s.substr(6, 4))) {
    day = parseFixed(s.substr(0, 2));
    month = parseFixed(s.substr(3, 2));
    year = parseFixed(s.substr(6, 4));
  } else {
    return invalid("expected a date as YYYY-MM-DD or DD.MM.YYYY");
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return invalid("no such date");
  if (year < 1900 || year > 2100) return invalid("expected a date between 1900-01-01 and 2100-12-31");

  std::string out(10, '0');
  const auto put = [&](std::size_t at, int value, std::size_t width) {
    for (std::size_t i = width; i-- > 0; value /= 10) out[at + i] = static_cast<char>('0' + value % 10);
  };
  put(0, year, 4);
  out[4] = '-';
  put(5, month, 2);
  out[7] = '-';
  put(8, day, 2);
  return out;
}

Result<std::string> normalizeEmail(std::string_view input) {
  const std::string_view s = trimAscii(input);
  constexpr std::size_t kMaxLength = 254;  // RFC 5321 path limit minus the angle brackets
  constexpr std::size_t kMaxLocal = 64;
  if (s.empty()) return invalid("expected an e-mail address such as name@example.ru");
  if (s.size() > kMaxLength) return invalid("longer than 254 bytes");
  if (!isValidUtf8(s)) return invalid("not valid UTF-8");
  if (std::any_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u == 0x7F;
      })) {
    return invalid("contains spaces or control characters");
  }
  const std::size_t at = s.find('@');
  if (at == std::string_view::npos || s.find('@', at + 1) != std::string_view::npos) {
    return invalid("expected exactly one '@'");
  }
  const std::string_view local = s.substr(0, at);
  const std::string_view domain = s.substr(at + 1);
  if (local.empty() || local.size() > kMaxLocal) return invalid("expected 1 to 64 bytes before '@'");
  if (domain.find('.') == std::string_view::npos || domain.front() == '.' || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos) {
    return invalid("expected a domain such as example.ru after '@'");
  }
  std::string out(s);
  for (std::size_t i = at + 1; i < out.size(); ++i) {
    if (out[i] >= 'A' && out[i] <= 'Z') out[i] = static_cast<char>(out[i] - 'A' + 'a');
  }
  return out;
}

Result<std::string> normalizePersonName(std::string_view input) {
  if (!isValidUtf8(input)) return invalid("not valid UTF-8");
  constexpr std::size_t kMaxCharacters = 100;
  constexpr char32_t kNoBreakSpace = 0xA0;

  // First pass: decode, map look-alikes to their canonical character, and
  // compose decomposed Ё/Й, so the rules below see one form.
  std::u32string chars;
  std::size_t pos = 0;
  while (pos < input.size()) {
    char32_t c = *decodeUtf8(input, pos);
    if (c == 0x2019 || c == 0x02BC) c = U'\'';  // ’ ʼ
    if (c == 0x2010 || c == 0x2011) c = U'-';   // typographic hyphens
    if (c == U'\t' || c == U'\r' || c == U'\n' || c == kNoBreakSpace) c = U' ';
    if ((c == kCombiningBreve || c == kCombiningDiaeresis) && !chars.empty()) {
      if (auto composed = composeCyrillic(chars.back(), c)) {
        chars.back() = *composed;
        continue;
      }
    }
    if (c == U' ' && (chars.empty() || chars.back() == U' ')) continue;  // trims the front, collapses runs
    chars.push_back(c);
  }
  if (!chars.empty() && chars.back() == U' ') chars.pop_back();

  if (chars.empty()) return invalid("must not be empty");
  if (chars.size() > kMaxCharacters) return invalid("longer than 100 characters");
  const auto isSeparator = [](char32_t c) { return c == U' ' || c == U'-' || c == U'\''; };
  for (std::size_t i = 0; i < chars.size(); ++i) {
    const char32_t c = chars[i];
    if (c >= U'0' && c <= U'9') return invalid("must not contain digits");
    if (isSeparator(c)) {
      if (i == 0 || i + 1 == chars.size()) return invalid("must start and end with a letter");
      if (isSeparator(chars[i + 1])) return invalid("hyphens, apostrophes and spaces must stand between letters");
    } else if (!isNameLetter(c)) {
      return invalid("may contain only letters, hyphens, apostrophes and spaces");
    }
  }

  std::string out;
  out.reserve(input.size());
  for (char32_t c : chars) appendUtf8(out, c);
  return out;
}

}  // namespace parta::core
