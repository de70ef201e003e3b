#include "adapters/export/xlsx.hpp"

#include <stdexcept>
#include <vector>

#include <xlsxwriter.h>

#include "adapters/export/csv.hpp"

namespace outpost::xlsx {

namespace {

// Excel's limits: rows per sheet (with the header), characters per cell.
constexpr std::uint32_t kMaxRows = 1048576;
constexpr std::size_t kMaxCellBytes = 32767;
constexpr double kMsPerDay = 86400000.0;
constexpr double kUnixEpochSerial = 25569.0;  // 1970-01-01 as an Excel day number

// `v` cut to at most kMaxCellBytes bytes, at a UTF-8 character boundary.
std::string_view fitted(std::string_view v) {
  if (v.size() <= kMaxCellBytes) return v;
  std::size_t end = kMaxCellBytes;
  while (end > 0 && (static_cast<unsigned char>(v[end]) & 0xC0) == 0x80) --end;
  return v.substr(0, end);
}

}  // namespace

double excel_serial(std::int64_t local_ms) {
  return kUnixEpochSerial + static_cast<double>(local_ms) / kMsPerDay;
}

Result<std::unique_ptr<XlsxWriter>> XlsxWriter::open(const std::string& path,
                                                     const std::string& tmpdir) {
  std::unique_ptr<XlsxWriter> w(new XlsxWriter());
  std::vector<char> dir(tmpdir.begin(), tmpdir.end());
  dir.push_back('\0');
  lxw_workbook_options options{};
  options.constant_memory = LXW_TRUE;
  options.tmpdir = dir.data();
  options.use_zip64 = LXW_TRUE;  // a million rows pass ZIP's 4 GiB before compression
  w->book_ = workbook_new_opt(path.c_str(), &options);
  if (w->book_ == nullptr) {
    return Error::make(ErrorKind::unavailable, "cannot start the spreadsheet file " + path);
  }
  w->header_ = workbook_add_format(w->book_);
  format_set_bold(w->header_);
  format_set_bg_color(w->header_, 0xDDEBF7);
  format_set_border(w->header_, LXW_BORDER_THIN);
  format_set_text_wrap(w->header_);
  format_set_align(w->header_, LXW_ALIGN_VERTICAL_CENTER);
  w->text_ = workbook_add_format(w->book_);
  format_set_num_format(w->text_, "@");
  w->date_time_ = workbook_add_format(w->book_);
  format_set_num_format(w->date_time_, "yyyy-mm-dd hh:mm:ss");
  w->date_ = workbook_add_format(w->book_);
  format_set_num_format(w->date_, "yyyy-mm-dd");
  w->percent_ = workbook_add_format(w->book_);
  format_set_num_format(w->percent_, "0.0%");
  return w;
}

XlsxWriter::~XlsxWriter() {
  // Not closed: the workbook's memory and temporary files go; the file left
  // behind is the caller's to delete.
  if (book_ != nullptr) workbook_close(book_);
}

XlsxWriter& XlsxWriter::sheet(std::string_view name, std::span<const XlsxColumn> columns) {
  name_ = std::string(name);
  columns_.assign(columns.begin(), columns.end());
  sheets_ = 1;
  start_sheet(name_);
  return *this;
}

void XlsxWriter::start_sheet(const std::string& name) {
  sheet_ = workbook_add_worksheet(book_, name.c_str());
  if (sheet_ == nullptr) throw std::logic_error("bad worksheet name " + name);
  worksheet_set_paper(sheet_, 9);  // A4
  worksheet_set_landscape(sheet_);
  worksheet_fit_to_pages(sheet_, 1, 0);
  worksheet_repeat_rows(sheet_, 0, 0);
  worksheet_freeze_panes(sheet_, 1, 0);
  worksheet_set_margins(sheet_, 0.4, 0.4, 0.6, 0.6);
  worksheet_set_footer(sheet_, "&C第 &P 页，共 &N 页");
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    const auto col = static_cast<lxw_col_t>(i);
    worksheet_set_column(sheet_, col, col, columns_[i].width, nullptr);
  }
  row_ = 0;
  col_ = 0;
  for (const XlsxColumn& c : columns_) string_cell(c.header, header_);
  end_row();
}

XlsxWriter& XlsxWriter::string_cell(std::string_view v, lxw_format* format) {
  if (v.empty()) return blank();
  cell_.assign(fitted(v));
  note(worksheet_write_string(sheet_, row_, col_++, cell_.c_str(), format));
  return *this;
}

XlsxWriter& XlsxWriter::text(std::string_view v) {
  return string_cell(v, csv::looks_like_formula(v) ? text_ : nullptr);
}

XlsxWriter& XlsxWriter::ours(std::string_view v) {
  return string_cell(v, nullptr);
}

XlsxWriter& XlsxWriter::number(double v) {
  note(worksheet_write_number(sheet_, row_, col_++, v, nullptr));
  return *this;
}

XlsxWriter& XlsxWriter::percent(double v) {
  note(worksheet_write_number(sheet_, row_, col_++, v, percent_));
  return *this;
}

XlsxWriter& XlsxWriter::date_time(std::int64_t local_ms) {
  note(worksheet_write_number(sheet_, row_, col_++, excel_serial(local_ms), date_time_));
  return *this;
}

XlsxWriter& XlsxWriter::date(std::int64_t local_ms) {
  note(worksheet_write_number(sheet_, row_, col_++, excel_serial(local_ms), date_));
  return *this;
}

XlsxWriter& XlsxWriter::blank() {
  ++col_;
  return *this;
}

XlsxWriter& XlsxWriter::end_row() {
  total_rows_ += row_ == 0 ? 0 : 1;
  ++row_;
  col_ = 0;
  // A sheet holds 1,048,576 rows: the rows after go on to a sheet "name (2)"…
  if (row_ == kMaxRows) start_sheet(name_ + " (" + std::to_string(++sheets_) + ")");
  return *this;
}

void XlsxWriter::note(int error) {
  if (error != LXW_NO_ERROR && error_ == LXW_NO_ERROR) error_ = error;
}

Status XlsxWriter::close() {
  lxw_workbook* book = book_;
  book_ = nullptr;
  const lxw_error closed = workbook_close(book);
  if (error_ != LXW_NO_ERROR) {
    return Error::make(ErrorKind::unavailable, std::string("spreadsheet cell not written: ") +
                                                   lxw_strerror(static_cast<lxw_error>(error_)));
  }
  if (closed != LXW_NO_ERROR) {
    return Error::make(ErrorKind::unavailable,
                       std::string("spreadsheet not written: ") + lxw_strerror(closed));
  }
  return Ok{};
}

}  // namespace outpost::xlsx
