#include "adapters/cli/export_command.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>

#include <spdlog/spdlog.h>

namespace outpost::cli {

namespace {

constexpr std::size_t kProgressBytes = 64 * 1024 * 1024;

}  // namespace

ExportCommand::ExportCommand(CLI::App& app, const std::function<void(CLI::App*)>& add_common) {
  CLI::App* cmd =
      app.add_subcommand("export", "Export cases or their history as CSV or JSON lines");
  cmd->require_subcommand(1);
  cases_ = cmd->add_subcommand("cases", "Every case matching the filters, one row each");
  history_ = cmd->add_subcommand("history", "The history entries of the matching cases");
  ledger_ = cmd->add_subcommand(
      "ledger", "The ledger of kind=dispute (人民调解台账) or kind=request (诉求台账)");
  for (CLI::App* sub : {cases_, history_, ledger_}) {
    add_common(sub);
    sub->add_option("--format", format_, "csv (default), jsonl or xlsx (with --out)");
    sub->add_option("--purpose", purpose_, "Why personal data is shown in clear (logged per case)");
    sub->add_option("--max-rows", max_rows_, "Stop after this many rows");
    sub->add_option("--out", out_, "Write here instead of stdout");
    sub->add_option("filters", filters_,
                    "NAME=VALUE filters of GET /api/v1/cases (history: from=, to=)");
  }
}

bool ExportCommand::parsed() const {
  return cases_->parsed() || history_->parsed() || ledger_->parsed();
}

int ExportCommand::run(http::ExportSources sources, Millis now) {
  http::QueryParams query;
  for (const std::string& f : filters_) {
    const auto eq = f.find('=');
    if (eq == std::string::npos || eq == 0) {
      spdlog::error("export: filter '{}' is not NAME=VALUE", f);
      return 2;
    }
    query.emplace_back(f.substr(0, eq), f.substr(eq + 1));
  }
  if (format_) query.emplace_back("format", *format_);
  if (purpose_) query.emplace_back("purpose", *purpose_);
  if (max_rows_) query.emplace_back("max_rows", std::to_string(*max_rows_));
  const auto kind = cases_->parsed()     ? http::ExportKind::cases
                    : history_->parsed() ? http::ExportKind::history
                                         : http::ExportKind::ledger;
  auto req = http::read_export_request(query, std::nullopt, kind);
  if (!req) {
    for (const auto& f : req.error().fields) spdlog::error("export: {} {}", f.field, f.message);
    return 2;
  }
  const Actor operator_actor{0, "cli", "admin", "", ""};
  if (Status s = http::admit_export(req.value(), sources.cases.permissions(), operator_actor); !s) {
    spdlog::error("export: {}", s.error().message);
    return 2;
  }
  std::ofstream file;
  if (out_) {
    file.open(*out_, std::ios::binary | std::ios::trunc);
    if (!file) {
      spdlog::error("export: cannot write {}", *out_);
      return 1;
    }
  }
  std::ostream& out = out_ ? static_cast<std::ostream&>(file) : std::cout;
  const std::string name = out_ ? *out_ : http::export_filename(req.value(), now);
  http::BodyProducer body = http::export_body(sources, std::move(req.value()), operator_actor);
  std::string piece;
  std::size_t written = 0, reported = 0;
  for (bool more = true; more;) {
    piece.clear();
    auto next = body(piece);
    if (!next) {
      spdlog::error("export: {}", next.error().message);
      return 1;
    }
    more = next.value();
    out.write(piece.data(), static_cast<std::streamsize>(piece.size()));
    written += piece.size();
    if (written - reported >= kProgressBytes) {
      reported = written;
      spdlog::info("export: {} MB written", written / (1024 * 1024));
    }
  }
  out.flush();
  if (!out) {
    spdlog::error("export: writing {} failed", name);
    return 1;
  }
  spdlog::info("export: {} bytes written to {}", written, out_ ? *out_ : std::string("stdout"));
  return 0;
}

}  // namespace outpost::cli
