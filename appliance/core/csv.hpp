#pragma once
// CSV as RFC 4180 writes it, read and written in one place: imports of the
// register read it, exports (register, audit log, OneRoster) write it.
// Pure: standard library only.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "appliance/core/result.hpp"

namespace parta::core {

struct CsvRecord {
  std::size_t line = 0;  // physical line (1-based) the record starts on
  std::vector<std::string> fields;
};

// Reads RFC 4180 text: fields separated by commas, records by CRLF or LF (a
// lone CR too); a field in double quotes may hold commas, line breaks and
// doubled quotes (""), and keeps them. A UTF-8 byte order mark at the start
// is skipped. Blank lines (no characters at all) are skipped, so a trailing
// line break adds no record. Line numbers count physical lines, so a quoted
// field with a line break makes the next record start two lines further.
//
// Errors (invalid_argument) name the line: "line 7: a quote inside an
// unquoted field", "line 9: a quoted field is not closed", "line 3:
// characters after a closing quote". At most `maxRecords` records.
Result<std::vector<CsvRecord>> readCsv(std::string_view text, std::size_t maxRecords = 100'000);

// One field for a CSV file: quoted when it holds a comma, quote or line
// break, quotes doubled. A value starting with =, +, - or @ gets a leading '
// so a spreadsheet never runs it as a formula; the register import removes
// that ' again (unguardCsvValue), so an export reads back unchanged.
// `separator`: ',' by default; ';' for files meant for a spreadsheet in a
// Russian locale, where the comma is the decimal sign.
std::string csvField(std::string_view value, char separator = ',');
// Quoting only, without the formula guard: for files read by other
// programs (OneRoster), where an identifier must stay as it is.
std::string csvRawField(std::string_view value, char separator = ',');
// Undoes csvField's guard: "'=…", "'+…", "'-…", "'@…" lose the '.
std::string_view unguardCsvValue(std::string_view value);

// Appends one record, fields joined by commas, ending in CRLF (a record of
// one empty field is written "" so it does not read as a blank line).
void appendCsvRecord(std::string& out, const std::vector<std::string>& fields, bool formulaGuard = false,
                     char separator = ',');

}  // namespace parta::core
