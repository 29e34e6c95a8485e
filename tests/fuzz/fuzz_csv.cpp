// The CSV reader (appliance/core/csv.hpp) behind the register import: what
// it reads, written back with appendCsvRecord, reads back the same.

#include "appliance/core/csv.hpp"
#include "tests/fuzz/fuzz.hpp"

namespace parta::fuzz {

bool decodes(std::string_view input) { return core::readCsv(input).ok(); }

std::vector<std::string> fuzzSeeds() {
  return {
      "Фамилия,Имя,Отчество,Дата рождения,Класс\r\n"
      "Ёлкина-Петрова,Алёна,Фёдоровна,2015-03-08,5А\r\n"
      "\"Д'Артаньян, мл.\",\"Олег \"\"Олежка\"\"\",,2014-12-31,\"6Б\nгруппа 2\"\r\n",
      "a,b\nc,d\n",
      "",
  };
}

}  // namespace parta::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace parta;
  auto records = core::readCsv(fuzz::asText(data, size), 1000);
  if (!records) return 0;
  std::string written;
  for (const auto& r : *records) core::appendCsvRecord(written, r.fields);
  auto again = core::readCsv(written, 1000);
  if (!again || again->size() != records->size()) fuzz::fail("readCsv(write(readCsv(x))) lost records");
  for (std::size_t i = 0; i < records->size(); ++i)
    if ((*again)[i].fields != (*records)[i].fields) fuzz::fail("readCsv(write(readCsv(x))) changed a field");
  return 0;
}
