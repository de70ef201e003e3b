// File: adapters/http/export_rows.hpp
//
// Inside the exports (case_export.cpp, ledger_rows.cpp): a table's columns
// and the sink one row's cells go to, whatever the format (CSV, XLSX, JSON
// lines). A row function names each cell's column in the table's order.
//
//   s.begin_row(); s.number("id", c.id); s.ours("number", c.number); … s.end_row();
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "engine/cases/case.hpp"

namespace outpost::http {

// One column of an export: its JSON key and its CSV header.
struct Column {
  std::string_view key;
  std::string_view header;
};

// Where one row's cells go: a CSV line or a JSON object per line. The row
// functions below name each cell's column; a name out of the table's order
// is a programming error that fails the export (any test of it) at once.
class RowSink {
 public:
  virtual ~RowSink() = default;
  void header(const Column* columns, std::size_t count) {
    columns_ = columns;
    count_ = count;
    write_header();
  }
  void begin_row() {
    at_ = 0;
    open_row();
  }
  void end_row() {
    if (at_ != count_) throw std::logic_error("an export row has too few cells");
    close_row();
  }
  // A value the system produced (code, label, hash): never neutralised.
  virtual void ours(std::string_view key, std::string_view v) = 0;
  // A value a person typed: neutralised in CSV.
  virtual void text(std::string_view key, std::string_view v) = 0;
  virtual void number(std::string_view key, std::int64_t n) = 0;
  virtual void flag(std::string_view key, bool b) = 0;
  virtual void time(std::string_view key, std::optional<Millis> at) = 0;
  // The day of `at` in Asia/Shanghai ("2026-12-06"; a date cell in XLSX).
  virtual void day(std::string_view key, std::optional<Millis> at) = 0;
  virtual void parties(std::string_view key, const std::vector<Party>& parties) = 0;
  virtual void list(std::string_view key, const std::vector<std::string>& items) = 0;
  virtual void object(std::string_view key, const boost::json::object& o) = 0;

 protected:
  virtual void write_header() = 0;
  virtual void open_row() = 0;
  virtual void close_row() = 0;
  std::span<const Column> columns() const { return {columns_, count_}; }
  // The next column, which must be `key`.
  const Column& next(std::string_view key) {
    if (at_ >= count_ || columns_[at_].key != key) {
      throw std::logic_error("export cell " + std::string(key) + " is out of its column order");
    }
    return columns_[at_++];
  }

 private:
  const Column* columns_ = nullptr;
  std::size_t count_ = 0, at_ = 0;
};

}  // namespace outpost::http
