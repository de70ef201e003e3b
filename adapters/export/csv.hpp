// File: adapters/export/csv.hpp
//
// Writes CSV that Excel and WPS open correctly, for every export of the
// project (case and history exports, later the XLSX ledgers' CSV twin):
// UTF-8 with a byte-order mark (without it Excel reads UTF-8 as the local
// code page and zh-CN text turns to mojibake), CRLF line ends, and RFC 4180
// quoting — a field holding a comma, a double quote, CR or LF is enclosed in
// double quotes, and a double quote inside is doubled.
//
// Formula injection (OWASP "CSV injection"): a spreadsheet runs a cell that
// starts with =, +, -, @ (and, after its own trimming, tab or CR) as a
// formula. text() neutralises such a cell by putting an apostrophe (') in
// front of it, which Excel and WPS show as plain text; the apostrophe stays
// visible to other readers, which is the OWASP recommendation's cost. The
// rule applies to every value that came from a person (titles,
// descriptions, names, notes), even one that looks like a number: "-2" or
// "+86 138…" typed by a resident is still text a formula could hide in.
// Values the system itself produces (ids, counts, codes, times, labels from
// the configuration) are written with ours(), unchanged, so that ids stay
// numbers in the spreadsheet.
//
//   std::string out;
//   CsvWriter csv(out);
//   csv.bom();
//   csv.ours("案件编号").ours("标题").end_row();
//   csv.ours("17").text("=cmd|' /C calc'!A0").end_row();
//   // out == "\xEF\xBB\xBF案件编号,标题\r\n17,'=cmd|' /C calc'!A0\r\n"
//
// The writer only appends to the caller's string: a stream hands the string
// on in pieces and clears it, so memory stays that of one piece.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace outpost::csv {

inline constexpr std::string_view kBom = "\xEF\xBB\xBF";
inline constexpr std::string_view kLineEnd = "\r\n";

// True when a spreadsheet could read `cell` as a formula: it starts with
// =, +, -, @, tab or CR.
bool looks_like_formula(std::string_view cell);

// `cell` as one RFC 4180 field: unchanged, or in double quotes with inner
// quotes doubled when it holds a comma, a double quote, CR or LF.
void append_field(std::string& out, std::string_view cell);

class CsvWriter {
 public:
  explicit CsvWriter(std::string& out) : out_(out) {}

  // The UTF-8 byte-order mark; once, before the first row.
  CsvWriter& bom();
  // A cell from a person: neutralised (leading apostrophe) when it looks
  // like a formula, then quoted as needed.
  CsvWriter& text(std::string_view cell);
  // A cell the system produced (id, code, time, label): quoted as needed,
  // never neutralised.
  CsvWriter& ours(std::string_view cell);
  CsvWriter& number(std::int64_t n);
  // Ends the row with CRLF.
  CsvWriter& end_row();

 private:
  void separate();

  std::string& out_;
  bool row_started_ = false;
};

}  // namespace outpost::csv
