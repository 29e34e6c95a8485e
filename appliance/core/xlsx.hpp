#pragma once
// A one-sheet Office Open XML workbook (.xlsx) for exports: text cells as
// inline strings, numbers as numbers, empty cells left out. Packed with the
// stored ZIP writer (zip.hpp); Excel, LibreOffice and Google Sheets open it.
// No styles, formulas or shared strings: a report table, nothing more.

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace parta::core {

// Text, a number, or nothing (an empty cell).
using XlsxCell = std::variant<std::monostate, std::string, double>;
using XlsxRow = std::vector<XlsxCell>;

// The sheet's name is cleaned to what Excel accepts (at most 31 characters,
// none of []:*?/\); text loses the control characters XML 1.0 cannot hold.
std::string xlsxWorkbook(std::string_view sheetName, const std::vector<XlsxRow>& rows);

// "A", "B", …, "Z", "AA", … for a zero-based column.
std::string xlsxColumnName(std::size_t column);

}  // namespace parta::core
