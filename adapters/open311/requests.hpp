// File: adapters/open311/requests.hpp
//
// POST requests: an Open311 form read into the engine's NewCase, checked
// whole (every problem reported at once, nothing stored), then registered as
// the channel's user — or, for a category with desk_confirmation, kept under
// a token until the desk confirms it (confirm). Also what the answers need
// of a stored request: its Open311 status and the parts of its description.
//
//   RequestReader reader(ctx, services, keys);
//   auto posted = reader.read(req, "LFQ");   // Posted, or Refused{status, messages}
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "adapters/http/http_types.hpp"
#include "adapters/open311/channel_keys.hpp"
#include "adapters/open311/open311.hpp"
#include "adapters/open311/services.hpp"

namespace outpost::open311 {

struct Refused {
  int status = 400;
  std::vector<std::string> messages;
  long retry_after = 0;  // seconds, for 429
};

struct Posted {
  std::string id;     // the case id, or empty while a token waits for the desk
  std::string token;  // set when the desk must confirm first
  std::string notice;
  std::string account_id;
};

// Open311 status of a request machine state (docs/OPEN311.md has the table).
std::string open311_status(std::string_view state);
std::vector<std::string> open_states();
std::vector<std::string> closed_states();

// A stored description split into what the resident wrote (with the
// attribute lines) and the point and media URL the channel sent.
struct PublicText {
  std::string description, lat, lon, media_url;
};
PublicText public_text(std::string_view stored);

class RequestReader {
 public:
  RequestReader(Context& ctx, const std::vector<Service>& services, ChannelKeys& keys);

  Result<Posted, Refused> read(const http::HttpRequest& req, const std::string& jurisdiction_id);
  // The case a token's request became; nullopt while the desk has not confirmed it.
  Result<std::optional<CaseId>, Refused> case_of_token(std::string_view token);
  // The desk confirms a waiting request: the case is registered as the
  // channel's (its source), once; a second confirmation answers the same case.
  Result<Case> confirm(std::string_view token, const Actor& desk);

 private:
  Context& ctx_;
  const std::vector<Service>& services_;
  ChannelKeys& keys_;
};

// /api/v1/channels (channels.cpp).
class ChannelKeys;
void register_channel_routes(http::Router& router, Context& ctx, ChannelKeys& keys,
                             RequestReader& reader);

}  // namespace outpost::open311
