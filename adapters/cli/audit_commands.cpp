#include "adapters/cli/audit_commands.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "adapters/cli/document_commands.hpp"
#include "adapters/config/signing_key.hpp"
#include "adapters/http/proof_json.hpp"
#include "engine/proof/history_proofs.hpp"

namespace outpost::cli {
namespace {

constexpr int kCasePage = 500;

int fail(int code, const std::string& message) {
  std::cerr << "outpost audit: " << message << "\n";
  return code;
}

std::string bad_entry_text(const BadEntry& bad) {
  return "case " + std::to_string(bad.case_id) + " seq " + std::to_string(bad.seq) + " (" +
         bad.field + "): expected " + bad.expected + ", found " +
         (bad.found.empty() ? "(no valid proof)" : bad.found);
}

// HistoryProofs over the stores with the configured key; null after printing why.
std::unique_ptr<HistoryProofs> proofs_of(Stores& stores, const config::Settings& s,
                                         std::optional<proof::SigningKey>& key,
                                         const Clock& clock) {
  auto loaded = config::load_signing_key(s);
  if (!loaded) {
    fail(2, loaded.error().message);
    return nullptr;
  }
  if (loaded.value().created) {
    std::cerr << "outpost audit: signing key created at " << loaded.value().source
              << " (mode 0600): back it up with the database\n";
  }
  key = loaded.value().key;
  return std::make_unique<HistoryProofs>(stores.proofs, &*key, key->verifier(), clock);
}

std::vector<CaseId> parse_ids(const std::string& text) {
  std::vector<CaseId> ids;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) {
    try {
      std::size_t used = 0;
      const long long id = std::stoll(part, &used);
      if (used != part.size() || id <= 0) return {};
      ids.push_back(id);
    } catch (const std::exception&) {
      return {};
    }
  }
  return ids;
}

}  // namespace

AuditCommands::AuditCommands(CLI::App& app, const std::function<void(CLI::App*)>& add_common) {
  CLI::App* audit = app.add_subcommand("audit", "History proofs: verify, checkpoints, bundles");
  audit->require_subcommand(1);
  public_key_ = audit->add_subcommand("public-key", "Print the checkpoints' verifier key");
  add_common(public_key_);
  generate_key_ = audit->add_subcommand("generate-key", "Write a new signing key file (0600)");
  generate_key_->add_option("FILE", file_, "Where to write the key")->required();
  generate_key_->add_option("--origin", origin_, "The log's name (checkpoint origin)");
  checkpoint_ = audit->add_subcommand("checkpoint", "Sign a checkpoint of the whole history now");
  add_common(checkpoint_);
  verify_ = audit->add_subcommand("verify", "Verify history chains against the signed checkpoint");
  add_common(verify_);
  verify_->add_option("--case", case_id_, "Only this case");
  export_bundle_ = audit->add_subcommand("export-bundle", "Write an audit bundle (JSON)");
  add_common(export_bundle_);
  export_bundle_->add_option("--cases", cases_, "Case ids, e.g. 1,2,3")->required();
  export_bundle_->add_option("--out", out_, "File to write (default: standard output)");
  verify_document_ = audit->add_subcommand(
      "verify-document", "Check a printed document's PDF against the history and the checkpoint");
  add_common(verify_document_);
  verify_document_->add_option("FILE", file_, "The PDF")->required();
  verify_export_ = audit->add_subcommand("verify-export", "Check an audit bundle offline");
  verify_export_->add_option("FILE", file_, "The bundle")->required();
  verify_export_->add_option("--key", key_, "Verifier key text, or a file holding it")->required();
}

std::optional<int> AuditCommands::run(const WithStores& with_stores,
                                      const WithSettings& with_settings) {
  if (generate_key_->parsed()) {
    auto made = config::generate_signing_key_file(file_, origin_);
    if (!made) return fail(2, made.error().message);
    std::cout << made.value().key.verifier().to_text() << "\n";
    return 0;
  }
  if (verify_export_->parsed()) return verify_export();
  if (public_key_->parsed()) {
    return with_settings([](const config::Settings& s) {
      auto loaded = config::load_signing_key(s);
      if (!loaded) return fail(2, loaded.error().message);
      std::cout << loaded.value().key.verifier().to_text() << "\n";
      return 0;
    });
  }
  if (checkpoint_->parsed()) {
    return with_stores([](Stores& stores, const config::Settings& s) {
      SystemClock clock;
      std::optional<proof::SigningKey> key;
      auto proofs = proofs_of(stores, s, key, clock);
      if (!proofs) return 2;
      auto cp = proofs->sign(std::nullopt);
      if (!cp) return fail(1, cp.error().message);
      std::cout << cp.value().note;
      return 0;
    });
  }
  if (verify_->parsed()) {
    return with_stores([this](Stores& stores, const config::Settings& s) {
      return verify_history(stores, s, case_id_);
    });
  }
  if (verify_document_->parsed()) {
    return with_stores([this](Stores& stores, const config::Settings& s) {
      SystemClock clock;
      std::optional<proof::SigningKey> key;
      auto proofs = proofs_of(stores, s, key, clock);
      if (!proofs) return 2;
      return verify_document(stores, *proofs, file_);
    });
  }
  if (export_bundle_->parsed()) {
    return with_stores(
        [this](Stores& stores, const config::Settings& s) { return export_bundle(stores, s); });
  }
  return std::nullopt;
}

namespace {

// The first thing wrong with one case (chain, then the signed checkpoint).
std::optional<std::string> case_failure(const CaseVerification& v, const HistoryProofs& proofs) {
  if (v.first_bad) return "chain broken at " + bad_entry_text(*v.first_bad);
  if (v.checkpoint && !v.signature_ok) {
    return "the latest checkpoint's signature does not verify with " + proofs.verifier().to_text();
  }
  if (v.first_not_proven) {
    return "not proven by the signed checkpoint: " + bad_entry_text(*v.first_not_proven);
  }
  return std::nullopt;
}

// The first thing wrong with the whole log against the signed checkpoint.
std::optional<std::string> log_failure(const LogVerification& v, const HistoryProofs& proofs) {
  if (!v.checkpoint) return std::nullopt;
  if (!v.signature_ok) {
    return "the latest checkpoint's signature does not verify with " + proofs.verifier().to_text();
  }
  if (v.first_bad) return "not proven by the signed checkpoint: " + bad_entry_text(*v.first_bad);
  if (!v.root_ok) return "the log's leaves do not rebuild the signed root (the tree was rewritten)";
  return std::nullopt;
}

}  // namespace

int verify_history(Stores& stores, const config::Settings& s, std::optional<long long> case_id) {
  SystemClock clock;
  std::optional<proof::SigningKey> key;
  auto proofs = proofs_of(stores, s, key, clock);
  if (!proofs) return 2;
  std::int64_t cases = 0, entries = 0;
  std::optional<std::string> failure;
  if (case_id) {
    auto history = stores.cases.history(*case_id);
    if (!history) return fail(1, history.error().message);
    auto report = proofs->verify_case(*case_id, history.value());
    if (!report) return fail(1, report.error().message);
    cases = 1;
    entries = report.value().entries_checked;
    failure = case_failure(report.value(), *proofs);
  } else {
    // Every chain, case by case; then every leaf of the signed tree in one
    // pass (which proves each entry's inclusion without a proof per entry).
    for (CaseId after = 0;;) {
      auto page = stores.proofs.cases_after(after, kCasePage);
      if (!page) return fail(1, page.error().message);
      for (CaseId id : page.value()) {
        auto history = stores.cases.history(id);
        if (!history) return fail(1, history.error().message);
        ++cases;
        entries += static_cast<std::int64_t>(history.value().size());
        if (auto bad = first_bad_link(history.value()); bad && !failure) {
          failure = "chain broken at " + bad_entry_text(*bad);
        }
      }
      if (page.value().size() < static_cast<std::size_t>(kCasePage)) break;
      after = page.value().back();
      std::cerr << "outpost audit: " << cases << " chains verified so far\n";
    }
    auto log = proofs->verify_log();
    if (!log) return fail(1, log.error().message);
    std::cerr << "outpost audit: " << log.value().entries
              << " log entries checked against the signed checkpoint\n";
    if (!failure) failure = log_failure(log.value(), *proofs);
  }
  if (failure) {
    std::cout << "历史记录校验失败 / history verification FAILED: " << *failure << "\n";
    return 1;
  }
  std::cout << "历史记录校验通过 / history verified: " << cases << " cases, " << entries
            << " entries\n";
  return 0;
}

int AuditCommands::export_bundle(Stores& stores, const config::Settings& s) {
  const std::vector<CaseId> ids = parse_ids(cases_);
  if (ids.empty()) return fail(2, "--cases must be case ids separated by commas");
  SystemClock clock;
  std::optional<proof::SigningKey> key;
  auto proofs = proofs_of(stores, s, key, clock);
  if (!proofs) return 2;
  std::vector<std::pair<Case, std::vector<HistoryEntry>>> cases;
  for (CaseId id : ids) {
    auto c = stores.cases.find_case(id);
    if (!c) return fail(1, "case " + std::to_string(id) + ": " + c.error().message);
    if (!c.value()) return fail(1, "case " + std::to_string(id) + " does not exist");
    auto history = stores.cases.history(id);
    if (!history) return fail(1, history.error().message);
    cases.emplace_back(std::move(*c.value()), std::move(history.value()));
  }
  auto bundle = proofs->bundle(cases);
  if (!bundle) return fail(1, bundle.error().message);
  const std::string text =
      boost::json::serialize(http::bundle_to_json(bundle.value(), proofs->verifier())) + "\n";
  if (out_.empty()) {
    std::cout << text;
    return 0;
  }
  std::ofstream out(out_, std::ios::binary);
  out << text;
  if (!out) return fail(1, "cannot write " + out_);
  std::cerr << "outpost audit: bundle of " << ids.size() << " cases written to " << out_ << "\n";
  return 0;
}

int AuditCommands::verify_export() {
  std::string key_text = key_;
  if (std::ifstream key_file(key_); key_file) {
    std::getline(key_file, key_text);
  }
  auto key = proof::VerifierKey::from_text(key_text);
  if (!key) return fail(2, key.error().message);
  std::ifstream in(file_, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return fail(2, "cannot read " + file_);
  boost::system::error_code ec;
  const boost::json::value doc = boost::json::parse(text.str(), ec);
  if (ec) return fail(1, file_ + " is not JSON: " + ec.message());
  auto bundle = http::bundle_from_json(doc);
  if (!bundle) {
    const auto& e = bundle.error();
    return fail(1,
                file_ + ": " +
                    (e.fields.empty() ? e.message : e.fields[0].field + " " + e.fields[0].message));
  }
  const BundleCheck check = verify_audit_bundle(bundle.value(), key.value());
  if (!check.ok()) {
    std::cout << "审计包校验失败 / audit bundle verification FAILED (" << check.failures.size()
              << " problems)\n";
    for (const std::string& f : check.failures) std::cout << "  " << f << "\n";
    return 1;
  }
  std::cout << "审计包校验通过 / audit bundle verified: " << check.cases << " cases, "
            << check.entries << " entries, each proven in the signed checkpoint of "
            << check.tree_size << " entries (key " << key.value().name << ")\n";
  return 0;
}

}  // namespace outpost::cli
