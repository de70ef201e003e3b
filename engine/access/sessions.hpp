// File: engine/access/sessions.hpp
//
// Browser sessions of the console: a login with {"session": true} gets a
// random secret (the cookie's value, 32 bytes as 64 hex digits) instead of a
// bearer token. Like tokens, the secret is never stored: the store holds its
// SHA-256. The session's CSRF token is derived from the secret
// (csrf_token_of), so it needs no storage either and changes with every login.
// A session ends at the first of: logout (revoked), its absolute expiry
// (created + lifetime), or `idle` without a request (last_seen + idle).
//
//   SessionPolicy policy{.idle = std::chrono::minutes(30), .lifetime = std::chrono::hours(12)};
//   auto started = start_session(store, user, policy, now);   // started.value().secret -> cookie
//   auto found = store.find_session(sha256_hex(secret));
//   switch (judge_session(*found.value(), policy, now)) { ... }
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/access/user_store.hpp"
#include "engine/cases/case.hpp"
#include "engine/core/error.hpp"

namespace outpost {

struct SessionPolicy {
  std::chrono::milliseconds idle = std::chrono::minutes(30);
  std::chrono::milliseconds lifetime = std::chrono::hours(12);
};

struct Session {
  User user;
  Millis created_at = 0;
  Millis expires_at = 0;  // absolute
  Millis last_seen = 0;   // the latest request, to within touch_interval
};

class SessionStore {
 public:
  virtual ~SessionStore() = default;
  virtual Status add_session(std::int64_t user_id, std::string_view session_hash, Millis now,
                             Millis expires_at) = 0;
  // The unrevoked session with this SHA-256 hex hash of an enabled user,
  // expired or not (judge_session tells); nullopt when there is none.
  virtual Result<std::optional<Session>> find_session(std::string_view session_hash) = 0;
  virtual Status touch_session(std::string_view session_hash, Millis now) = 0;
  // Revokes it; a session already ended is no error.
  virtual Status end_session(std::string_view session_hash, Millis now) = 0;
};

enum class SessionState { active, idle_expired, expired };

SessionState judge_session(const Session& session, const SessionPolicy& policy, Millis now);

// How stale last_seen may get before a request writes it again: a tenth of
// the idle time, at most a minute, so that most requests only read.
std::chrono::milliseconds touch_interval(const SessionPolicy& policy);

// The session's CSRF token: 64 hex digits from the SHA-256 of the secret
// under its own label, so it differs from the stored hash and cannot give the
// secret back.
std::string csrf_token_of(std::string_view secret);

struct StartedSession {
  std::string secret;  // the only time it exists in clear: the cookie's value
  std::string csrf_token;
  Millis expires_at = 0;
  User user;
};
Result<StartedSession> start_session(SessionStore& store, const User& user,
                                     const SessionPolicy& policy, Millis now);

}  // namespace outpost
