#include "appliance/core/csv.hpp"

namespace parta::core {

namespace {

Error lineError(std::size_t line, std::string_view problem) {
  return makeError(ErrorCode::invalid_argument, "line " + std::to_string(line) + ": " + std::string(problem));
}

bool startsFormula(std::string_view v) {
  return !v.empty() && (v.front() == '=' || v.front() == '+' || v.front() == '-' || v.front() == '@');
}

}  // namespace

Result<std::vector<CsvRecord>> readCsv(std::string_view text, std::size_t maxRecords) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<CsvRecord> out;
  std::size_t line = 1;
  std::size_t i = 0;
  const std::size_t n = text.size();
  // A line break: CRLF, LF or a lone CR; returns its length at `at` (0: none).
  const auto breakAt = [&](std::size_t at) -> std::size_t {
    if (at >= n) return 0;
    if (text[at] == '\r') return at + 1 < n && text[at + 1] == '\n' ? 2 : 1;
    return text[at] == '\n' ? 1 : 0;
  };
  while (i < n) {
    if (const auto b = breakAt(i); b != 0) {  // a blank line
      i += b;
      ++line;
      continue;
    }
    if (out.size() == maxRecords) return lineError(line, "more than " + std::to_string(maxRecords) + " records");
    CsvRecord record;
    record.line = line;
    for (;;) {  // one field per turn
      std::string field;
      if (i < n && text[i] == '"') {
        const std::size_t opened = line;
        ++i;
        for (;;) {
          if (i >= n) return lineError(opened, "a quoted field is not closed");
          if (text[i] == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (const auto b = breakAt(i); b != 0) {
            // Kept as written; the field's validator normalises line breaks.
            field.append(text.substr(i, b));
            i += b;
            ++line;
            continue;
          }
          field += text[i++];
        }
        if (i < n && text[i] != ',' && breakAt(i) == 0) return lineError(line, "characters after a closing quote");
      } else {
        while (i < n && text[i] != ',' && breakAt(i) == 0) {
          if (text[i] == '"') return lineError(line, "a quote inside an unquoted field");
          field += text[i++];
        }
      }
      record.fields.push_back(std::move(field));
      if (i < n && text[i] == ',') {
        ++i;
        continue;
      }
      break;  // end of line or of text
    }
    if (const auto b = breakAt(i); b != 0) {
      i += b;
      ++line;
    }
    out.push_back(std::move(record));
  }
  return out;
}

namespace {
std::string quotedField(std::string_view v) {
  std::string quoted = "\"";
  for (char ch : v) {
    if (ch == '"') quoted += '"';
    quoted += ch;
  }
  return quoted + "\"";
}
}  // namespace

std::string csvRawField(std::string_view v, char separator) {
  const char special[] = {separator, '"', '\r', '\n'};
  if (v.find_first_of(std::string_view(special, sizeof special)) == std::string_view::npos) return std::string(v);
  return quotedField(v);
}

std::string csvField(std::string_view v, char separator) {
  if (!startsFormula(v)) return csvRawField(v, separator);
  std::string guarded = "'";
  guarded += v;
  return csvRawField(guarded, separator);
}

std::string_view unguardCsvValue(std::string_view v) {
  if (v.size() >= 2 && v.front() == '\'' && startsFormula(v.substr(1))) v.remove_prefix(1);
  return v;
}

void appendCsvRecord(std::string& out, const std::vector<std::string>& fields, bool formulaGuard, char separator) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += separator;
    // A field starting the file with U+FEFF would be read as a byte order
    // mark and lost: quoted, it is a field.
    if (out.empty() && fields[i].starts_with("\xEF\xBB\xBF")) {
      out += quotedField(fields[i]);
      continue;
    }
    out += formulaGuard ? csvField(fields[i], separator) : csvRawField(fields[i], separator);
  }
  // A record of one empty field would be a blank line, which readers skip.
  if (fields.size() == 1 && fields[0].empty()) out += "\"\"";
  out += "\r\n";
}

}  // namespace parta::core
