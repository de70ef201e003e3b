// File: engine/cases/ledger_import.hpp
//
// Importing an earlier mediation ledger (台账): each good row becomes a
// closed, historic dispute (source "import") whose history starts with one
// `import` row recording the file's SHA-256, the ledger and the row number;
// rows that break a rule are reported with their row number, ledger column
// and a zh-CN reason. Importing is idempotent by (ledger, number): a number
// the ledger has imported before is skipped. Historic cases run no clocks and
// send no notifications. docs/IMPORT.md describes the ledger layout.
//
// The adapter reads the file (CSV, JSON lines) row by row and maps its
// columns to the fields below; the engine never sees the file itself:
//
//   LedgerImport run(store, rules, clock, permissions, actor, options);
//   if (Status s = run.begin(); !s) return s;            // forbidden, invalid ledger
//   for (each row) if (Status s = run.add(record); !s) return s;   // store errors only
//   Result<ImportReport> report = run.finish();
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/access/permissions.hpp"
#include "engine/cases/case.hpp"
#include "engine/cases/workflow.hpp"
#include "engine/core/clock.hpp"
#include "engine/core/error.hpp"
#include "engine/directory/catalogue.hpp"
#include "engine/directory/jurisdiction.hpp"

namespace outpost {

// The fields a ledger row maps to, and the zh-CN column each has in the
// documented layout (the default mapping).
struct LedgerField {
  std::string_view field;
  std::string_view column;
  bool required;
};
inline constexpr std::array<LedgerField, 15> kLedgerFields{{
    {"number", "编号", true},
    {"registered_on", "登记日期", true},
    {"applicant", "当事人", true},
    {"applicant_phone", "联系电话", false},
    {"applicant_id_number", "身份证号", false},
    {"respondent", "对方当事人", true},
    {"respondent_phone", "对方联系电话", false},
    {"community", "社区", true},
    {"grid", "网格", true},
    {"micro_grid", "微网格", false},
    {"address", "地址", false},
    {"category", "纠纷类别", true},
    {"summary", "纠纷简要情况", true},
    {"result", "调解结果", false},
    {"closed_on", "结案日期", true},
}};
// True when `field` is one of kLedgerFields.
bool is_ledger_field(std::string_view field);

// One row of the ledger: its row number as a person counts it (the header
// is row 1 of a CSV file; a JSON lines file counts lines) and its values by
// field (a field the row lacks is absent or empty).
struct LedgerRecord {
  std::int64_t row = 0;
  std::unordered_map<std::string, std::string> values;
};

// A row that is not imported: where, and why (zh-CN). `code` names the rule
// (unknown_category, bad_date, missing_field, duplicate_in_file,
// already_imported, unknown_community, unknown_grid, unknown_micro_grid,
// bad_phone, bad_id_number, closed_before_registered, too_long).
struct RowProblem {
  std::int64_t row = 0;
  std::string column;  // the ledger's column (the mapping's), or the field when unmapped
  std::string field;
  std::string code;
  std::string reason;
};

struct ImportOptions {
  std::string ledger;       // names the ledger; (ledger, number) is unique
  std::string file_sha256;  // 64 hex digits of the file as received
  bool dry_run = true;
  // field -> the ledger's column, for the report (kLedgerFields' columns by default).
  std::map<std::string, std::string, std::less<>> columns;
};

struct ImportReport {
  bool dry_run = true;
  std::string ledger, file_sha256;
  std::int64_t rows = 0;      // data rows read
  std::int64_t accepted = 0;  // rows without problems (imported, or would be)
  std::int64_t imported = 0;  // cases stored by this run (0 for a dry run)
  std::vector<RowProblem> problems;
};

// A historic case ready to store: the case (state closed, created_at the
// registration date), its first history row (unsealed) and its ledger number.
struct HistoricCase {
  Case c;
  HistoryEntry first;
  std::string number;
  std::int64_t row = 0;
};

// The store port of imports (adapters/storage implements it).
class ImportStore {
 public:
  virtual ~ImportStore() = default;
  // Of `numbers`, those (ledger, number) already holds.
  virtual Result<std::set<std::string>> imported_numbers(
      const std::string& ledger, const std::vector<std::string>& numbers) = 0;
  // One transaction: per case what CaseStore::insert_case does (number,
  // sealed first row, phone index) and the (ledger, number) key; a case
  // whose key exists already is skipped. Answers how many were stored.
  virtual Result<std::int64_t> insert_historic(const std::string& ledger,
                                               std::vector<HistoricCase> cases) = 0;
};

// The domain's rules for imports, shared by every run.
struct ImportRules {
  const Catalogue& catalogue;
  const Jurisdiction& jurisdiction;
  const WorkflowRegistry& workflows;
};

class LedgerImport {
 public:
  // Rows are checked as they come and stored in batches of this many.
  static constexpr std::size_t kBatch = 500;

  LedgerImport(ImportStore& store, const ImportRules& rules, const Clock& clock,
               const Permissions& permissions, Actor actor, ImportOptions options);

  // forbidden without the import_cases action; invalid for a bad ledger name.
  Status begin();
  // Checks one row; a real run stores the pending good rows every kBatch.
  // Fails only when the store does.
  Status add(LedgerRecord record);
  Result<ImportReport> finish();

 private:
  Status flush();
  void problem(const LedgerRecord& r, std::string_view field, std::string code, std::string reason);
  std::string column_of(std::string_view field) const;

  ImportStore& store_;
  const ImportRules& rules_;
  const Clock& clock_;
  const Permissions& permissions_;
  Actor actor_;
  ImportOptions options_;
  ImportReport report_;
  std::unordered_map<std::string, std::int64_t> seen_;  // number -> first row
  std::vector<HistoricCase> pending_;
};

}  // namespace outpost
