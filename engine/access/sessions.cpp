#include "engine/access/sessions.hpp"

#include <algorithm>

#include "engine/access/users.hpp"
#include "engine/cases/audit_chain.hpp"

namespace outpost {

SessionState judge_session(const Session& session, const SessionPolicy& policy, Millis now) {
  if (now >= session.expires_at) return SessionState::expired;
  if (now - session.last_seen >= policy.idle.count()) return SessionState::idle_expired;
  return SessionState::active;
}

std::chrono::milliseconds touch_interval(const SessionPolicy& policy) {
  return std::min<std::chrono::milliseconds>(policy.idle / 10, std::chrono::minutes(1));
}

std::string csrf_token_of(std::string_view secret) {
  return sha256_hex("outpost-csrf:" + std::string(secret));
}

Result<StartedSession> start_session(SessionStore& store, const User& user,
                                     const SessionPolicy& policy, Millis now) {
  StartedSession s{new_token(), {}, now + policy.lifetime.count(), user};
  s.csrf_token = csrf_token_of(s.secret);
  if (Status added = store.add_session(user.id, sha256_hex(s.secret), now, s.expires_at); !added) {
    return added.error();
  }
  return s;
}

}  // namespace outpost
