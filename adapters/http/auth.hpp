// File: adapters/http/auth.hpp
//
// Authentication for /api/v1: a bearer token, or (without an Authorization
// header) the console's session cookie when sessions are in use
// (use_sessions; adapters/http/session_auth.hpp checks cookie and CSRF token). Tokens are never
// stored: the store holds their SHA-256, and lookups go by that hash. A short-lived in-process
// cache (default 5 s) spares a GET the token lookup, without delaying a
// revocation: each entry keeps the access generation its lookup read
// (engine/access/access_epoch.hpp), the GET's own reads of cases return the
// generation current when they ran, and still_current() compares the two
// after the handler. When they differ (a token or user changed anywhere, in
// any process) the token is looked up again and the answer recomputed if the
// caller is no longer the same. An event on a case may use the cache too: it
// compares the generations before it writes (authenticated_change in
// handler_support.hpp). Other requests always look the token up.
//
//   Authenticator::Vouch vouch;
//   auto actor = auth.authenticate(req, &vouch);
//   HttpResponse r = handler(actor.value());
//   if (!auth.still_current(vouch)) { /* authenticate(req) again, rerun if changed */ }
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

  // What a cached answer rests on: the token's hash and the generation its
  // lookup read; `cached` is false when the database was asked.
  struct Vouch {
    std::string hash;
    std::int64_t generation = -1;
    bool cached = false;
  };

  // unauthenticated (401) when the header is missing, malformed or the token
  // is unknown; unavailable (503) when the database does not answer; for a
  // session cookie also session_expired (401) and csrf_rejected (403). With
  // `vouch`, a GET or HEAD may be answered from the cache (access_epoch is
  // reset for the handler's reads), and so may a request of another method
  // when `checked_change` says it only writes through a change that confirms
  // the generation first (authenticated_change); without, the token is
  // looked up.
  HttpResult<Actor> authenticate(const HttpRequest& req, Vouch* vouch = nullptr,
                                 bool checked_change = false);

  // After the handler: true when the answer did not come from the cache or
  // the handler's reads saw the generation the cached entry was read at.
  // Otherwise drops the entry (the next authenticate() asks the database).
  bool still_current(const Vouch& vouch);

  // Accept the session cookie as well; `sessions` must outlive this.
  void use_sessions(SessionAuth* sessions) { sessions_ = sessions; }

  // Forgets every cached token: after a revocation, a disabled user or a
  // changed role, the next request of every caller asks the database.
  void invalidate();

 private:
  struct Entry {
    Actor actor;
    std::chrono::steady_clock::time_point expires;
    std::int64_t generation;
  };
  static constexpr std::size_t kMaxCacheEntries = 10000;
  // The bearer token of the Authorization header.
  Result<Actor> by_token(const HttpRequest& req, Vouch* vouch, bool checked_change);

  UserStore& users_;
  SessionAuth* sessions_ = nullptr;
  std::chrono::milliseconds ttl_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> cache_;
  // Bumped by invalidate(): a lookup that started before it is not cached.
  std::uint64_t generation_ = 0;
};

}  // namespace outpost::http
