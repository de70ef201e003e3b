// File: adapters/config/settings.hpp
//
// The server's settings, from (lowest to highest precedence) built-in
// defaults, a TOML file (--config FILE or OUTPOST_CONFIG), OUTPOST_*
// environment variables, and command-line flags (applied by the caller).
// config/outpost.toml documents every key with its default.
//
//   Settings s;
//   if (auto r = apply_config_file(s, path); !r) fail(r.error().message);
//   apply_environment(s);
#pragma once

#include <string>
#include <vector>

#include "engine/core/error.hpp"

namespace outpost::config {

// [outbox]: the webhook deliverer (adapters/notify/webhook_deliverer.hpp).
struct OutboxSettings {
  long long poll_interval_ms = 1000;  // how often due messages are looked for
  long long lease_ms = 30000;         // a claimed message is left alone this long
  int max_attempts = 8;               // then the message is dead
  long long retry_initial_ms = 1000;  // wait after the first failure; doubles per attempt
  long long retry_max_ms = 600000;    // the longest wait between attempts
  long long timeout_ms = 5000;        // per request to a webhook
};

// [[webhooks]]: one receiver of the outbox.
struct WebhookSettings {
  std::string name;
  std::string url;                  // http:// or https://
  std::string secret;               // HMAC-SHA256 key; or from the variable named by secret_env
  std::vector<std::string> topics;  // empty: every topic
};

struct Settings {
  std::string listen = "127.0.0.1:8080";
  std::string database = "sqlite:var/outpost.db";
  std::string config_dir;           // empty: the shipped config/ folder
  std::string log_format = "text";  // text | json
  std::string log_level = "info";   // trace | debug | info | warn | error
  bool demo_data = false;           // seed demo cases into an empty database
  int io_threads = 0;      // 0: the worker threads do their own socket I/O (http::ServerOptions)
  int worker_threads = 0;  // threads running handlers; 0: worker_threads_for()
  int database_connections = 0;  // the connection pool; 0: database_connections_for()
  long long body_limit_bytes = 1024 * 1024;
  long long attachment_limit_bytes = 10 * 1024 * 1024;  // POST /api/v1/cases/{id}/attachments
  long long import_limit_bytes = 64 * 1024 * 1024;      // POST /api/v1/imports (a ledger file)
  long long header_limit_bytes = 8 * 1024;
  long long idle_timeout_seconds = 60;
  long long read_timeout_seconds = 30;
  long long shutdown_grace_seconds = 20;
  // [http] metrics_token (OUTPOST_METRICS_TOKEN): the bearer token GET /metrics
  // asks for; empty (the default): /metrics is not served.
  std::string metrics_token;
  // [http] trusted_proxies: IP addresses or CIDR networks of reverse proxies
  // whose X-Forwarded-For names the client (adapters/http/client_address.hpp).
  std::vector<std::string> trusted_proxies;
  // [auth]: login tokens, the failed-login lock and back-off
  // (engine/access/login_policy.hpp).
  long long token_ttl_hours = 12;  // lifetime of tokens from login and `token create`
  int login_max_failures = 10;     // consecutive failures per account or address before the lock
  long long login_lock_seconds = 900;  // how long a locked account or address gets 429
  int login_backoff_after = 5;         // consecutive failures from which the back-off applies
  long long login_delay_ms = 200;      // back-off per consecutive failure (capped at 3 s), then 429
  // The console's sessions: [auth] session_idle_minutes (default 30) without a
  // request ends one; OUTPOST_SESSION_IDLE_SECONDS sets it in seconds (tests).
  long long session_idle_seconds = 30 * 60;
  // [deadlines]: the working-day calendar (a file in config_dir, or a path)
  // and how often due deadline timers are looked for.
  std::string calendar = "calendar.json";
  // [jurisdiction] boundaries: the boundaries of communities, grids and
  // micro-grids and the named places (a file in config_dir, or a path).
  std::string boundaries = "boundaries.geojson";
  // [pii]: the personal-data key file (adapters/config/pii_key.hpp); empty:
  // "<database file>.key" for SQLite, required for PostgreSQL.
  std::string pii_key_file;
  // [audit]: the history checkpoints' Ed25519 signing key file
  // (adapters/config/signing_key.hpp); empty: "<database file>.signing-key"
  // for SQLite, required for PostgreSQL. `origin` names a key created here.
  std::string audit_signing_key_file;
  std::string audit_origin = "outpost.pinganlongfengqiao/history";
  // [retention]: cases closed longer than this are de-identified by
  // `outpost retention run` (3 years).
  long long retention_days = 1095;
  long long deadline_interval_ms = 1000;
  OutboxSettings outbox;
  std::vector<WebhookSettings> webhooks;  // none: the deliverer does not run
};

// A webhook's `secret_env = "NAME"` is resolved here: the secret is read from
// the environment variable NAME, which must be set.
Status apply_config_file(Settings& s, const std::string& path);
// Reads OUTPOST_LISTEN, OUTPOST_DATABASE, OUTPOST_CONFIG_DIR, OUTPOST_LOG_FORMAT,
// OUTPOST_LOG_LEVEL, OUTPOST_DEMO_DATA, OUTPOST_IO_THREADS, OUTPOST_WORKER_THREADS,
// OUTPOST_DATABASE_CONNECTIONS,
// OUTPOST_ATTACHMENT_LIMIT_BYTES, OUTPOST_TOKEN_TTL_HOURS, OUTPOST_LOGIN_MAX_FAILURES,
// OUTPOST_LOGIN_LOCK_SECONDS, OUTPOST_LOGIN_BACKOFF_AFTER, OUTPOST_LOGIN_DELAY_MS,
// OUTPOST_CALENDAR, OUTPOST_BOUNDARIES, OUTPOST_DEADLINE_INTERVAL_MS, OUTPOST_PII_KEY_FILE,
// OUTPOST_RETENTION_DAYS, OUTPOST_TRUSTED_PROXIES (comma-separated).
Status apply_environment(Settings& s);
// Checks ranges and names; the message says which setting is wrong.
Status validate(const Settings& s);

// The threads that run handlers when worker_threads is 0. PostgreSQL: 4 — on
// 2 cores more connections served fewer transitions (bench/RESULTS.md); a GET
// of one case holds no thread while its read waits (its reads are batched,
// adapters/storage/case_reads.hpp). SQLite: 16 — its writers share one
// transaction and one fsync (group commit, adapters/storage), so the more
// writes wait together the more each fsync carries: 3,176 transitions/s with
// 4, 5,526 with 16.
inline constexpr int kPostgresqlWorkerThreads = 4;
inline constexpr int kSqliteWorkerThreads = 16;
int worker_threads_for(const Settings& s);
// The threads that run the batched reads of single cases on PostgreSQL, each
// with a connection while it reads (storage::CaseReads starts this many).
inline constexpr int kPostgresqlReadThreads = 2;
// The connections when database_connections is 0: one per worker thread, and
// on PostgreSQL one more for each thread that runs the batched reads.
int database_connections_for(const Settings& s);

// "HOST:PORT" split; false when malformed.
bool split_listen(const std::string& listen, std::string& host, unsigned short& port);

}  // namespace outpost::config
