// File: adapters/export/xlsx.hpp
//
// Writes XLSX workbooks (Office Open XML spreadsheets) for the ledgers and
// the statistics table, through libxlsxwriter in its constant-memory mode:
// each row goes to a temporary file as soon as the next one starts, so a
// sheet of a million rows takes the memory of one row. The workbook is
// written to a file (`path`); the caller streams it out once close() has
// answered and deletes it.
//
// Every sheet is laid out for the desk: zh-CN sheet name and headers, the
// header row bold and frozen, column widths, printed on A4 landscape, fit to
// the page's width, the header row repeated on each printed page.
//
// Cell kinds: text() for a value a person typed, ours() for one the system
// produced (code, label), number() for counts and amounts (numeric cells),
// date_time() / date() for times (numeric cells with a date format, which a
// spreadsheet shows and sorts as dates), blank().
//
// Formula injection: a cell is a formula only when written as one, which
// this writer never does: every text is a string cell, so "=cmd|' /C
// calc'!A0" stays the text it was. A text that a spreadsheet would read as a
// formula when typed (csv::looks_like_formula, the CSV export's rule: it
// starts with =, +, -, @, tab or CR) gets the Text number format ("@") as
// well, so that editing the cell in Excel or WPS keeps it text; unlike the
// CSV export nothing is prepended: the cell holds exactly what was typed.
//
//   auto book = XlsxWriter::open("/tmp/ledger.xlsx", "/tmp");
//   std::array<XlsxColumn, 2> cols{{{"案件编号", 18}, {"受理时间", 20}}};
//   book.value()->sheet("人民调解台账", cols);
//   book.value()->ours("D2026-0001").date_time(at_local_ms).end_row();
//   if (Status s = book.value()->close(); !s) …
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/error.hpp"

struct lxw_workbook;
struct lxw_worksheet;
struct lxw_format;

namespace outpost::xlsx {

// One column: its header and its width in characters (a CJK character
// counts about two).
struct XlsxColumn {
  std::string_view header;
  double width = 12;
};

// XLSX's content type, for HTTP.
inline constexpr std::string_view kContentType =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

// Excel's serial day number of a local wall time given as milliseconds since
// 1970-01-01 00:00 local: days since 1899-12-30, the time as the fraction.
double excel_serial(std::int64_t local_ms);

class XlsxWriter {
 public:
  // A workbook at `path` (created or truncated), its temporary files in
  // `tmpdir`. unavailable when the file cannot be started.
  static Result<std::unique_ptr<XlsxWriter>> open(const std::string& path,
                                                  const std::string& tmpdir);
  ~XlsxWriter();
  XlsxWriter(const XlsxWriter&) = delete;
  XlsxWriter& operator=(const XlsxWriter&) = delete;

  // Starts a new sheet with its header row; the rows that follow go to it.
  // Past Excel's 1,048,576 rows a sheet goes on in "name (2)", with the same
  // header. A name longer than 31 characters or holding []:*?/\ is refused
  // by the library: the names are ours, so that is a programming error
  // (thrown).
  XlsxWriter& sheet(std::string_view name, std::span<const XlsxColumn> columns);

  XlsxWriter& text(std::string_view v);
  XlsxWriter& ours(std::string_view v);
  XlsxWriter& number(double v);
  // A fraction shown as a percentage (0.75 → 75.0%).
  XlsxWriter& percent(double v);
  // Local wall time as milliseconds since 1970-01-01 00:00 local.
  XlsxWriter& date_time(std::int64_t local_ms);
  XlsxWriter& date(std::int64_t local_ms);
  XlsxWriter& blank();
  XlsxWriter& end_row();

  // Rows written after the headers, over every sheet.
  std::int64_t rows() const { return total_rows_; }

  // Writes the package and closes the file; unavailable when that failed
  // (a full disk, a write error). Once only.
  Status close();

 private:
  XlsxWriter() = default;
  void start_sheet(const std::string& name);
  XlsxWriter& string_cell(std::string_view v, lxw_format* format);
  void note(int error);  // keeps the first error for close()

  lxw_workbook* book_ = nullptr;
  lxw_worksheet* sheet_ = nullptr;
  lxw_format *header_ = nullptr, *text_ = nullptr, *date_time_ = nullptr, *date_ = nullptr;
  lxw_format* percent_ = nullptr;
  std::string name_;
  std::vector<XlsxColumn> columns_;
  int sheets_ = 0;
  std::uint32_t row_ = 0;
  std::uint16_t col_ = 0;
  std::int64_t total_rows_ = 0;
  int error_ = 0;
  std::string cell_;  // the value as a C string
};

}  // namespace outpost::xlsx
