// File: engine/access/channels.hpp
//
// Outside channels (外部渠道): the 12345 hotline, a WeChat mini-program, a city
// app — systems that file and track requests through a protocol adapter
// (adapters/open311) with an API key. A channel is a user account of role
// `channel` (its key is that user's token: stored only as its SHA-256, shown
// once) plus the settings kept here; the channel's username is what a case's
// history names as its source. Any protocol for outside systems needs this,
// so the values and the store port live in the engine; the store is
// adapters/storage/soci_channel_store.cpp (migration 21).
//
//   Channel c{.name = "wechat", .display_name = "微信小程序", .datum = "gcj02"};
//   if (Status s = validate_channel(c); !s) ...;   // field errors
//   auto stored = channels.create_channel(c);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/clock.hpp"
#include "engine/core/error.hpp"

namespace outpost {

inline constexpr std::string_view kChannelRole = "channel";
// The channel's user account is named this prefix + the channel's name.
inline constexpr std::string_view kChannelUserPrefix = "channel.";

struct Channel {
  std::int64_t id = 0;
  std::string name;          // 2 to 40 of a-z 0-9 _ -; the key's owner is "channel." + name
  std::string display_name;  // zh-CN, e.g. "12345热线"
  std::int64_t user_id = 0;
  std::string datum = "wgs84";            // wgs84 | gcj02: how the channel's points are given
  std::string outside_grid = "refuse";    // refuse | desk: a point on no micro-grid
  std::int64_t rate_per_minute = 120;     // requests per key and minute, 1..100000
  std::string intake_channel = "online";  // the case's `channel`: online | hotline | phone
  std::string token_id;                   // the key's id (first 16 hex digits of its hash)
  Millis created_at = 0;
  std::optional<Millis> revoked_at;

  std::string username() const { return std::string(kChannelUserPrefix) + name; }
};

// A request a channel filed whose category needs a person before a case
// exists (desk confirmation): kept under its token until the desk confirms it.
struct ChannelSubmission {
  std::string token;
  std::int64_t channel_id = 0;
  std::string body;  // the protocol adapter's own record of the request (opaque here)
  Millis created_at = 0;
};

// Field errors (ErrorKind::invalid) for a bad name, display name, datum,
// outside_grid, rate or intake channel.
Status validate_channel(const Channel& c);

class ChannelStore {
 public:
  virtual ~ChannelStore() = default;
  // already_exists when the name is taken. Returns it with its id.
  virtual Result<Channel> create_channel(const Channel& c) = 0;
  // By name.
  virtual Result<std::vector<Channel>> list_channels() = 0;
  virtual Result<std::optional<Channel>> find_channel(std::string_view name) = 0;
  virtual Result<std::optional<Channel>> find_channel_by_user(std::int64_t user_id) = 0;
  // not_found when there is no such channel; a revoked one stays revoked.
  virtual Status mark_revoked(std::string_view name, Millis at) = 0;

  virtual Status save_submission(const ChannelSubmission& s) = 0;
  virtual Result<std::optional<ChannelSubmission>> find_submission(std::string_view token) = 0;
};

}  // namespace outpost
