// File: adapters/http/case_export.hpp
//
// The case and history exports (docs/EXPORTS.md): every case the list would
// show for the same filters — or the history entries of those cases — as CSV
// (adapters/export/csv.hpp: BOM, CRLF, RFC 4180, zh-CN headers, formula
// neutralisation) or as JSON lines, streamed with flat memory: the store is
// read one page at a time through the list's id cursor (page_size cases) and
// the body is handed on in pieces of about kExportPieceBytes. The server
// (GET /api/v1/exports/cases|history) and `outpost export` write the same
// bytes through this one unit.
//
//   auto req = read_export_request(query, accept_header, ExportKind::cases);
//   if (!req) return problem(req.error());                  // 422 like the list
//   if (Status s = admit_export(req.value(), permissions, actor); !s) …  // 403
//   BodyProducer body = export_body(sources, req.value(), actor);
//
// Personal data: parties' names, phones and ID numbers are masked
// (engine/access/masking.hpp) unless the request gives a purpose (≤ 500
// bytes) and the caller's role may reveal (Action::reveal); then each case
// is revealed through PrivacyService::reveal, which writes that case's
// access_log row before its clear values are written — one row per exported
// case, as for a reveal of one case. A case the role may not reveal (a
// handler's case of another department) stays masked.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "adapters/http/case_query.hpp"
#include "adapters/http/export_labels.hpp"
#include "adapters/http/http_types.hpp"
#include "engine/access/privacy.hpp"
#include "engine/cases/case_service.hpp"
#include "engine/cases/workflow.hpp"
#include "engine/directory/directory.hpp"
#include "engine/reports/statistics.hpp"

namespace outpost::http {

enum class ExportKind { cases, history, ledger };
enum class ExportFormat { csv, jsonl, xlsx };

inline constexpr std::size_t kExportPieceBytes = 64 * 1024;
inline constexpr int kDefaultExportPageSize = 1000;
inline constexpr int kMaxExportPageSize = 5000;
inline constexpr std::size_t kMaxPurposeBytes = 500;

struct ExportRequest {
  ExportKind kind = ExportKind::cases;
  ExportFormat format = ExportFormat::csv;
  CaseFilter filter;                   // the list's filters (no limit, no cursor)
  std::optional<std::string> purpose;  // given: reveal, logged per case
  std::optional<std::int64_t> max_rows;
  int page_size = kDefaultExportPageSize;
  std::optional<Millis> from, to;  // history: entries with from <= at < to
};

// The export's own parameters — format (csv|jsonl|xlsx), purpose, max_rows,
// page_size, and for history from/to — and the list's filters for the rest
// (case_filter_of), every bad one named in one invalid error. Without
// format=, `accept` chooses: application/x-ndjson (or application/jsonl)
// gives JSON lines, anything else CSV.
Result<ExportRequest> read_export_request(const QueryParams& query,
                                          std::optional<std::string_view> accept, ExportKind kind);

// forbidden unless the role may export (Action::export_cases) and, when a
// purpose is given, may reveal (Action::reveal).
Status admit_export(const ExportRequest& req, const Permissions& permissions, const Actor& actor);

// csv | jsonl | xlsx; nullopt for another name.
std::optional<ExportFormat> parse_export_format(std::string_view name);
// ".csv", ".jsonl", ".xlsx".
std::string_view export_extension(ExportFormat format);
// "cases-2026-12-06.csv": the kind (cases, history, ledger), the day in
// Asia/Shanghai, the format's extension.
std::string export_filename(const ExportRequest& req, Millis now);
// The XLSX sheet: the ledger's 人民调解台账 (kind=dispute) or 诉求台账
// (kind=request); the cases' 调解案件, 诉求案件 or 案件 (both); 办理记录 (history).
std::string export_sheet_name(const ExportRequest& req);
// `attachment; filename="<ascii_name>"; filename*=UTF-8''<name, percent-encoded>`
// (RFC 6266 with RFC 5987's encoding, for a zh-CN file name).
std::string content_disposition(std::string_view ascii_name, std::string_view name);
// "text/csv; charset=utf-8; header=present", "application/x-ndjson; charset=utf-8"
// or XLSX's application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.
std::string_view export_content_type(ExportFormat format);

// "2026-12-06 13:58:57": Asia/Shanghai (UTC+8, no daylight saving since 1991)
// wall time, which Excel and WPS read as a date and time.
std::string shanghai_time(Millis at);

struct ExportSources {
  CaseService& cases;
  PrivacyService* privacy;  // null: nothing can be revealed (admit_export decides first)
  const ExportLabels& labels;
  // The ledger's 统计分类 (null: empty) and staff names (null: ids).
  const StatisticsClasses* classes;
  DirectoryStore* staff;
};

// The body, piece by piece (see BodyProducer). `sources` must outlive it.
// Before the first piece nothing is read; a store error then is answered as
// problem+json by the server.
BodyProducer export_body(ExportSources sources, ExportRequest req, Actor actor);

}  // namespace outpost::http
