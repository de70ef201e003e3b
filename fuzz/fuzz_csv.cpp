// File: fuzz/fuzz_csv.cpp
//
// libFuzzer target: the CSV writer of every export. The bytes are cells
// separated by 0x1F (unit separator) and rows by 0x1E (record separator);
// the first byte of each cell picks text() (a person's value), ours() or
// number(). The output is read back with RFC 4180's rules and must give the
// same cells: a person's value that looks like a formula with its leading
// apostrophe, everything else unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/export/csv.hpp"

using namespace outpost;

namespace {

using Rows = std::vector<std::vector<std::string>>;

// RFC 4180 with CRLF row ends: quoted fields may hold , " CR LF.
Rows read_back(std::string_view s) {
  Rows rows;
  std::vector<std::string> row;
  std::string cell;
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '"') {
      ++i;
      for (;;) {
        if (i >= s.size()) std::abort();  // an unclosed quote
        if (s[i] == '"') {
          if (i + 1 < s.size() && s[i + 1] == '"') {
            cell += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        cell += s[i++];
      }
    }
    while (i < s.size() && s[i] != ',' && s[i] != '\r') {
      if (s[i] == '"' || s[i] == '\n') std::abort();  // a bare quote or LF in an unquoted field
      cell += s[i++];
    }
    if (i >= s.size()) std::abort();  // every row ends with CRLF
    row.push_back(std::move(cell));
    cell.clear();
    if (s[i] == ',') {
      ++i;
      continue;
    }
    if (i + 1 >= s.size() || s[i + 1] != '\n') std::abort();
    i += 2;
    rows.push_back(std::move(row));
    row.clear();
  }
  return rows;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string out;
  csv::CsvWriter writer(out);
  writer.bom();
  Rows expected;
  std::vector<std::string> row;
  std::size_t start = 0;
  while (start <= input.size()) {
    std::size_t end = input.find_first_of("\x1E\x1F", start);
    if (end == std::string_view::npos) end = input.size();
    std::string_view cell = input.substr(start, end - start);
    const char kind = cell.empty() ? 't' : cell.front();
    if (!cell.empty()) cell.remove_prefix(1);
    if (kind % 3 == 0) {
      writer.text(cell);
      row.push_back(csv::looks_like_formula(cell) ? "'" + std::string(cell) : std::string(cell));
    } else if (kind % 3 == 1) {
      writer.ours(cell);
      row.emplace_back(cell);
    } else {
      std::uint64_t bits = 0;  // any 64-bit value, INT64_MIN included
      for (char c : cell) bits = bits * 31 + static_cast<unsigned char>(c);
      const auto n = static_cast<std::int64_t>(bits);
      writer.number(n);
      row.push_back(std::to_string(n));
    }
    if (end == input.size() || input[end] == '\x1E') {
      writer.end_row();
      expected.push_back(std::move(row));
      row.clear();
    }
    start = end + 1;
  }
  const std::string_view written = out;
  if (!written.starts_with(csv::kBom)) std::abort();
  if (read_back(written.substr(csv::kBom.size())) != expected) std::abort();
  return 0;
}
