// File: adapters/notify/webhook.hpp
//
// A webhook (a receiver named in the settings, [[webhooks]]) and one signed
// HTTP POST of an outbox message to it, over libcurl. The body is the
// message's payload byte for byte, with the headers
//
//   Content-Type: application/json
//   X-Outpost-Message-Id: c42.3.case.dispatched   (stable: drop duplicates by it)
//   X-Outpost-Topic: case.dispatched
//   X-Outpost-Signature: sha256=<lowercase hex HMAC-SHA256 of the body, keyed with the secret>
//
// A receiver recomputes the HMAC over the raw body it read and compares.
// Only a 2xx answer counts as taken; redirects are not followed.
//
//   WebhookPoster poster(std::chrono::seconds(5), [&] { return stopping.load(); });
//   PostResult r = poster.post(webhook, message);
//   if (!r.ok) log(r.error);   // "HTTP 500", "timed out after 5000 ms", ...
//   // on another thread: stopping = true; poster.wake();   // post() returns at once
//
// Errors never contain the secret or the URL (whose path may itself be a
// secret), so they may be logged and stored. A poster keeps its connections
// open between posts; post() must not be called by two threads at once.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/notify/outbox.hpp"

namespace outpost::notify {

struct Webhook {
  std::string name;                 // shown in logs and in a message's delivered_to
  std::string url;                  // http:// or https://
  std::string secret;               // the HMAC key
  std::vector<std::string> topics;  // empty: every topic

  bool wants(std::string_view topic) const;
};

// "sha256=" followed by the lowercase hex HMAC-SHA256 of `body` keyed with `secret`.
std::string signature_of(std::string_view secret, std::string_view body);

struct PostResult {
  bool ok = false;           // answered 2xx
  bool interrupted = false;  // abandoned because the poster's stop check said so
  long status = 0;           // the HTTP status; 0 when there was no answer
  std::string error;         // when not ok
};

class WebhookPoster {
 public:
  // `timeout` bounds each whole request. `should_stop` is asked while a
  // request waits (at least once a second, and at once after wake()); a true
  // answer abandons the request.
  WebhookPoster(std::chrono::milliseconds timeout, std::function<bool()> should_stop);
  ~WebhookPoster();
  WebhookPoster(const WebhookPoster&) = delete;
  WebhookPoster& operator=(const WebhookPoster&) = delete;

  PostResult post(const Webhook& webhook, const OutboxMessage& message);
  // Makes a post() in progress on another thread ask `should_stop` now.
  void wake();

 private:
  struct Curl;  // libcurl's handles, kept out of this header
  std::chrono::milliseconds timeout_;
  std::function<bool()> should_stop_;
  std::unique_ptr<Curl> curl_;
};

}  // namespace outpost::notify
