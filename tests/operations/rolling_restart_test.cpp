// A rolling restart behind nginx: while client threads create cases, apply
// events and read them through the proxy, each of the three engines in turn
// gets SIGTERM, exits, starts again and answers /health/ready. No request may fail
// (every answer 2xx, or the 412 a stale If-Match asks for) and every
// acknowledged create and event must be stored, once.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
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

// Rounds of restarting every engine: OUTPOST_ROLLING_RESTART_ROUNDS, 1 in CI
// (a longer run by hand: OUTPOST_ROLLING_RESTART_ROUNDS=10 ctest -R rolling_restart).
std::size_t rounds() {
  const char* text = std::getenv("OUTPOST_ROLLING_RESTART_ROUNDS");
  return text && std::atoi(text) > 0 ? static_cast<std::size_t>(std::atoi(text)) : 1;
}

struct Tally {
  std::mutex mutex;
  std::map<int, int> statuses;        // status -> count (-1: no answer at all)
  std::map<int, int> keyless;         // the same for POSTs without Idempotency-Key
  std::vector<std::string> failures;  // the first few, for the message
  std::vector<std::int64_t> created;  // ids answered 201
  int accepted = 0;                   // accept events answered 200

  void record(int status, const std::string& what, bool keyless_post) {
    std::lock_guard lock(mutex);
    ++statuses[status];
    if (keyless_post) ++keyless[status];
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
    r = request_from("127.0.0.1", port, method, target, body.is_null() ? "" : json::serialize(body),
                     headers);
  } catch (const std::exception& e) {
    r.status = -1;
    r.body = e.what();
  }
  const bool keyless =
      method == "POST" && std::none_of(headers.begin(), headers.end(),
                                       [](auto& h) { return h.first == "Idempotency-Key"; });
  tally.record(r.status, method + " " + target + ": " + r.body.substr(0, 200), keyless);
  return r;
}

// Creates a case, accepts it, reads it and tries a stale If-Match, over and
// over; every other round without Idempotency-Key, which nginx never retries
// once sent (deploy/nginx/outpost.conf): a POST the restarted engine did not
// answer would fail.
void client_loop(int n, unsigned short port, const std::atomic<bool>& stop, Tally& tally) {
  for (int i = 0; !stop; ++i) {
    const std::string key = "load-" + std::to_string(n) + "-" + std::to_string(i);
    const bool keyless = i % 2 == 1;
    const auto with_key = [keyless](const std::string& k, Headers more = {}) {
      if (!keyless) more.emplace_back("Idempotency-Key", k);
      return more;
    };
    auto created = send(port, "POST", "/api/v1/cases", dispute_body(), with_key(key), tally);
    if (created.status != 201) continue;
    const auto id = created.json().at("id").as_int64();
    {
      std::lock_guard lock(tally.mutex);
      tally.created.push_back(id);
    }
    const std::string path = "/api/v1/cases/" + std::to_string(id);
    auto accepted = send(port, "POST", path + "/events", json::object{{"event", "accept"}},
                         with_key(key + "-accept", {{"If-Match", "\"1\""}}), tally);
    if (accepted.status == 200) {
      std::lock_guard lock(tally.mutex);
      ++tally.accepted;
    }
    send(port, "GET", path, nullptr, {}, tally);
    send(port, "POST", path + "/events", json::object{{"event", "start_mediation"}},
         with_key(key + "-stale", {{"If-Match", "\"1\""}}), tally);
  }
}

// Waits until nginx passes requests to engine `i` again: an answer from its
// address logged after line `from` of the access log. nginx leaves a process
// that refused a connection out for fail_timeout (deploy/nginx/outpost.conf);
// stopping the next one before that would leave one process for the load, or
// none if that one fails a request too ("no live upstreams", 502).
bool back_in_rotation(const Cluster& c, std::size_t i, std::size_t from) {
  const std::string address = "127.0.0.1:" + std::to_string(c.ports[i]);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    const auto log = c.proxy->access_log();
    for (std::size_t line = from; line < log.size(); ++line) {
      if (log[line].upstreams == address && log[line].status < 500) return true;
    }
  }
  return false;
}

}  // namespace

TEST_SUITE("operations_rolling_restart") {
  TEST_CASE(
      "each process restarted in turn under load: no request fails, nothing acknowledged is lost") {
    Cluster c;
    Tally tally;
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int n = 0; n < kClients; ++n) {
      clients.emplace_back(client_loop, n, c.proxy->port(), std::cref(stop), std::ref(tally));
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
    std::vector<int> during;  // requests answered while each engine was restarted
    for (std::size_t turn = 0; turn < rounds() * c.engines.size(); ++turn) {
      const std::size_t i = turn % c.engines.size();
      const int before = tally.total();
      const auto started = std::chrono::steady_clock::now();
      CHECK(c.restart(i) == 0);  // SIGTERM: a clean exit
      const auto ready = std::chrono::steady_clock::now();
      // Not a request the engine finished while it stopped: one it got since.
      CHECK(back_in_rotation(c, i, c.proxy->access_log().size()));
      during.push_back(tally.total() - before);
      using std::chrono::duration_cast;
      using std::chrono::milliseconds;
      MESSAGE("engine "
              << i << ": " << during.back() << " requests answered meanwhile; ready again after "
              << duration_cast<milliseconds>(ready - started).count()
              << " ms, served through nginx after "
              << duration_cast<milliseconds>(std::chrono::steady_clock::now() - started).count()
              << " ms");
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
    stop = true;
    for (auto& t : clients) t.join();

    int retried = 0;  // requests nginx passed on to a second engine
    for (const auto& e : c.proxy->access_log()) {
      if (e.upstreams.find(',') == std::string::npos) continue;
      ++retried;
      MESSAGE("retried by nginx: " << e.method << " " << e.uri << " " << e.status << " via "
                                   << e.upstreams);
    }
    std::string statuses;
    for (const auto& [status, count] : tally.statuses) {
      statuses += std::to_string(status) + ": " + std::to_string(count) + "  ";
    }
    std::string keyless;
    for (const auto& [status, count] : tally.keyless) {
      keyless += std::to_string(status) + ": " + std::to_string(count) + "  ";
    }
    MESSAGE("answers by status: " << statuses << "| of them POSTs without Idempotency-Key: "
                                  << keyless << "| retried by nginx: " << retried
                                  << " | restarts: " << during.size());
    for (const auto& f : tally.failures) MESSAGE("failed: " << f);
    if (!tally.failures.empty()) MESSAGE("nginx error log:\n" << c.proxy->error_log());
    CHECK(tally.unexpected() == 0);
    for (int d : during) CHECK(d > 0);  // the load really ran through every restart
    CHECK(tally.statuses[412] > 0);     // and the stale If-Match was really refused
    CHECK(tally.keyless[201] > 0);      // keyless creates ran too

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
