#include "adapters/config/settings.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <initializer_list>
#include <set>

#include <toml++/toml.h>

#include "engine/notify/outbox.hpp"

namespace outpost::config {
namespace {

constexpr long long kMaxAttachmentLimit = 256LL * 1024 * 1024;

Error setting_error(const std::string& name, const std::string& message) {
  return Error::make(ErrorKind::invalid, "setting " + name + ": " + message);
}

template <class T>
Status read_int(const char* env, T& out) {
  const char* v = std::getenv(env);
  if (!v || !*v) return Ok{};
  long long n = 0;
  const std::string_view text(v);
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return setting_error(env, "must be a whole number");
  }
  out = static_cast<T>(n);
  return Ok{};
}

void read_text(const char* env, std::string& out) {
  if (const char* v = std::getenv(env); v && *v) out = v;
}

// [http] trusted_proxies = ["10.0.0.5", "192.168.0.0/16"]: a list of strings.
Status read_trusted_proxies(const toml::node* node, std::vector<std::string>& out) {
  if (node == nullptr) return Ok{};
  const toml::array* list = node->as_array();
  const auto bad = [] {
    return setting_error("http.trusted_proxies", "must be an array of IP addresses or networks");
  };
  if (list == nullptr) return bad();
  out.clear();
  for (const toml::node& entry : *list) {
    if (!entry.is_string()) return bad();
    out.push_back(entry.value_or(std::string()));
  }
  return Ok{};
}

// OUTPOST_TRUSTED_PROXIES="10.0.0.5,192.168.0.0/16" replaces the file's list.
void read_list(const char* env, std::vector<std::string>& out) {
  const char* v = std::getenv(env);
  if (!v || !*v) return;
  out.clear();
  std::string_view rest(v);
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    if (!item.empty()) out.emplace_back(item);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
}

// [outbox] and [[webhooks]] are read strictly: a misspelt key or a value of
// the wrong type could otherwise silently change where notifications go.
Status check_keys(const toml::table& table, const std::string& where,
                  std::initializer_list<std::string_view> known) {
  for (auto&& [key, value] : table) {
    if (std::find(known.begin(), known.end(), key.str()) == known.end()) {
      return setting_error(where + "." + std::string(key.str()), "is not a setting");
    }
  }
  return Ok{};
}

template <class T>
Status read_integer(const toml::table& table, const std::string& where, std::string_view key,
                    T& out) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return Ok{};
  const std::optional<long long> value = node->value_exact<long long>();
  if (!value) return setting_error(where + "." + std::string(key), "must be a whole number");
  out = static_cast<T>(*value);
  return Ok{};
}

Status read_string(const toml::table& table, const std::string& where, std::string_view key,
                   std::string& out) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return Ok{};
  if (!node->is_string()) return setting_error(where + "." + std::string(key), "must be a string");
  out = node->value_or(std::string());
  return Ok{};
}

Status read_outbox(const toml::table& t, OutboxSettings& o) {
  const toml::node* node = t.get("outbox");
  if (node == nullptr) return Ok{};
  const toml::table* table = node->as_table();
  if (table == nullptr) return setting_error("outbox", "must be a table ([outbox])");
  const std::string where = "outbox";
  if (Status r = check_keys(*table, where,
                            {"poll_interval_ms", "lease_ms", "max_attempts", "retry_initial_ms",
                             "retry_max_ms", "timeout_ms"});
      !r) {
    return r;
  }
  for (auto [key, out] :
       {std::pair{"poll_interval_ms", &o.poll_interval_ms}, std::pair{"lease_ms", &o.lease_ms},
        std::pair{"retry_initial_ms", &o.retry_initial_ms},
        std::pair{"retry_max_ms", &o.retry_max_ms}, std::pair{"timeout_ms", &o.timeout_ms}}) {
    if (Status r = read_integer(*table, where, key, *out); !r) return r;
  }
  return read_integer(*table, where, "max_attempts", o.max_attempts);
}

// `secret_env = "NAME"`: the secret is the value of the environment variable NAME.
Status read_secret(const toml::table& table, const std::string& where, std::string& secret) {
  std::string variable;
  if (Status r = read_string(table, where, "secret_env", variable); !r) return r;
  if (variable.empty()) return read_string(table, where, "secret", secret);
  if (table.contains("secret")) {
    return setting_error(where, "give either secret or secret_env, not both");
  }
  const char* value = std::getenv(variable.c_str());
  if (value == nullptr || *value == '\0') {
    return setting_error(where + ".secret_env",
                         "the environment variable " + variable + " is not set");
  }
  secret = value;
  return Ok{};
}

Status read_webhook(const toml::table& table, const std::string& where, WebhookSettings& w) {
  if (Status r = check_keys(table, where, {"name", "url", "secret", "secret_env", "topics"}); !r) {
    return r;
  }
  if (Status r = read_string(table, where, "name", w.name); !r) return r;
  if (Status r = read_string(table, where, "url", w.url); !r) return r;
  if (Status r = read_secret(table, where, w.secret); !r) return r;
  const toml::node* topics = table.get("topics");
  if (topics == nullptr) return Ok{};
  const toml::array* list = topics->as_array();
  if (list == nullptr) return setting_error(where + ".topics", "must be an array of topics");
  for (const toml::node& topic : *list) {
    if (!topic.is_string()) return setting_error(where + ".topics", "must be an array of topics");
    w.topics.push_back(topic.value_or(std::string()));
  }
  return Ok{};
}

Status read_webhooks(const toml::table& t, std::vector<WebhookSettings>& out) {
  const toml::node* node = t.get("webhooks");
  if (node == nullptr) return Ok{};
  const toml::array* list = node->as_array();
  if (list == nullptr)
    return setting_error("webhooks", "must be an array of tables ([[webhooks]])");
  std::vector<WebhookSettings> webhooks;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string where = "webhooks[" + std::to_string(i) + "]";
    const toml::table* table = list->get(i)->as_table();
    if (table == nullptr) return setting_error(where, "must be a table ([[webhooks]])");
    WebhookSettings w;
    if (Status r = read_webhook(*table, where, w); !r) return r;
    webhooks.push_back(std::move(w));
  }
  out = std::move(webhooks);
  return Ok{};
}

bool is_webhook_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

bool is_webhook_url(std::string_view url) {
  std::string_view rest;
  if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else {
    return false;
  }
  const bool clean = std::none_of(url.begin(), url.end(), [](char c) {
    return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
  });
  return clean && !rest.empty() && rest.front() != '/' && rest.front() != ':';
}

Status validate_outbox(const OutboxSettings& o) {
  if (o.poll_interval_ms < 10 || o.poll_interval_ms > 3'600'000) {
    return setting_error("outbox.poll_interval_ms", "must be 10 to 3600000");
  }
  if (o.timeout_ms < 100 || o.timeout_ms > 600'000) {
    return setting_error("outbox.timeout_ms", "must be 100 to 600000");
  }
  if (o.lease_ms <= o.timeout_ms || o.lease_ms > 86'400'000) {
    return setting_error("outbox.lease_ms",
                         "must be more than outbox.timeout_ms and at most 86400000");
  }
  if (o.max_attempts < 1 || o.max_attempts > 100) {
    return setting_error("outbox.max_attempts", "must be 1 to 100");
  }
  if (o.retry_initial_ms < 10 || o.retry_initial_ms > 86'400'000) {
    return setting_error("outbox.retry_initial_ms", "must be 10 to 86400000");
  }
  if (o.retry_max_ms < o.retry_initial_ms || o.retry_max_ms > 7 * 86'400'000LL) {
    return setting_error("outbox.retry_max_ms",
                         "must be at least outbox.retry_initial_ms and at most 604800000");
  }
  return Ok{};
}

Status validate_webhooks(const std::vector<WebhookSettings>& webhooks) {
  std::set<std::string> names;
  for (std::size_t i = 0; i < webhooks.size(); ++i) {
    const WebhookSettings& w = webhooks[i];
    const std::string where = "webhooks[" + std::to_string(i) + "]";
    if (!is_webhook_name(w.name)) {
      return setting_error(where + ".name", "must be 1 to 64 letters, digits, '.', '_' or '-'");
    }
    if (!names.insert(w.name).second) {
      return setting_error(where + ".name", "\"" + w.name + "\" names another webhook already");
    }
    if (!is_webhook_url(w.url)) {
      return setting_error(where + ".url", "must be an http:// or https:// URL with a host");
    }
    if (w.secret.size() < 16) {
      return setting_error(where + ".secret", "must be at least 16 characters");
    }
    const auto topics = outbox_topics();
    for (const std::string& topic : w.topics) {
      if (std::find(topics.begin(), topics.end(), topic) == topics.end()) {
        std::string known;
        for (std::string_view t : topics) known += (known.empty() ? "" : ", ") + std::string(t);
        return setting_error(where + ".topics", "\"" + topic + "\" is not one of " + known);
      }
    }
  }
  return Ok{};
}

}  // namespace

Status apply_config_file(Settings& s, const std::string& path) {
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return Error::make(ErrorKind::invalid, path + ": " + std::string(e.description()));
  }
  s.listen = t["listen"].value_or(s.listen);
  s.database = t["database"].value_or(s.database);
  s.config_dir = t["config_dir"].value_or(s.config_dir);
  s.log_format = t["log_format"].value_or(s.log_format);
  s.log_level = t["log_level"].value_or(s.log_level);
  s.demo_data = t["demo_data"].value_or(s.demo_data);
  const auto http = t["http"];
  s.io_threads = http["io_threads"].value_or(s.io_threads);
  s.worker_threads = http["worker_threads"].value_or(s.worker_threads);
  s.database_connections = t["database_connections"].value_or(s.database_connections);
  s.body_limit_bytes = http["body_limit_bytes"].value_or(s.body_limit_bytes);
  s.attachment_limit_bytes = http["attachment_limit_bytes"].value_or(s.attachment_limit_bytes);
  s.import_limit_bytes = http["import_limit_bytes"].value_or(s.import_limit_bytes);
  s.header_limit_bytes = http["header_limit_bytes"].value_or(s.header_limit_bytes);
  s.idle_timeout_seconds = http["idle_timeout_seconds"].value_or(s.idle_timeout_seconds);
  s.read_timeout_seconds = http["read_timeout_seconds"].value_or(s.read_timeout_seconds);
  s.shutdown_grace_seconds = http["shutdown_grace_seconds"].value_or(s.shutdown_grace_seconds);
  s.metrics_token = http["metrics_token"].value_or(s.metrics_token);
  if (Status r = read_trusted_proxies(http["trusted_proxies"].node(), s.trusted_proxies); !r)
    return r;
  const auto auth = t["auth"];
  s.token_ttl_hours = auth["token_ttl_hours"].value_or(s.token_ttl_hours);
  s.login_max_failures = auth["login_max_failures"].value_or(s.login_max_failures);
  s.login_lock_seconds = auth["login_lock_seconds"].value_or(s.login_lock_seconds);
  s.login_backoff_after = auth["login_backoff_after"].value_or(s.login_backoff_after);
  s.login_delay_ms = auth["login_delay_ms"].value_or(s.login_delay_ms);
  if (auto minutes = auth["session_idle_minutes"].value<long long>()) {
    s.session_idle_seconds = *minutes * 60;
  }
  s.pii_key_file = t["pii"]["key_file"].value_or(s.pii_key_file);
  s.audit_signing_key_file = t["audit"]["signing_key_file"].value_or(s.audit_signing_key_file);
  s.audit_origin = t["audit"]["origin"].value_or(s.audit_origin);
  s.retention_days = t["retention"]["closed_days"].value_or(s.retention_days);
  const auto deadlines = t["deadlines"];
  s.calendar = deadlines["calendar"].value_or(s.calendar);
  s.deadline_interval_ms = deadlines["interval_ms"].value_or(s.deadline_interval_ms);
  s.boundaries = t["jurisdiction"]["boundaries"].value_or(s.boundaries);
  if (Status r = read_outbox(t, s.outbox); !r) return r;
  return read_webhooks(t, s.webhooks);
}

Status apply_environment(Settings& s) {
  read_text("OUTPOST_LISTEN", s.listen);
  read_text("OUTPOST_DATABASE", s.database);
  read_text("OUTPOST_CONFIG_DIR", s.config_dir);
  read_text("OUTPOST_LOG_FORMAT", s.log_format);
  read_text("OUTPOST_LOG_LEVEL", s.log_level);
  read_text("OUTPOST_METRICS_TOKEN", s.metrics_token);
  read_text("OUTPOST_CALENDAR", s.calendar);
  read_text("OUTPOST_BOUNDARIES", s.boundaries);
  read_text("OUTPOST_PII_KEY_FILE", s.pii_key_file);
  read_text("OUTPOST_AUDIT_SIGNING_KEY_FILE", s.audit_signing_key_file);
  read_list("OUTPOST_TRUSTED_PROXIES", s.trusted_proxies);
  if (const char* v = std::getenv("OUTPOST_DEMO_DATA"); v && *v) {
    s.demo_data = std::string_view(v) == "1" || std::string_view(v) == "true";
  }
  if (Status r = read_int("OUTPOST_IO_THREADS", s.io_threads); !r) return r;
  if (Status r = read_int("OUTPOST_ATTACHMENT_LIMIT_BYTES", s.attachment_limit_bytes); !r) return r;
  if (Status r = read_int("OUTPOST_IMPORT_LIMIT_BYTES", s.import_limit_bytes); !r) return r;
  if (Status r = read_int("OUTPOST_TOKEN_TTL_HOURS", s.token_ttl_hours); !r) return r;
  if (Status r = read_int("OUTPOST_LOGIN_MAX_FAILURES", s.login_max_failures); !r) return r;
  if (Status r = read_int("OUTPOST_LOGIN_LOCK_SECONDS", s.login_lock_seconds); !r) return r;
  if (Status r = read_int("OUTPOST_LOGIN_BACKOFF_AFTER", s.login_backoff_after); !r) return r;
  if (Status r = read_int("OUTPOST_LOGIN_DELAY_MS", s.login_delay_ms); !r) return r;
  if (Status r = read_int("OUTPOST_SESSION_IDLE_SECONDS", s.session_idle_seconds); !r) return r;
  if (Status r = read_int("OUTPOST_DEADLINE_INTERVAL_MS", s.deadline_interval_ms); !r) return r;
  if (Status r = read_int("OUTPOST_RETENTION_DAYS", s.retention_days); !r) return r;
  if (Status r = read_int("OUTPOST_DATABASE_CONNECTIONS", s.database_connections); !r) return r;
  return read_int("OUTPOST_WORKER_THREADS", s.worker_threads);
}

bool split_listen(const std::string& listen, std::string& host, unsigned short& port) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  unsigned value = 0;
  const char* first = listen.data() + colon + 1;
  const char* last = listen.data() + listen.size();
  auto [ptr, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || ptr != last || first == last || value > 65535) return false;
  host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  port = static_cast<unsigned short>(value);
  return true;
}

int worker_threads_for(const Settings& s) {
  if (s.worker_threads > 0) return s.worker_threads;
  return s.database.rfind("sqlite:", 0) == 0 ? kSqliteWorkerThreads : kPostgresqlWorkerThreads;
}

int database_connections_for(const Settings& s) {
  if (s.database_connections > 0) return s.database_connections;
  return worker_threads_for(s) + (s.database.rfind("sqlite:", 0) == 0 ? 0 : kPostgresqlReadThreads);
}

Status validate(const Settings& s) {
  std::string host;
  unsigned short port = 0;
  if (!split_listen(s.listen, host, port)) return setting_error("listen", "must be HOST:PORT");
  if (s.log_format != "text" && s.log_format != "json") {
    return setting_error("log_format", "must be text or json");
  }
  if (s.io_threads < 0 || s.io_threads > 64) return setting_error("io_threads", "must be 0 to 64");
  if (s.worker_threads < 0 || s.worker_threads > 256) {
    return setting_error("worker_threads", "must be 0 (by backend) to 256");
  }
  if (s.database_connections < 0 || s.database_connections > 256) {
    return setting_error("database_connections", "must be 0 (by backend) to 256");
  }
  if (s.body_limit_bytes < 1024) return setting_error("body_limit_bytes", "must be at least 1024");
  // Uploads are held in memory while they are checked and stored.
  if (s.attachment_limit_bytes < 1024 || s.attachment_limit_bytes > kMaxAttachmentLimit) {
    return setting_error("attachment_limit_bytes", "must be 1024 to 268435456 (256 MiB)");
  }
  if (s.import_limit_bytes < 1024 || s.import_limit_bytes > kMaxAttachmentLimit) {
    return setting_error("import_limit_bytes", "must be 1024 to 268435456 (256 MiB)");
  }
  if (s.header_limit_bytes < 1024)
    return setting_error("header_limit_bytes", "must be at least 1024");
  if (s.idle_timeout_seconds < 1 || s.read_timeout_seconds < 1 || s.shutdown_grace_seconds < 0) {
    return setting_error("timeouts", "must be positive");
  }
  if (s.token_ttl_hours < 1 || s.token_ttl_hours > 24 * 366) {
    return setting_error("token_ttl_hours", "must be 1 to 8784");
  }
  if (s.login_max_failures < 1 || s.login_max_failures > 1000) {
    return setting_error("login_max_failures", "must be 1 to 1000");
  }
  if (s.login_lock_seconds < 1 || s.login_lock_seconds > 7 * 24 * 3600) {
    return setting_error("login_lock_seconds", "must be 1 to 604800");
  }
  if (s.login_backoff_after < 1 || s.login_backoff_after > 1000) {
    return setting_error("login_backoff_after", "must be 1 to 1000");
  }
  if (s.login_delay_ms < 0 || s.login_delay_ms > 10000) {
    return setting_error("login_delay_ms", "must be 0 to 10000");
  }
  if (s.session_idle_seconds < 1 || s.session_idle_seconds > 7 * 24 * 3600) {
    return setting_error("session_idle_minutes", "must be 1 s to 7 days (10080 minutes)");
  }
  if (s.retention_days < 0 || s.retention_days > 36500) {
    return setting_error("retention.closed_days", "must be 0 to 36500");
  }
  if (s.calendar.empty()) return setting_error("deadlines.calendar", "must name a calendar file");
  if (s.boundaries.empty())
    return setting_error("jurisdiction.boundaries", "must name a boundary file");
  if (s.deadline_interval_ms < 10 || s.deadline_interval_ms > 3600000) {
    return setting_error("deadlines.interval_ms", "must be 10 to 3600000");
  }
  if (Status r = validate_outbox(s.outbox); !r) return r;
  return validate_webhooks(s.webhooks);
}

}  // namespace outpost::config
