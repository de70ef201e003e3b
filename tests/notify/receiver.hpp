// File: tests/notify/receiver.hpp
//
// A real webhook receiver for the notify tests: tests/support/webhook_receiver.py
// as a child process on a free loopback port. Its URL path chooses how it
// answers (see the script: /ok/..., /fail-first/N/..., /always-fail/...,
// /hold-first/SECONDS/...), and it logs every request it received and every
// answer it gave.
//
//   WebhookReceiver receiver;
//   std::string url = receiver.url("/fail-first/2/ops");
//   ... let the server deliver ...
//   for (const auto& r : receiver.records("/fail-first/2/ops", "answered")) r.at("status");
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include <boost/json/object.hpp>

namespace outpost::testing {

class WebhookReceiver {
 public:
  WebhookReceiver();  // throws when the receiver does not listen within 10 s
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  std::string url(const std::string& path) const;
  // The log so far, oldest first: records of `event` "received" (path,
  // message_id, headers with lower-case names, body) or "answered" (path,
  // message_id, status, held = seconds it waited before answering).
  std::vector<boost::json::object> records(const std::string& path, const std::string& event) const;

 private:
  std::string dir_;
  pid_t pid_ = -1;
  unsigned short port_ = 0;
};

}  // namespace outpost::testing
