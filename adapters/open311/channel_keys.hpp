// File: adapters/open311/channel_keys.hpp
//
// Who posts: an api_key names a channel (engine/access/channels.hpp), and
// each key may post `rate_per_minute` requests per minute. Lookups are
// cached for a few seconds (a revocation through this process forgets the
// cache at once); the rate is counted in this process, per channel (one key
// each), in windows of one minute from the first post after the last window.
//
//   ChannelKeys keys(users, channels);
//   auto who = keys.find(api_key);            // nullopt: unknown or revoked
//   auto wait = keys.admit(who->channel, now);  // seconds to wait when over the rate
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "engine/access/channels.hpp"
#include "engine/access/user_store.hpp"
#include "engine/cases/case.hpp"

namespace outpost::open311 {

struct KeyHolder {
  Channel channel;
  Actor actor;  // the channel's user, role channel: what the history records
};

class ChannelKeys {
 public:
  ChannelKeys(UserStore& users, ChannelStore& channels) : users_(users), channels_(channels) {}

  // The channel of an unrevoked key; nullopt for an unknown or revoked one;
  // an error when the database does not answer.
  Result<std::optional<KeyHolder>> find(std::string_view api_key);
  // 0 when the key may post now (and counts it); else the seconds until it may.
  long admit(const Channel& c, Millis now);
  void forget();

 private:
  struct Cached {
    std::optional<KeyHolder> holder;
    std::chrono::steady_clock::time_point expires;
  };
  struct Window {
    Millis start = 0;
    std::int64_t used = 0;
  };
  UserStore& users_;
  ChannelStore& channels_;
  std::mutex mutex_;
  std::unordered_map<std::string, Cached> cache_;     // by the key's hash
  std::unordered_map<std::int64_t, Window> windows_;  // by channel id
};

}  // namespace outpost::open311
