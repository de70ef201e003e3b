// outpost: the one binary.
//   outpost serve   [--listen HOST:PORT] [--database URL] [--config FILE] [--log-format text|json]
//                   [--log-level LEVEL] [--demo-data] [--ready-file PATH]
//                   [--shutdown-grace SECONDS] [--metrics-token TOKEN]
//   outpost migrate [--database URL] [--config FILE]
//   outpost user add|list|disable, outpost token create|revoke (adapters/cli/user_commands.hpp)
//   outpost report kpis|definitions (adapters/cli/report_commands.hpp)
//   outpost retention run [--days N]   (de-identify cases closed longer ago;
//   engine/access/privacy.hpp)
//   outpost export cases|history …     (adapters/cli/export_command.hpp)
//   outpost import FILE --ledger NAME … (adapters/cli/import_command.hpp)
//   outpost audit public-key|generate-key|checkpoint|verify|export-bundle|verify-export
//   (adapters/cli/audit_commands.hpp)
//   outpost backup|restore|migrate-to-postgresql (adapters/cli/backup_commands.hpp)
//   outpost --help | --version
// Exit codes: 0 success (and after a clean shutdown), 1 runtime failure, 2 bad usage or settings.
#include <sodium.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <boost/json/parse.hpp>

#include "adapters/cli/audit_commands.hpp"
#include "adapters/cli/backup_commands.hpp"
#include "adapters/cli/calendar_years.hpp"
#include "adapters/cli/catalogue_editions.hpp"
#include "adapters/cli/deadline_ticker.hpp"
#include "adapters/cli/demo_data.hpp"
#include "adapters/cli/export_command.hpp"
#include "adapters/cli/import_command.hpp"
#include "adapters/cli/logging.hpp"
#include "adapters/cli/operations.hpp"
#include "adapters/cli/report_commands.hpp"
#include "adapters/cli/serve_clock.hpp"
#include "adapters/cli/user_commands.hpp"
#include "adapters/config/catalogue_json.hpp"
#include "adapters/config/config_loader.hpp"
#include "adapters/config/pii_key.hpp"
#include "adapters/config/settings.hpp"
#include "adapters/config/signing_key.hpp"
#include "adapters/documents/document_names.hpp"
#include "adapters/documents/pdf_renderer.hpp"
#include "adapters/http/api.hpp"
#include "adapters/http/health.hpp"
#include "adapters/http/server.hpp"
#include "adapters/http/session_auth.hpp"
#include "adapters/metrics/prometheus.hpp"
#include "adapters/notify/webhook_deliverer.hpp"
#include "adapters/open311/open311.hpp"
#include "adapters/storage/stores.hpp"
#include "adapters/web/assets.hpp"
#include "adapters/web/embedded_console.hpp"
#include "engine/cases/audit_chain.hpp"
#include "workflows/registry.hpp"

namespace {

using namespace outpost;

struct Flags {
  std::optional<std::string> listen, database, config_file, log_format, log_level, ready_file,
      metrics_token;
  std::optional<long long> shutdown_grace;
  bool demo_data = false;
};

int fail(int code, const std::string& message) {
  spdlog::error("{}", message);
  return code;
}

std::optional<config::Settings> resolve_settings(const Flags& f, int& exit_code) {
  config::Settings s;
  std::string file = f.config_file.value_or("");
  if (file.empty()) {
    if (const char* env = std::getenv("OUTPOST_CONFIG"); env && *env) file = env;
  }
  Status r = file.empty() ? Status(Ok{}) : config::apply_config_file(s, file);
  if (r) r = config::apply_environment(s);
  if (f.listen) s.listen = *f.listen;
  if (f.database) s.database = *f.database;
  if (f.log_format) s.log_format = *f.log_format;
  if (f.log_level) s.log_level = *f.log_level;
  if (f.demo_data) s.demo_data = true;
  if (f.shutdown_grace) s.shutdown_grace_seconds = *f.shutdown_grace;
  if (f.metrics_token) s.metrics_token = *f.metrics_token;
  if (s.config_dir.empty()) s.config_dir = config::default_config_dir();
  if (r) r = config::validate(s);
  if (auto proxies = http::TrustedProxies::parse(s.trusted_proxies); r && !proxies) {
    r = proxies.error();
  }
  if (r) r = cli::setup_logging(s.log_format, s.log_level);
  if (!r) {
    std::cerr << "outpost: " << r.error().message << "\n";
    exit_code = 2;
    return std::nullopt;
  }
  return s;
}

// Opens the database, creating the folder of an SQLite file, and migrates it.
Result<std::unique_ptr<Stores>> open_migrated(const config::Settings& s,
                                              std::shared_ptr<const PiiCipher> cipher = nullptr) {
  if (s.database.rfind("sqlite:", 0) == 0) {
    const std::filesystem::path file(s.database.substr(7));
    std::error_code ec;
    if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  }
  auto store = open_stores(
      s.database,
      DatabaseOptions{static_cast<std::size_t>(config::database_connections_for(s)), cipher});
  if (!store) return store.error();
  auto applied = store.value()->database->migrate();
  if (!applied) return applied.error();
  for (const auto& name : applied.value()) spdlog::info("applied migration {}", name);
  return std::move(store.value());
}

// open_migrated with the personal-data key (adapters/config/pii_key.hpp), for
// the commands that read or write parties; null with `exit_code` set (2: no
// usable key, 1: the database) after logging why.
std::unique_ptr<Stores> open_sealed(const config::Settings& s, int& exit_code) {
  auto key = config::load_pii_key(s);
  if (!key) {
    exit_code = fail(2, key.error().message);
    return nullptr;
  }
  if (key.value().created) {
    spdlog::warn("personal-data key created at {} (mode 0600): back it up with the database",
                 key.value().source);
  }
  auto store = open_migrated(s, std::make_shared<const PiiCipher>(key.value().key));
  if (!store) {
    exit_code = fail(1, "database: " + store.error().message);
    return nullptr;
  }
  return std::move(store.value());
}

int run_migrate(const Flags& flags) {
  int code = 0;
  auto settings = resolve_settings(flags, code);
  if (!settings) return code;
  auto store = open_migrated(*settings);
  if (!store) return fail(1, "migrate failed: " + store.error().message);
  auto version = store.value()->database->schema_version();
  spdlog::info("database schema at version {}", version ? version.value() : -1);
  return 0;
}

int with_store(const Flags& flags, const cli::StoreBody& body) {
  int code = 0;
  auto settings = resolve_settings(flags, code);
  if (!settings) return code;
  auto store = open_migrated(*settings);
  if (!store) return fail(1, "database: " + store.error().message);
  return body(store.value()->users, *settings);
}

// The report service over the migrated database, with the configured
// calendar and permissions (`outpost report kpis`).
int with_reports(const Flags& flags, const cli::ReportBody& body) {
  int code = 0;
  auto settings = resolve_settings(flags, code);
  if (!settings) return code;
  auto domain =
      config::load_domain_config(settings->config_dir, settings->calendar, settings->boundaries);
  if (!domain) return fail(2, "configuration: " + domain.error().message);
  auto store = open_migrated(*settings);
  if (!store) return fail(1, "database: " + store.error().message);
  SystemClock clock;
  ReportService reports(store.value()->reports, domain.value().permissions, domain.value().calendar,
                        clock);
  return body(reports, domain.value().statistics_classes);
}

int with_sealed_stores(const Flags& flags, const cli::StoresBody& body) {
  int code = 0;
  auto settings = resolve_settings(flags, code);
  if (!settings) return code;
  auto store = open_sealed(*settings, code);
  if (!store) return code;
  return body(*store, *settings);
}

http::LoginPolicy login_policy(const config::Settings& s) {
  http::LoginPolicy policy;
  policy.token_ttl = std::chrono::hours(s.token_ttl_hours);
  policy.throttle.max_failures = s.login_max_failures;
  policy.throttle.lock = std::chrono::seconds(s.login_lock_seconds);
  policy.throttle.backoff_after = s.login_backoff_after;
  policy.throttle.delay_step = std::chrono::milliseconds(s.login_delay_ms);
  return policy;
}

// Settings [outbox] and [[webhooks]] for the deliverer.
notify::DelivererOptions deliverer_options(const config::OutboxSettings& o) {
  using std::chrono::milliseconds;
  return {milliseconds(o.poll_interval_ms), milliseconds(o.lease_ms), milliseconds(o.timeout_ms),
          RetryPolicy{o.max_attempts, o.retry_initial_ms, o.retry_max_ms}};
}

std::vector<notify::Webhook> webhooks_of(const config::Settings& s) {
  std::vector<notify::Webhook> out;
  for (const auto& w : s.webhooks) out.push_back({w.name, w.url, w.secret, w.topics});
  return out;
}

Status write_ready_file(const std::string& path, const std::string& host, unsigned short port) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << host << ":" << port << "\n";
    if (!out) return Error::make(ErrorKind::internal, "cannot write " + path);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Error::make(ErrorKind::internal, "cannot write " + path);
  return Ok{};
}

// `outpost retention run`: de-identifies the cases closed longer than the
// retention period (engine/access/privacy.hpp) and records the run.
int run_retention(const Flags& flags, std::optional<long long> days) {
  int code = 0;
  auto settings = resolve_settings(flags, code);
  if (!settings) return code;
  const config::Settings& s = *settings;
  const long long period = days.value_or(s.retention_days);
  if (period < 0 || period > 36500) return fail(2, "--days must be 0 to 36500");
  auto store = open_sealed(s, code);
  if (!store) return code;
  SystemClock clock;
  PrivacyService privacy(store->cases, store->privacy, clock);
  spdlog::info("retention: de-identifying cases closed more than {} days ago", period);
  auto run = privacy.deidentify_closed(std::chrono::days(period), "retention", [](int done) {
    spdlog::info("retention: {} cases de-identified so far", done);
  });
  if (!run) return fail(1, "retention: " + run.error().message);
  std::cout << "de-identified " << run.value().cases << " cases closed before "
            << format_rfc3339(run.value().closed_before) << " (retention run " << run.value().id
            << ")\n";
  return 0;
}

// `outpost export cases|history`: the HTTP export's bytes, as the operator.
int run_export(const Flags& flags, cli::ExportCommand& command) {
  int code = 0;
  auto settings = resolve_settings(flags, code);
  if (!settings) return code;
  auto domain =
      config::load_domain_config(settings->config_dir, settings->calendar, settings->boundaries);
  if (!domain) return fail(2, "configuration: " + domain.error().message);
  auto store = open_sealed(*settings, code);
  if (!store) return code;
  const WorkflowRegistry workflows = builtin_workflows();
  SystemClock clock;
  const Deadlines deadlines(domain.value().deadline_policy, domain.value().calendar);
  CaseService service(store->cases, workflows, domain.value().catalogue,
                      domain.value().jurisdiction, clock, &deadlines, &domain.value().permissions);
  PrivacyService privacy(store->cases, store->privacy, clock);
  const http::ExportLabels labels(workflows, domain.value().catalogue_document,
                                  domain.value().jurisdiction_document);
  return command.run(http::ExportSources{service, &privacy, labels,
                                         &domain.value().statistics_classes, &store->directory},
                     clock.now());
}

int run_serve(const Flags& flags) {
  int code = 0;
  auto settings = resolve_settings(flags, code);
  if (!settings) return code;
  const config::Settings& s = *settings;
  auto domain = config::load_domain_config(s.config_dir, s.calendar, s.boundaries);
  if (!domain) return fail(2, "configuration: " + domain.error().message);
  auto opened = open_sealed(s, code);
  if (!opened) return code;
  Stores& stores = *opened;
  spdlog::info("database: {} (schema ready)", stores.database->backend());
  auto sealed = stores.privacy.seal_clear_parties([](std::int64_t done) {
    spdlog::info("personal data: {} cases written before encryption sealed so far", done);
  });
  if (!sealed) return fail(1, "personal data: " + sealed.error().message);
  if (sealed.value() > 0) spdlog::info("personal data: sealed {} cases", sealed.value());
  auto masked = stores.privacy.mask_stored_parties([](std::int64_t done) {
    spdlog::info("personal data: masked parties stored for lists, {} cases so far", done);
  });
  if (!masked) return fail(1, "personal data: " + masked.error().message);
  if (masked.value() > 0) {
    spdlog::info("personal data: masked parties stored for lists, {} cases", masked.value());
  }

  if (const char* token = std::getenv("OUTPOST_BOOTSTRAP_TOKEN"); token && *token) {
    auto admin = stores.users.ensure_user_with_token("admin", "admin", sha256_hex(token));
    if (!admin) return fail(1, "bootstrap admin: " + admin.error().message);
    spdlog::info("bootstrap admin user ready (token from OUTPOST_BOOTSTRAP_TOKEN)");
  }

  auto directory = stores.directory.seed_directory(departments_of(domain.value().catalogue),
                                                   domain.value().staff);
  if (!directory) return fail(1, "directory: " + directory.error().message);
  spdlog::info("directory: seeded {} departments and {} staff members",
               directory.value().departments, directory.value().staff);

  const WorkflowRegistry workflows = builtin_workflows();
  const cli::ServeClock clock;
  if (clock.is_test_clock()) spdlog::warn("test clock: offset from {}", clock.offset_file());
  Deadlines deadlines(domain.value().deadline_policy, domain.value().calendar);
  const Permissions& permissions = domain.value().permissions;
  CaseService service(stores.cases, workflows, domain.value().catalogue,
                      domain.value().jurisdiction, clock, &deadlines, &permissions);
  // The catalogue in force is the database's; config/catalogue.json seeds it.
  CatalogueService catalogue(stores.catalogue, config::parse_catalogue_document, permissions,
                             clock);
  if (Status c = cli::start_catalogue(catalogue, domain.value().catalogue_document, deadlines,
                                      stores.directory);
      !c) {
    return fail(1, "catalogue: " + c.error().message);
  }
  service.set_catalogue_source([&catalogue] { return catalogue.current()->catalogue; });
  // Exports, Open311's services and the documents' names use the edition in
  // force at start (a later edit shows there after a restart).
  const std::shared_ptr<const CatalogueState> catalogue_at_start = catalogue.current();
  const boost::json::value catalogue_document =
      boost::json::parse(catalogue_at_start->edition.document);
  service.set_grid_leader_lookup([&stores](std::string_view grid) -> std::optional<std::string> {
    auto leader = stores.directory.find_grid_leader(grid);
    if (!leader || !leader.value()) return std::nullopt;
    return leader.value()->id;
  });
  service.set_staff_lookup([&stores](std::string_view id) -> Result<std::optional<RosterEntry>> {
    auto member = stores.directory.find_staff(id);
    if (!member) return member.error();
    if (!member.value()) return std::optional<RosterEntry>{};
    return std::optional<RosterEntry>{
        RosterEntry{member.value()->department, member.value()->active}};
  });
  const auto attachment_limit = static_cast<std::size_t>(s.attachment_limit_bytes);
  AnnotationService annotations(stores.cases, stores.annotations, clock, attachment_limit,
                                &permissions);

  if (s.demo_data) {
    // The demo user has no usable token: it exists only to be named in history.
    // It is an admin because it takes cases through every role's steps.
    std::array<unsigned char, 32> secret{};
    randombytes_buf(secret.data(), secret.size());
    auto demo = stores.users.ensure_user_with_token(
        "demo", "admin",
        sha256_hex(std::string_view(reinterpret_cast<char*>(secret.data()), secret.size())));
    if (!demo) return fail(1, "demo user: " + demo.error().message);
    const Actor actor{demo.value().id, demo.value().username, demo.value().role, "", ""};
    auto seeded = cli::seed_demo_data(service, stores.cases, domain.value().jurisdiction,
                                      domain.value().catalogue, actor);
    if (!seeded) return fail(1, "demo data: " + seeded.error().message);
    if (seeded.value() > 0) spdlog::info("created {} demo cases", seeded.value());
  }

  http::Authenticator auth(stores.users);
  http::ApiContext ctx{service,
                       stores.users,
                       auth,
                       workflows,
                       catalogue_document,
                       domain.value().jurisdiction,
                       domain.value().jurisdiction_document,
                       stores.directory,
                       annotations,
                       &stores.users,
                       login_policy(s),
                       &stores.outbox};
  // The console's session cookie. The server speaks plain HTTP: a TLS proxy
  // among [http] trusted_proxies (or, with none configured, on this host) is
  // the one whose X-Forwarded-Proto makes it Secure.
  const SessionPolicy session_policy{std::chrono::seconds(s.session_idle_seconds),
                                     std::chrono::hours(s.token_ttl_hours)};
  const auto tls_proxies = http::TrustedProxies::parse(s.trusted_proxies).value();
  http::SessionAuth sessions(stores.sessions, session_policy, [tls_proxies](std::string_view peer) {
    if (!tls_proxies.empty()) return tls_proxies.contains(peer);
    return peer == "127.0.0.1" || peer == "::1" || peer == "::ffff:127.0.0.1";
  });
  auth.use_sessions(&sessions);
  ctx.sessions = &sessions;
  PrivacyService privacy(stores.cases, stores.privacy, clock);
  ctx.privacy = &privacy;
  ctx.privacy_store = &stores.privacy;
  auto signing_key = config::load_signing_key(s);
  if (!signing_key) return fail(2, signing_key.error().message);
  if (signing_key.value().created) {
    spdlog::warn("checkpoint signing key created at {} (mode 0600): back it up with the database",
                 signing_key.value().source);
  }
  const proof::SigningKey& key = signing_key.value().key;
  HistoryProofs proofs(stores.proofs, &key, key.verifier(), clock);
  ctx.proofs = &proofs;
  ctx.proof_store = &stores.proofs;
  // Sign-off binds the audit to the checkpoint covering its period.
  AuditService audits(stores.audits, builtin_audit_workflow(), domain.value().audit_permissions,
                      domain.value().catalogue, domain.value().finding_categories, clock,
                      &stores.users, &proofs);
  ctx.audits = &audits;
  ReportService reports(stores.reports, permissions, domain.value().calendar, clock);
  ctx.reports = &reports;
  ctx.statistics_classes = &domain.value().statistics_classes;
  CalendarService calendar_years(stores.calendar, deadlines.calendar(), permissions, clock);
  if (Status c = cli::start_calendar_years(calendar_years, deadlines.calendar()); !c)
    return fail(1, "calendar years: " + c.error().message);
  ctx.calendar = &calendar_years;
  ctx.locator = &domain.value().locator;
  ctx.catalogue = &catalogue;
  ctx.imports = &stores.imports;
  documents::PdfRenderer pdf;
  DocumentService documents(stores.cases, stores.documents, stores.annotations, pdf, stores.privacy,
                            documents::document_names(domain.value().jurisdiction_document,
                                                      *catalogue_at_start->catalogue),
                            clock, attachment_limit, &permissions, &stores.directory);
  ctx.documents = &documents;
  // Counts for GET /metrics (engine/core/metrics.hpp, adapters/metrics).
  metrics::Prometheus prometheus(workflows, OUTPOST_VERSION);
  for (auto& gauges : cli::database_gauges(*stores.database, workflows))
    prometheus.add_gauges(std::move(gauges));
  service.set_metrics(&prometheus);
  ctx.metrics = &prometheus;
  http::Router router;
  http::register_api(router, ctx);
  open311::Context open311_ctx{service,
                               stores.cases,
                               stores.annotations,
                               stores.users,
                               stores.users,
                               stores.channels,
                               *catalogue_at_start->catalogue,
                               catalogue_document,
                               domain.value().jurisdiction,
                               domain.value().jurisdiction_document,
                               &domain.value().locator,
                               auth,
                               clock};
  try {
    open311::register_routes(router, open311_ctx);
  } catch (const std::invalid_argument& e) {
    return fail(2, std::string("configuration: catalogue: ") + e.what());
  }
  // The console, built and embedded with the binary, under /.
  const web::AssetServer console{web::embedded_console()};
  http::Readiness readiness([&stores] { return cli::database_ready(*stores.database); },
                            std::chrono::seconds(2));
  http::register_health_routes(router, readiness);
  metrics::register_metrics_route(router, prometheus, s.metrics_token);
  web::register_console_routes(router, console);
  prometheus.bind_routes(router.listing());
  for (const auto& r : router.listing()) spdlog::debug("route {} {}", r.method, r.pattern);

  // Delivers the outbox until shutdown; stopped before the store closes.
  notify::WebhookDeliverer deliverer(stores.outbox, clock, webhooks_of(s),
                                     deliverer_options(s.outbox));
  deliverer.set_metrics(&prometheus);
  deliverer.start();
  // Fires deadline timers until shutdown, this process's share when several
  // share one PostgreSQL.
  DeadlineScheduler scheduler(stores.timers, deadlines, clock);
  scheduler.set_metrics(&prometheus);
  cli::DeadlineTicker ticker(scheduler, std::chrono::milliseconds(s.deadline_interval_ms));
  // Sequences the history log and signs the day's (and quarter's) checkpoint
  // once: the first time before the server answers, so a verification right
  // after start-up finds the last day end's checkpoint.
  auto checkpoints = cli::checkpoint_chore(proofs, clock);
  checkpoints();
  ticker.add_chore(std::move(checkpoints));
  ticker.add_chore(cli::calendar_refresh_chore(calendar_years, clock));
  ticker.add_chore(cli::catalogue_refresh_chore(catalogue, clock));
  ticker.start();

  std::string host;
  unsigned short port = 0;
  config::split_listen(s.listen, host, port);
  http::ServerOptions options;
  options.host = host;
  options.port = port;
  options.io_threads = s.io_threads;
  options.worker_threads = config::worker_threads_for(s);
  options.body_limit = static_cast<std::size_t>(s.body_limit_bytes);
  options.body_limit_rules.push_back({"POST", http::kAttachmentUploadSuffix, attachment_limit});
  options.body_limit_rules.push_back(
      {"POST", http::kImportUploadSuffix, static_cast<std::size_t>(s.import_limit_bytes)});
  options.header_limit = static_cast<std::size_t>(s.header_limit_bytes);
  options.idle_timeout = std::chrono::seconds(s.idle_timeout_seconds);
  options.read_timeout = std::chrono::seconds(s.read_timeout_seconds);
  options.shutdown_grace = std::chrono::seconds(s.shutdown_grace_seconds);
  options.trusted_proxies = http::TrustedProxies::parse(s.trusted_proxies).value();
  options.on_shutdown = [&readiness] { readiness.begin_draining(); };
  options.observer = &prometheus;
  http::Server server(options, router);
  auto bound = server.listen();
  if (!bound) return fail(1, bound.error().message);
  spdlog::info("outpost {} listening on http://{}:{}", OUTPOST_VERSION, host, bound.value());
  if (flags.ready_file) {
    if (Status w = write_ready_file(*flags.ready_file, host, bound.value()); !w)
      return fail(1, w.error().message);
  }
  server.run();
  ticker.stop();
  deliverer.stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (sodium_init() < 0) {
    std::cerr << "outpost: libsodium failed to initialise\n";
    return 1;
  }
  CLI::App app{"Outpost: dispute-mediation and case-workflow engine (矛盾纠纷调处与诉求流转)"};
  app.set_version_flag("--version", std::string("outpost ") + OUTPOST_VERSION);
  app.require_subcommand(1);
  Flags flags;
  auto add_common = [&](CLI::App* cmd) {
    cmd->add_option("--database", flags.database,
                    "sqlite:PATH or postgresql://… (env OUTPOST_DATABASE)");
    cmd->add_option("--config", flags.config_file, "TOML settings file (env OUTPOST_CONFIG)");
    cmd->add_option("--log-format", flags.log_format, "text or json (env OUTPOST_LOG_FORMAT)");
    cmd->add_option("--log-level", flags.log_level,
                    "trace|debug|info|warn|error (env OUTPOST_LOG_LEVEL)");
  };
  CLI::App* serve = app.add_subcommand("serve", "Run the HTTP server (applies migrations first)");
  add_common(serve);
  serve->add_option("--listen", flags.listen,
                    "HOST:PORT to listen on (env OUTPOST_LISTEN; default 127.0.0.1:8080)");
  serve->add_flag("--demo-data", flags.demo_data,
                  "Seed demonstration cases into an empty database");
  serve->add_option("--ready-file", flags.ready_file,
                    "Write HOST:PORT to this file once listening");
  serve->add_option("--metrics-token", flags.metrics_token,
                    "Bearer token for GET /metrics; without one /metrics is not served (env "
                    "OUTPOST_METRICS_TOKEN, which keeps it out of the process list)");
  serve->add_option("--shutdown-grace", flags.shutdown_grace,
                    "Seconds to finish requests in flight after SIGTERM ([http] "
                    "shutdown_grace_seconds; default 20)");
  CLI::App* migrate = app.add_subcommand("migrate", "Apply pending database schema migrations");
  add_common(migrate);
  cli::UserCommands user_commands(app, add_common);
  cli::ReportCommands report_commands(app, add_common);
  cli::AuditCommands audit_commands(app, add_common);
  CLI::App* retention = app.add_subcommand("retention", "Personal-data retention (PIPL)");
  retention->require_subcommand(1);
  CLI::App* retention_run = retention->add_subcommand(
      "run", "De-identify the parties of cases closed longer than [retention] closed_days");
  add_common(retention_run);
  std::optional<long long> retention_days;
  retention_run->add_option("--days", retention_days,
                            "Retention period in days (default [retention] closed_days, 1095)");
  cli::ExportCommand export_command(app, add_common);
  cli::ImportCommand import_command(app, add_common);
  cli::BackupCommands backup_commands(app, add_common);
  CLI11_PARSE(app, argc, argv);
  if (serve->parsed()) return run_serve(flags);
  if (export_command.parsed()) return run_export(flags, export_command);
  if (import_command.parsed()) {
    return with_sealed_stores(flags, [&](Stores& stores, const config::Settings& s) {
      return import_command.run(stores, s);
    });
  }
  if (retention_run->parsed()) return run_retention(flags, retention_days);
  if (auto code = report_commands.run(
          [&flags](const cli::ReportBody& body) { return with_reports(flags, body); })) {
    return *code;
  }
  const cli::WithSettings with_settings =
      [&flags](const std::function<int(const config::Settings&)>& body) {
        int code = 0;
        auto settings = resolve_settings(flags, code);
        return settings ? body(*settings) : code;
      };
  if (auto code = audit_commands.run(
          [&flags](const cli::StoresBody& body) { return with_sealed_stores(flags, body); },
          with_settings)) {
    return *code;
  }
  if (auto code = backup_commands.run(
          with_settings, [&flags](const std::string& url, const cli::StoresBody& body) {
            Flags target = flags;
            target.database = url;
            return with_sealed_stores(target, body);
          })) {
    return *code;
  }
  if (auto code = user_commands.run(
          [&flags](const cli::StoreBody& body) { return with_store(flags, body); })) {
    return *code;
  }
  return run_migrate(flags);
}
