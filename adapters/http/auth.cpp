#include "adapters/http/auth.hpp"

#include "adapters/http/session_auth.hpp"
#include "engine/access/access_epoch.hpp"
#include "engine/cases/audit_chain.hpp"

namespace outpost::http {

Authenticator::Authenticator(UserStore& users, std::chrono::milliseconds cache_ttl)
    : users_(users), ttl_(cache_ttl) {}

HttpResult<Actor> Authenticator::authenticate(const HttpRequest& req, Vouch* vouch,
                                              bool checked_change) {
  if (vouch != nullptr) *vouch = Vouch{};
  if (!req.header("authorization") && sessions_) {
    if (auto by_cookie = sessions_->authenticate(req)) return std::move(*by_cookie);
  }
  auto actor = by_token(req, vouch, checked_change);
  if (!actor) return HttpProblem(actor.error());
  return actor.value();
}

Result<Actor> Authenticator::by_token(const HttpRequest& req, Vouch* vouch, bool checked_change) {
  const auto header = req.header("authorization");
  if (!header) return Error::make(ErrorKind::unauthenticated, "send Authorization: Bearer <token>");
  constexpr std::string_view kScheme = "Bearer ";
  if (header->size() <= kScheme.size() || header->substr(0, kScheme.size()) != kScheme) {
    return Error::make(ErrorKind::unauthenticated,
                       "the Authorization header is not a Bearer token");
  }
  const std::string hash = sha256_hex(header->substr(kScheme.size()));
  const auto now = std::chrono::steady_clock::now();
  const bool may_use_cache =
      vouch != nullptr && (req.method == "GET" || req.method == "HEAD" || checked_change);
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(hash);
    if (may_use_cache && it != cache_.end() && it->second.expires > now) {
      *vouch = Vouch{hash, it->second.generation, true};
      access_epoch::reset();
      return it->second.actor;
    }
    generation = generation_;
  }
  access_epoch::reset();
  auto user = users_.find_user_by_token_hash(hash);
  if (!user) return user.error();
  if (!user.value()) return Error::make(ErrorKind::unauthenticated, "unknown or expired token");
  const User& u = *user.value();
  Actor actor{u.id, u.username, u.role, u.department, u.grid};
  const std::int64_t read_at = access_epoch::observed();
  std::lock_guard lock(mutex_);
  if (generation != generation_ || read_at < 0) return actor;
  if (cache_.size() >= kMaxCacheEntries) cache_.clear();
  cache_[hash] = Entry{actor, now + ttl_, read_at};
  return actor;
}

bool Authenticator::still_current(const Vouch& vouch) {
  if (!vouch.cached || access_epoch::observed() == vouch.generation) return true;
  std::lock_guard lock(mutex_);
  cache_.erase(vouch.hash);
  return false;
}

void Authenticator::invalidate() {
  std::lock_guard lock(mutex_);
  cache_.clear();
  ++generation_;
}

}  // namespace outpost::http
