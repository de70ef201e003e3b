// File: adapters/storage/soci_session_store.hpp
//
// SessionStore (engine/access/sessions.hpp) on the shared Database: the
// console's browser sessions in table `sessions` (migration 17), keyed by the
// SHA-256 of the cookie's secret.
//
//   SociSessionStore sessions(db);             // db: a migrated Database
//   auto found = sessions.find_session(sha256_hex(secret));
//
// Threads and errors: as Database.
#pragma once

#include "adapters/storage/database.hpp"
#include "engine/access/sessions.hpp"

namespace outpost {

class SociSessionStore final : public SessionStore {
 public:
  explicit SociSessionStore(Database& db) : db_(db) {}

  Status add_session(std::int64_t user_id, std::string_view session_hash, Millis now,
                     Millis expires_at) override;
  Result<std::optional<Session>> find_session(std::string_view session_hash) override;
  Status touch_session(std::string_view session_hash, Millis now) override;
  Status end_session(std::string_view session_hash, Millis now) override;

 private:
  Database& db_;
};

}  // namespace outpost
