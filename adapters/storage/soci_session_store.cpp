// SociSessionStore (soci_session_store.hpp): table `sessions` of migration 17.
#include "adapters/storage/soci_session_store.hpp"

#include <string>

#include <soci/soci.h>

#include "adapters/storage/database_internals.hpp"
#include "adapters/storage/rows.hpp"

namespace outpost {

using storage::Access;
using storage::Lease;
using storage::run;

Status SociSessionStore::add_session(std::int64_t user_id, std::string_view session_hash,
                                     Millis now, Millis expires_at) {
  return run<Ok>(db_, Access::write, "add_session", [&](Lease& lease) {
    std::string hash(session_hash);
    std::int64_t id = user_id, created = now, expires = expires_at;
    lease.sql() << "INSERT INTO sessions (session_hash, user_id, created_at, expires_at, last_seen)"
                   " VALUES (:session_hash, :user_id, :created_at, :expires_at, :last_seen)",
        soci::use(hash, "session_hash"), soci::use(id, "user_id"), soci::use(created, "created_at"),
        soci::use(expires, "expires_at"), soci::use(created, "last_seen");
    return Ok{};
  });
}

Result<std::optional<Session>> SociSessionStore::find_session(std::string_view session_hash) {
  return run<std::optional<Session>>(
      db_, Access::read, "find_session", [&](Lease& lease) -> std::optional<Session> {
        std::string hash(session_hash);
        storage::UserRow u;
        Session s;
        soci::statement st =
            (lease.sql().prepare << "SELECT u.id, u.username, u.display_name, u.role,"
                                    " u.department, u.grid, u.disabled,"
                                    " s.created_at, s.expires_at, s.last_seen"
                                    " FROM sessions s JOIN users u ON u.id = s.user_id"
                                    " WHERE s.session_hash = :session_hash AND u.disabled = 0"
                                    " AND s.revoked_at IS NULL",
             soci::into(u.id), soci::into(u.username), soci::into(u.display_name),
             soci::into(u.role), soci::into(u.department), soci::into(u.grid),
             soci::into(u.disabled), soci::into(s.created_at), soci::into(s.expires_at),
             soci::into(s.last_seen), soci::use(hash, "session_hash"));
        if (!storage::fetch_one(st)) return std::nullopt;
        s.user = u.to_user();
        return s;
      });
}

Status SociSessionStore::touch_session(std::string_view session_hash, Millis now) {
  return run<Ok>(db_, Access::write, "touch_session", [&](Lease& lease) {
    std::string hash(session_hash);
    std::int64_t at = now;
    lease.sql() << "UPDATE sessions SET last_seen = :now WHERE session_hash = :session_hash"
                   " AND last_seen < :now",
        soci::use(at, "now"), soci::use(hash, "session_hash");
    return Ok{};
  });
}

Status SociSessionStore::end_session(std::string_view session_hash, Millis now) {
  return run<Ok>(db_, Access::write, "end_session", [&](Lease& lease) {
    std::string hash(session_hash);
    std::int64_t at = now;
    lease.sql() << "UPDATE sessions SET revoked_at = :now WHERE session_hash = :session_hash"
                   " AND revoked_at IS NULL",
        soci::use(at, "now"), soci::use(hash, "session_hash");
    return Ok{};
  });
}

}  // namespace outpost
