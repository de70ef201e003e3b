// File: tests/notify/fixtures.hpp
//
// Shared pieces of the notify tests: a real server with a TOML config (webhooks
// and outbox timings), a request case dispatched to produce a
// `case.dispatched` message, and reads of GET /api/v1/outbox.
#pragma once

#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>

#include "tests/http/fixtures.hpp"

namespace outpost::testing {

// Writes `toml` to a fresh file in the test work folder; returns its path.
inline std::string write_config(const std::string& toml) {
  static int counter = 0;
  const char* dir = std::getenv("OUTPOST_TEST_WORK_DIR");
  const std::string path = std::string(dir && *dir ? dir : "/tmp") + "/notify-" +
                           std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".toml";
  std::ofstream(path) << toml;
  return path;
}

// Polls `ready` every 50 ms for up to `limit`; true once it held.
template <class F>
bool eventually(F&& ready, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!ready()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

// The receivers are on 127.0.0.1: a proxy from the environment must not carry
// the server's deliveries (libcurl honours http_proxy unless no_proxy says otherwise).
inline Headers loopback(Headers env) {
  env.emplace_back("no_proxy", "127.0.0.1");
  env.emplace_back("NO_PROXY", "127.0.0.1");
  return env;
}

struct NotifyServer {
  explicit NotifyServer(const std::string& toml, Headers env = {})
      : config(write_config(toml)), server(db.url(), {"--config", config}, loopback(env)) {}
  ~NotifyServer() { std::remove(config.c_str()); }

  TestDatabase db;
  std::string config;
  ServerProcess server;

  // A client for the server as it runs now (its port changes on a restart).
  HttpClient client() const { return server.client(); }

  // A new request case dispatched to the urban department: one
  // `case.dispatched` message. Returns the message's id.
  std::string dispatch_new_request() {
    HttpClient client = server.client();
    auto created = client.post_json("/api/v1/cases", request_body());
    REQUIRE_MESSAGE(created.status == 201, created.body);
    const std::int64_t id = created.json().at("id").as_int64();
    auto dispatched =
        client.post_json("/api/v1/cases/" + std::to_string(id) + "/events",
                         json::object{{"event", "dispatch"}, {"department", "urban"}});
    REQUIRE_MESSAGE(dispatched.status == 200, dispatched.body);
    const json::value history =
        client.get("/api/v1/cases/" + std::to_string(id) + "/history").json();
    const json::value& last = history.at("items").as_array().back();
    REQUIRE(last.at("event") == "dispatch");
    return "c" + std::to_string(id) + "." + std::to_string(last.at("seq").as_int64()) +
           ".case.dispatched";
  }

  json::array outbox(const std::string& query = "") {
    auto r = client().get("/api/v1/outbox" + query);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    return r.json().at("items").as_array();
  }

  // The message with this id in the list of messages in `state`; null when not there.
  json::value message_in(const std::string& state, const std::string& id) {
    for (const json::value& m : outbox("?state=" + state)) {
      if (m.at("id") == id.c_str()) return m;
    }
    return nullptr;
  }

  // Waits up to `limit` for the message to reach `state`; returns it.
  json::object wait_for(const std::string& state, const std::string& id,
                        std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    json::value found = nullptr;
    const bool reached =
        eventually([&] { return !(found = message_in(state, id)).is_null(); }, limit);
    REQUIRE_MESSAGE(reached, "message " << id << " never became " << state << "; outbox: "
                                        << json::serialize(outbox()) << "\nserver log:\n"
                                        << server.log());
    return found.as_object();
  }
};

}  // namespace outpost::testing
