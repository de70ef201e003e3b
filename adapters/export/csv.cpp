#include "adapters/export/csv.hpp"

namespace outpost::csv {

bool looks_like_formula(std::string_view cell) {
  if (cell.empty()) return false;
  switch (cell.front()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
      return true;
    default:
      return false;
  }
}

namespace {

bool needs_quotes(std::string_view cell) {
  // A plain loop: string_view::find_first_of calls memchr once per character.
  for (const char ch : cell) {
    if (ch == ',' || ch == '"' || ch == '\r' || ch == '\n') return true;
  }
  return false;
}

}  // namespace

void append_field(std::string& out, std::string_view cell) {
  if (!needs_quotes(cell)) {
    out += cell;
    return;
  }
  out += '"';
  for (const char ch : cell) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
}

CsvWriter& CsvWriter::bom() {
  out_ += kBom;
  return *this;
}

CsvWriter& CsvWriter::text(std::string_view cell) {
  separate();
  if (!looks_like_formula(cell)) {
    append_field(out_, cell);
    return *this;
  }
  std::string neutral;
  neutral.reserve(cell.size() + 1);
  neutral += '\'';
  neutral += cell;
  append_field(out_, neutral);
  return *this;
}

CsvWriter& CsvWriter::ours(std::string_view cell) {
  separate();
  append_field(out_, cell);
  return *this;
}

CsvWriter& CsvWriter::number(std::int64_t n) {
  separate();
  out_ += std::to_string(n);
  return *this;
}

CsvWriter& CsvWriter::end_row() {
  out_ += kLineEnd;
  row_started_ = false;
  return *this;
}

void CsvWriter::separate() {
  if (row_started_) out_ += ',';
  row_started_ = true;
}

}  // namespace outpost::csv
