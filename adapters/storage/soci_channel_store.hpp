// File: adapters/storage/soci_channel_store.hpp
//
// The channel port (engine/access/channels.hpp) on the shared Database:
// tables `channels` and `channel_submissions` of migration 21. A channel's
// key is its user's token (table `tokens`); only its id is kept here.
//
//   SociChannelStore channels(db);   // db: a migrated Database
//   auto c = channels.create_channel(channel);
//
// Threads and errors: as Database.
#pragma once

#include "adapters/storage/database.hpp"
#include "engine/access/channels.hpp"

namespace outpost {

class SociChannelStore final : public ChannelStore {
 public:
  explicit SociChannelStore(Database& db) : db_(db) {}

  Result<Channel> create_channel(const Channel& c) override;
  Result<std::vector<Channel>> list_channels() override;
  Result<std::optional<Channel>> find_channel(std::string_view name) override;
  Result<std::optional<Channel>> find_channel_by_user(std::int64_t user_id) override;
  Status mark_revoked(std::string_view name, Millis at) override;
  Status save_submission(const ChannelSubmission& s) override;
  Result<std::optional<ChannelSubmission>> find_submission(std::string_view token) override;

 private:
  Result<std::vector<Channel>> select(std::string_view where, const std::string& text,
                                      std::int64_t number);
  Database& db_;
};

}  // namespace outpost
