// File: adapters/http/auth.hpp
//
// Authentication for /api/v1: a bearer token, or (without an Authorization
// header) the console's session cookie when sessions are in use
// (use_sessions; adapters/http/session_auth.hpp checks cookie and CSRF token). Tokens are never
// stored: the store holds their SHA-256, and lookups go by that hash. A short-lived in-process
// cache (default 5 s) spares the database a query per request; a disabled user
// or revoked token is refused at the latest when its entry expires; changes
// made through this process call invalidate() and take effect at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "adapters/http/http_types.hpp"
#include "adapters/http/problem.hpp"
#include "engine/access/user_store.hpp"
#include "engine/cases/case.hpp"
#include "engine/core/error.hpp"

namespace outpost::http {

class SessionAuth;

class Authenticator {
 public:
  explicit Authenticator(UserStore& users,
                         std::chrono::milliseconds cache_ttl = std::chrono::seconds(5));

  // unauthenticated (401) when the header is missing, malformed or the token
  // is unknown; unavailable (503) when the database does not answer; for a
  // session cookie also session_expired (401) and csrf_rejected (403).
  HttpResult<Actor> authenticate(const HttpRequest& req);

  // Accept the session cookie as well; `sessions` must outlive this.
  void use_sessions(SessionAuth* sessions) { sessions_ = sessions; }

  // Forgets every cached token: after a revocation, a disabled user or a
  // changed role, the next request of every caller asks the database.
  void invalidate();

 private:
  struct Entry {
    Actor actor;
    std::chrono::steady_clock::time_point expires;
  };
  static constexpr std::size_t kMaxCacheEntries = 10000;
  // The bearer token of the Authorization header.
  Result<Actor> by_token(const HttpRequest& req);

  UserStore& users_;
  SessionAuth* sessions_ = nullptr;
  std::chrono::milliseconds ttl_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> cache_;
  // Bumped by invalidate(): a lookup that started before it is not cached.
  std::uint64_t generation_ = 0;
};

}  // namespace outpost::http
