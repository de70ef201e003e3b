// A rolling restart behind nginx: while client threads create cases, apply
// events and read them through the proxy, each of the three engines in turn
// gets SIGTERM, exits, starts again and answers /readyz. No request may fail
// (every answer 2xx, or the 412 a stale If-Match asks for) and every
// acknowledged create and event must be stored, once.
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/http/fixtures.hpp"
#include "tests/operations/cluster.hpp"

using namespace outpost::testing;

namespace {

constexpr int kClients = 4;

struct Tally {
  std::mutex mutex;
  std::map<int, int> statuses;       // status -> count (-1: no answer at all)
  std::vector<std::string> failures;  // the first few, for the message
  std::vector<std::int64_t> created;  // ids answered 201
  int accepted = 0;                   // accept events answered 200

  void record(int status, const std::string& what) {
    std::lock_guard lock(mutex);
    ++statuses[status];
    const bool expected = (status >= 200 && status < 300) || status == 412;
    if (!expected && failures.size() < 10) failures.push_back(std::to_string(status) + " " + what);
  }
  int unexpected() {
    std::lock_guard lock(mutex);
    int n = 0;
    for (const auto& [status, count] : statuses) {
      if (!((status >= 200 && status < 300) || status == 412)) n += count;
    }
    return n;
  }
  int total() {
    std::lock_guard lock(mutex);
    int n = 0;
    for (const auto& [status, count] : statuses) n += count;
    return n;
  }
};

// One request through nginx on a new connection, never retried by the client.
Response send(unsigned short port, const std::string& method, const std::string& target,
              const json::value& body, Headers headers, Tally& tally) {
  headers.emplace_back("Authorization", std::string("Bearer ") + kTestToken);
  headers.emplace_back("Content-Type", "application/json");
  Response r;
  try {
    r = request_from("127.0.0.1", port, method, target,
                     body.is_null() ? "" : json::serialize(body), headers);
  } catch (const std::exception& e) {
    r.status = -1;
    r.body = e.what();
  }
  tally.record(r.status, method + " " + target + ": " + r.body.substr(0, 200));
  return r;
}

// Creates a case, accepts it, reads it and tries a stale If-Match, over and over.
void client_loop(int n, unsigned short port, const std::atomic<bool>& stop, Tally& tally) {
  for (int i = 0; !stop; ++i) {
    const std::string key = "load-" + std::to_string(n) + "-" + std::to_string(i);
    auto created =
        send(port, "POST", "/api/v1/cases", dispute_body(), {{"Idempotency-Key", key}}, tally);
    if (created.status != 201) continue;
    const auto id = created.json().at("id").as_int64();
    {
      std::lock_guard lock(tally.mutex);
      tally.created.push_back(id);
    }
    const std::string path = "/api/v1/cases/" + std::to_string(id);
    auto accepted = send(port, "POST", path + "/events", json::object{{"event", "accept"}},
                         {{"Idempotency-Key", key + "-accept"}, {"If-Match", "\"1\""}}, tally);
    if (accepted.status == 200) {
      std::lock_guard lock(tally.mutex);
      ++tally.accepted;
    }
    send(port, "GET", path, nullptr, {}, tally);
    send(port, "POST", path + "/events", json::object{{"event", "start_mediation"}},
         {{"Idempotency-Key", key + "-stale"}, {"If-Match", "\"1\""}}, tally);
  }
}

}  // namespace

TEST_SUITE("operations_rolling_restart") {
  TEST_CASE("each process restarted in turn under load: no request fails, nothing acknowledged is lost") {
    Cluster c;
    Tally tally;
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int n = 0; n < kClients; ++n) {
      clients.emplace_back(client_loop, n, c.proxy->port(), std::cref(stop), std::ref(tally));
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
    std::vector<int> during;  // requests answered while each engine was restarted
    for (std::size_t i = 0; i < c.engines.size(); ++i) {
      const int before = tally.total();
      CHECK(c.restart(i) == 0);  // SIGTERM: a clean exit
      during.push_back(tally.total() - before);
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
    stop = true;
    for (auto& t : clients) t.join();

    int retried = 0;  // requests nginx passed on to a second engine
    for (const auto& e : c.proxy->access_log()) retried += e.upstreams.find(',') != std::string::npos;
    std::string statuses;
    for (const auto& [status, count] : tally.statuses) {
      statuses += std::to_string(status) + ": " + std::to_string(count) + "  ";
    }
    MESSAGE("answers by status: " << statuses << "| retried by nginx: " << retried
                                  << " | requests during each restart: " << during[0] << ", "
                                  << during[1] << ", " << during[2]);
    for (const auto& f : tally.failures) MESSAGE("failed: " << f);
    CHECK(tally.unexpected() == 0);
    for (int d : during) CHECK(d > 0);  // the load really ran through every restart
    CHECK(tally.statuses[412] > 0);     // and the stale If-Match was really refused

    // Every acknowledged create is one stored case; every acknowledged accept one history row.
    std::set<std::int64_t> ids(tally.created.begin(), tally.created.end());
    CHECK(ids.size() == tally.created.size());
    CHECK(c.db.query_int("SELECT count(*) FROM cases") == static_cast<std::int64_t>(ids.size()));
    CHECK(c.db.query_int("SELECT count(*) FROM history WHERE event = 'register'") ==
          static_cast<std::int64_t>(ids.size()));
    CHECK(c.db.query_int("SELECT count(*) FROM history WHERE event = 'accept'") == tally.accepted);
    CHECK(c.db.query_int("SELECT count(*) FROM cases WHERE state = 'accepted'") == tally.accepted);
    CHECK(c.db.query_int("SELECT count(*) FROM history WHERE event = 'start_mediation'") == 0);
  }
}
