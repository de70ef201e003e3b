#include "adapters/import/ledger_file.hpp"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <functional>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace outpost {
namespace json = boost::json;

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

Error malformed(std::string message) {
  return Error::make(ErrorKind::malformed, std::move(message));
}

std::size_t line_of(std::string_view text, std::size_t offset) {
  return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + offset, '\n'));
}

// The offset of the first byte that is not part of well-formed UTF-8
// (RFC 3629: no overlong forms, no surrogates, at most U+10FFFF); npos if none.
std::size_t first_invalid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b < 0x80) {
      ++i;
      continue;
    } else if (b >= 0xC2 && b <= 0xDF) {
      n = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
      n = 2;
      if (b == 0xE0) lo = 0xA0;
      if (b == 0xED) hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      n = 3;
      if (b == 0xF0) lo = 0x90;
      if (b == 0xF4) hi = 0x8F;
    } else {
      return i;
    }
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return i;
      const auto c = static_cast<unsigned char>(s[i + k]);
      if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xBF)) return i;
    }
    i += n + 1;
  }
  return std::string_view::npos;
}

Result<std::string> from_gb18030(std::string_view bytes) {
  iconv_t cd = iconv_open("UTF-8", "GB18030");
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    return Error::make(ErrorKind::internal, "iconv cannot convert GB18030 on this system");
  }
  std::string out(bytes.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(bytes.data());
  std::size_t in_left = bytes.size();
  char* dst = out.data();
  std::size_t out_left = out.size();
  const std::size_t done = iconv(cd, &in, &in_left, &dst, &out_left);
  const int err = errno;
  iconv_close(cd);
  if (done == static_cast<std::size_t>(-1)) {
    const std::size_t offset = bytes.size() - in_left;
    return malformed("the file is not valid GB18030 (line " +
                     std::to_string(line_of(bytes, offset)) + ", byte " + std::to_string(offset) +
                     (err == EINVAL ? ": a character is cut off at the end)" : ")"));
  }
  out.resize(out.size() - out_left);
  return out;
}

// RFC 4180 records from UTF-8 text, one at a time; `record` counts them (the
// header is record 1), `line` the line a record starts on.
class CsvReader {
 public:
  explicit CsvReader(std::string_view text) : s_(text) {}

  // False at the end of the text.
  Result<bool> next(std::vector<std::string>& fields) {
    fields.clear();
    while (pos_ < s_.size() && (s_[pos_] == '\n' || s_[pos_] == '\r')) {
      if (s_[pos_] == '\n') ++line_;
      ++pos_;
    }
    if (pos_ >= s_.size()) return false;
    ++record_;
    start_line_ = line_;
    std::string field;
    while (true) {
      if (pos_ < s_.size() && s_[pos_] == '"') {
        if (Status s = quoted(field); !s) return s.error();
      } else {
        while (pos_ < s_.size() && s_[pos_] != ',' && s_[pos_] != '\n' && s_[pos_] != '\r') {
          if (s_[pos_] == '"') {
            return malformed("broken CSV quoting: a quote inside an unquoted field (line " +
                             std::to_string(line_) + ")");
          }
          field += s_[pos_++];
        }
      }
      fields.push_back(std::move(field));
      field.clear();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      return true;  // end of line or of text: the newline is skipped by the next call
    }
  }

  std::int64_t record() const { return record_; }
  std::size_t line() const { return start_line_; }

 private:
  Status quoted(std::string& field) {
    const std::size_t opened = line_;
    ++pos_;
    while (true) {
      if (pos_ >= s_.size()) {
        return malformed("broken CSV quoting: a quoted field opened on line " +
                         std::to_string(opened) + " is never closed");
      }
      const char ch = s_[pos_++];
      if (ch == '\n') ++line_;
      if (ch != '"') {
        field += ch;
      } else if (pos_ < s_.size() && s_[pos_] == '"') {
        field += '"';
        ++pos_;
      } else {
        break;
      }
    }
    if (pos_ < s_.size() && s_[pos_] != ',' && s_[pos_] != '\n' && s_[pos_] != '\r') {
      return malformed("broken CSV quoting: text after a closing quote (line " +
                       std::to_string(line_) + ")");
    }
    return Ok{};
  }

  std::string_view s_;
  std::size_t pos_ = 0, line_ = 1, start_line_ = 1;
  std::int64_t record_ = 0;
};

using RowSink = std::function<Status(LedgerRecord)>;

// Field of each header column (empty: not mapped); invalid when a required
// field has no column.
Result<std::vector<std::string>> header_fields(const std::vector<std::string>& header,
                                               const ColumnMapping& mapping) {
  std::vector<std::string> fields;
  for (const std::string& column : header) {
    auto it = mapping.find(column);
    fields.push_back(it == mapping.end() ? std::string() : it->second);
  }
  std::vector<FieldError> missing;
  for (const LedgerField& f : kLedgerFields) {
    if (f.required && std::find(fields.begin(), fields.end(), f.field) == fields.end()) {
      missing.push_back({"mapping", "no column feeds the required field " + std::string(f.field) +
                                        " (default column " + std::string(f.column) + ")"});
    }
  }
  if (!missing.empty()) {
    return Error::invalid_fields(std::move(missing), "the ledger lacks required columns");
  }
  return fields;
}

Status read_csv(std::string_view text, const ColumnMapping& mapping, const RowSink& sink) {
  CsvReader reader(text);
  std::vector<std::string> cells;
  auto has_header = reader.next(cells);
  if (!has_header) return has_header.error();
  if (!has_header.value()) return malformed("the file is empty: it has no header row");
  auto fields = header_fields(cells, mapping);
  if (!fields) return fields.error();
  while (true) {
    auto more = reader.next(cells);
    if (!more) return more.error();
    if (!more.value()) return Ok{};
    if (cells.size() > fields.value().size()) {
      return malformed("line " + std::to_string(reader.line()) + " has " +
                       std::to_string(cells.size()) + " fields, the header " +
                       std::to_string(fields.value().size()));
    }
    LedgerRecord r;
    r.row = reader.record();
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (!fields.value()[i].empty()) r.values[fields.value()[i]] = std::move(cells[i]);
    }
    if (Status s = sink(std::move(r)); !s) return s;
  }
}

Result<std::string> cell_text(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_null()) return std::string();
  if (v.is_number()) return json::serialize(v);
  return malformed("a value that is not text, a number or null");
}

Status read_jsonl(std::string_view text, const ColumnMapping& mapping, const RowSink& sink) {
  std::size_t line = 0, pos = 0;
  bool required_checked = false;
  while (pos < text.size()) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    std::string_view content = text.substr(pos, end - pos);
    pos = end + 1;
    ++line;
    if (content.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    boost::system::error_code ec;
    const json::value v = json::parse(content, ec);
    if (ec || !v.is_object()) {
      return malformed("line " + std::to_string(line) + " is not a JSON object");
    }
    LedgerRecord r;
    r.row = static_cast<std::int64_t>(line);
    std::vector<std::string> columns;
    for (const auto& [key, value] : v.get_object()) {
      columns.emplace_back(key);
      auto it = mapping.find(std::string_view(key));
      if (it == mapping.end()) continue;
      auto cell = cell_text(value);
      if (!cell) return malformed("line " + std::to_string(line) + ": " + cell.error().message);
      r.values[it->second] = std::move(cell.value());
    }
    if (!required_checked) {
      if (auto fields = header_fields(columns, mapping); !fields) return fields.error();
      required_checked = true;
    }
    if (Status s = sink(std::move(r)); !s) return s;
  }
  if (!required_checked) return malformed("the file is empty: it has no rows");
  return Ok{};
}

Status read_rows(std::string_view text, const LedgerFile& file, const RowSink& sink) {
  const ColumnMapping mapping = file.mapping.value_or(default_ledger_mapping());
  if (file.format == "csv") return read_csv(text, mapping, sink);
  return read_jsonl(text, mapping, sink);
}

}  // namespace

ColumnMapping default_ledger_mapping() {
  ColumnMapping m;
  for (const LedgerField& f : kLedgerFields) m.emplace(f.column, f.field);
  return m;
}

Result<ColumnMapping> parse_ledger_mapping(std::string_view json_text) {
  boost::system::error_code ec;
  const json::value v = json::parse(json_text, ec);
  if (ec || !v.is_object()) {
    return Error::invalid_field("mapping", "must be a JSON object: ledger column -> field");
  }
  ColumnMapping mapping;
  for (const auto& [column, field] : v.get_object()) {
    if (!field.is_string()) {
      return Error::invalid_field("mapping." + std::string(column), "must be a field name");
    }
    mapping.emplace(std::string(column), std::string(field.get_string()));
  }
  return mapping;
}

Status check_ledger_mapping(const ColumnMapping& mapping) {
  std::vector<FieldError> errors;
  for (const auto& [column, field] : mapping) {
    if (!is_ledger_field(field)) {
      errors.push_back({"mapping." + column, "unknown field '" + field + "'"});
    }
  }
  if (!errors.empty()) {
    return Error::invalid_fields(std::move(errors), "the column mapping names unknown fields");
  }
  return Ok{};
}

std::map<std::string, std::string, std::less<>> ledger_columns(const ColumnMapping& mapping) {
  std::map<std::string, std::string, std::less<>> columns;
  for (const auto& [column, field] : mapping) columns.emplace(field, column);
  return columns;
}

Result<std::string> ledger_text(std::string_view bytes, std::string_view charset) {
  if (charset != "auto" && charset != "utf-8" && charset != "gb18030") {
    return Error::invalid_field("charset", "must be auto, utf-8 or gb18030");
  }
  const bool bom = bytes.starts_with(kBom);
  if (charset == "gb18030" && !bom) return from_gb18030(bytes);
  if (bom) bytes.remove_prefix(kBom.size());
  const std::size_t bad = first_invalid_utf8(bytes);
  if (bad == std::string_view::npos) return std::string(bytes);
  if (charset == "utf-8" || bom) {
    return malformed("the file is not valid UTF-8 (line " + std::to_string(line_of(bytes, bad)) +
                     ", byte " + std::to_string(bad) + ")");
  }
  return from_gb18030(bytes);
}

Result<ImportReport> import_ledger_file(const LedgerFile& file, LedgerImport& run) {
  if (file.format != "csv" && file.format != "jsonl") {
    return Error::invalid_field("format", "must be csv or jsonl");
  }
  if (file.mapping) {
    if (Status s = check_ledger_mapping(*file.mapping); !s) return s.error();
  }
  auto text = ledger_text(file.bytes, file.charset);
  if (!text) return text.error();
  // A first pass finds a broken file before any row is stored.
  if (Status s = read_rows(text.value(), file, [](LedgerRecord) -> Status { return Ok{}; }); !s) {
    return s.error();
  }
  if (Status s =
          read_rows(text.value(), file, [&](LedgerRecord r) { return run.add(std::move(r)); });
      !s) {
    return s.error();
  }
  return run.finish();
}

}  // namespace outpost
