#include "appliance/core/xlsx.hpp"

#include <cmath>
#include <cstdio>

#include "appliance/core/zip.hpp"

namespace parta::core {

namespace {

// XML text with &, <, >, " escaped; C0 controls other than TAB, LF and CR
// are not allowed in XML 1.0 and are dropped.
void appendXmlText(std::string& out, std::string_view text) {
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        out += c;
    }
  }
}

std::string sheetTitle(std::string_view name) {
  std::string out;
  std::size_t characters = 0;
  for (std::size_t i = 0; i < name.size() && characters < 31;) {
    const auto lead = static_cast<unsigned char>(name[i]);
    const std::size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    const std::string_view symbol = name.substr(i, length);
    i += length;
    if (symbol.size() == 1 && std::string_view("[]:*?/\\").find(symbol[0]) != std::string_view::npos) continue;
    if (symbol.size() == 1 && lead < 0x20) continue;
    out += symbol;
    ++characters;
  }
  return out.empty() ? std::string("Sheet1") : out;
}

std::string number(double value) {
  if (!std::isfinite(value)) return {};
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.15g", value);
  return buffer;
}

std::string sheetXml(const std::vector<XlsxRow>& rows) {
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
      "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const std::string rowNumber = std::to_string(r + 1);
    out += "<row r=\"" + rowNumber + "\">";
    for (std::size_t c = 0; c < rows[r].size(); ++c) {
      const auto& cell = rows[r][c];
      const std::string ref = xlsxColumnName(c) + rowNumber;
      if (const auto* text = std::get_if<std::string>(&cell)) {
        out += "<c r=\"" + ref + "\" t=\"inlineStr\"><is><t xml:space=\"preserve\">";
        appendXmlText(out, *text);
        out += "</t></is></c>";
      } else if (const auto* value = std::get_if<double>(&cell)) {
        const std::string v = number(*value);
        if (!v.empty()) out += "<c r=\"" + ref + "\"><v>" + v + "</v></c>";
      }
    }
    out += "</row>";
  }
  out += "</sheetData></worksheet>";
  return out;
}

}  // namespace

std::string xlsxColumnName(std::size_t column) {
  std::string name;
  for (std::size_t n = column + 1; n > 0; n = (n - 1) / 26)
    name.insert(name.begin(), static_cast<char>('A' + (n - 1) % 26));
  return name;
}

std::string xlsxWorkbook(std::string_view sheetName, const std::vector<XlsxRow>& rows) {
  std::string workbook =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
      "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
      "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
      "<sheets><sheet name=\"";
  appendXmlText(workbook, sheetTitle(sheetName));
  workbook += "\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";

  ZipWriter zip;
  zip.add("[Content_Types].xml",
          "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
          "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
          "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
          "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
          "<Override PartName=\"/xl/workbook.xml\" "
          "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
          "<Override PartName=\"/xl/worksheets/sheet1.xml\" "
          "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
          "</Types>");
  zip.add("_rels/.rels",
          "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
          "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
          "<Relationship Id=\"rId1\" "
          "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
          "Target=\"xl/workbook.xml\"/></Relationships>");
  zip.add("xl/workbook.xml", workbook);
  zip.add("xl/_rels/workbook.xml.rels",
          "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
          "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
          "<Relationship Id=\"rId1\" "
          "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
          "Target=\"worksheets/sheet1.xml\"/></Relationships>");
  zip.add("xl/worksheets/sheet1.xml", sheetXml(rows));
  return zip.finish();
}

}  // namespace parta::core
