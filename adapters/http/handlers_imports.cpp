// Import route (docs/IMPORT.md): POST /api/v1/imports takes a ledger file as
// the raw body (CSV or JSON lines; at most import_limit_bytes) and the
// options as query parameters: ledger, dry_run, charset, format and mapping
// (a JSON object, column -> field). It answers the import's report.
#include <cctype>

#include "adapters/http/api.hpp"
#include "adapters/http/handler_support.hpp"
#include "adapters/http/import_report_json.hpp"
#include "adapters/http/problem.hpp"
#include "adapters/import/ledger_file.hpp"
#include "engine/cases/audit_chain.hpp"

namespace outpost::http {

namespace {

// The body's format: ?format= or else the media type of Content-Type.
HttpResult<std::string> format_of(const HttpRequest& req) {
  if (auto f = req.query_param("format")) return std::string(*f);
  std::string type(req.header("content-type").value_or(""));
  type = type.substr(0, type.find(';'));
  for (char& ch : type) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  if (type == "text/csv") return std::string("csv");
  if (type == "application/x-ndjson" || type == "application/jsonl") return std::string("jsonl");
  return HttpProblem(HttpRefusal::unsupported_media_type,
                     "a ledger is text/csv or application/x-ndjson (or name ?format=csv|jsonl)");
}

Result<std::optional<ColumnMapping>> mapping_of(const HttpRequest& req) {
  auto text = req.query_param("mapping");
  if (!text) return std::optional<ColumnMapping>{};
  auto mapping = parse_ledger_mapping(*text);
  if (!mapping) return mapping.error();
  return std::optional<ColumnMapping>{std::move(mapping.value())};
}

Result<bool> dry_run_of(const HttpRequest& req) {
  const std::string_view value = req.query_param("dry_run").value_or("false");
  if (value != "true" && value != "false") {
    return Error::invalid_field("dry_run", "must be true or false");
  }
  return value == "true";
}

HttpResponse import_ledger(ApiContext& ctx, const HttpRequest& req, const Actor& actor) {
  auto format = format_of(req);
  if (!format) return problem(format.error());
  auto mapping = mapping_of(req);
  if (!mapping) return problem(mapping.error());
  auto dry_run = dry_run_of(req);
  if (!dry_run) return problem(dry_run.error());
  ImportOptions options;
  options.ledger = std::string(req.query_param("ledger").value_or(""));
  options.file_sha256 = sha256_hex(req.body);
  options.dry_run = dry_run.value();
  options.columns = ledger_columns(mapping.value().value_or(default_ledger_mapping()));
  // The catalogue in force (an admin may have changed it since the start).
  const std::shared_ptr<const CatalogueState> catalogue = ctx.catalogue->current();
  const ImportRules rules{*catalogue->catalogue, ctx.jurisdiction, ctx.workflows};
  LedgerImport run(*ctx.imports, rules, ctx.cases.clock(), ctx.cases.permissions(), actor,
                   std::move(options));
  if (Status s = run.begin(); !s) return problem(s.error());
  LedgerFile file{req.body, format.value(),
                  std::string(req.query_param("charset").value_or("auto")), mapping.value()};
  auto report = import_ledger_file(file, run);
  if (!report) return problem(report.error());
  return json_response(200, import_report_json(report.value()));
}

}  // namespace

void register_import_routes(Router& router, ApiContext& ctx) {
  if (ctx.imports == nullptr || ctx.catalogue == nullptr) return;
  router.add("POST", "/api/v1/imports", [&ctx](const HttpRequest& req, const PathParams&) {
    return authenticated(ctx.auth, req,
                         [&](const Actor& actor) { return import_ledger(ctx, req, actor); });
  });
}

}  // namespace outpost::http
