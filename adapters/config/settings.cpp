#include "adapters/config/settings.hpp"

#include <charconv>
#include <cstdlib>

#include <toml++/toml.h>

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
  s.body_limit_bytes = http["body_limit_bytes"].value_or(s.body_limit_bytes);
  s.attachment_limit_bytes = http["attachment_limit_bytes"].value_or(s.attachment_limit_bytes);
  s.header_limit_bytes = http["header_limit_bytes"].value_or(s.header_limit_bytes);
  s.idle_timeout_seconds = http["idle_timeout_seconds"].value_or(s.idle_timeout_seconds);
  s.read_timeout_seconds = http["read_timeout_seconds"].value_or(s.read_timeout_seconds);
  s.shutdown_grace_seconds = http["shutdown_grace_seconds"].value_or(s.shutdown_grace_seconds);
  const auto auth = t["auth"];
  s.token_ttl_hours = auth["token_ttl_hours"].value_or(s.token_ttl_hours);
  s.login_max_failures = auth["login_max_failures"].value_or(s.login_max_failures);
  s.login_lock_seconds = auth["login_lock_seconds"].value_or(s.login_lock_seconds);
  s.login_delay_ms = auth["login_delay_ms"].value_or(s.login_delay_ms);
  return Ok{};
}

Status apply_environment(Settings& s) {
  read_text("OUTPOST_LISTEN", s.listen);
  read_text("OUTPOST_DATABASE", s.database);
  read_text("OUTPOST_CONFIG_DIR", s.config_dir);
  read_text("OUTPOST_LOG_FORMAT", s.log_format);
  read_text("OUTPOST_LOG_LEVEL", s.log_level);
  if (const char* v = std::getenv("OUTPOST_DEMO_DATA"); v && *v) {
    s.demo_data = std::string_view(v) == "1" || std::string_view(v) == "true";
  }
  if (Status r = read_int("OUTPOST_IO_THREADS", s.io_threads); !r) return r;
  if (Status r = read_int("OUTPOST_ATTACHMENT_LIMIT_BYTES", s.attachment_limit_bytes); !r) return r;
  if (Status r = read_int("OUTPOST_TOKEN_TTL_HOURS", s.token_ttl_hours); !r) return r;
  if (Status r = read_int("OUTPOST_LOGIN_MAX_FAILURES", s.login_max_failures); !r) return r;
  if (Status r = read_int("OUTPOST_LOGIN_LOCK_SECONDS", s.login_lock_seconds); !r) return r;
  if (Status r = read_int("OUTPOST_LOGIN_DELAY_MS", s.login_delay_ms); !r) return r;
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

Status validate(const Settings& s) {
  std::string host;
  unsigned short port = 0;
  if (!split_listen(s.listen, host, port)) return setting_error("listen", "must be HOST:PORT");
  if (s.log_format != "text" && s.log_format != "json") {
    return setting_error("log_format", "must be text or json");
  }
  if (s.io_threads < 1 || s.io_threads > 64) return setting_error("io_threads", "must be 1 to 64");
  if (s.worker_threads < 1 || s.worker_threads > 256) {
    return setting_error("worker_threads", "must be 1 to 256");
  }
  if (s.body_limit_bytes < 1024) return setting_error("body_limit_bytes", "must be at least 1024");
  // Uploads are held in memory while they are checked and stored.
  if (s.attachment_limit_bytes < 1024 || s.attachment_limit_bytes > kMaxAttachmentLimit) {
    return setting_error("attachment_limit_bytes", "must be 1024 to 268435456 (256 MiB)");
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
  if (s.login_delay_ms < 0 || s.login_delay_ms > 10000) {
    return setting_error("login_delay_ms", "must be 0 to 10000");
  }
  return Ok{};
}

}  // namespace outpost::config
