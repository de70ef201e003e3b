// File: adapters/import/ledger_file.hpp
//
// Reads a ledger file (台账) for engine/cases/ledger_import.hpp: CSV (RFC 4180,
// a header row naming the columns) or JSON lines (one object per line, its
// keys the columns), in UTF-8 with or without a BOM or in GB18030 (what WPS
// and Excel on a Chinese Windows save). The charset is detected (valid UTF-8
// is UTF-8, anything else GB18030) or given; GB18030 is converted with glibc's
// iconv. Rows are read one at a time: no document of the whole file is built.
// A column mapping (column → field, kLedgerFields) says which column feeds
// which field; without one the documented layout's zh-CN headers apply.
//
//   LedgerFile file{body, "csv", "auto", std::nullopt};
//   auto report = import_ledger_file(file, run);   // run: a begun LedgerImport
//
// Errors: malformed (broken quoting, a bad JSON line, bytes that are not the
// charset; the message names the line), invalid (an unknown field in the
// mapping, a required field no column feeds, an unknown format or charset).
// A file with an error is rejected before any row reaches the import, so
// nothing is stored.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "engine/cases/ledger_import.hpp"
#include "engine/core/error.hpp"

namespace outpost {

using ColumnMapping = std::map<std::string, std::string, std::less<>>;  // column -> field

struct LedgerFile {
  std::string_view bytes;
  std::string format = "csv";            // csv | jsonl
  std::string charset = "auto";          // auto | utf-8 | gb18030
  std::optional<ColumnMapping> mapping;  // none: the documented layout
};

// The documented layout: each kLedgerFields column to its field.
ColumnMapping default_ledger_mapping();
// A mapping as JSON text ({"序号": "number", …}); invalid (field "mapping")
// when it is not an object of strings.
Result<ColumnMapping> parse_ledger_mapping(std::string_view json_text);
// invalid (field "mapping.<column>") when a mapping names an unknown field.
Status check_ledger_mapping(const ColumnMapping& mapping);
// The mapping's field -> column, for ImportOptions::columns.
std::map<std::string, std::string, std::less<>> ledger_columns(const ColumnMapping& mapping);

// The file's text in UTF-8 (BOM dropped): malformed when it is not `charset`.
Result<std::string> ledger_text(std::string_view bytes, std::string_view charset);

// Checks the whole file, then feeds its rows to `run` and finishes it.
Result<ImportReport> import_ledger_file(const LedgerFile& file, LedgerImport& run);

}  // namespace outpost
