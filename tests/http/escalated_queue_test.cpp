// The escalated (督办) queue, GET /api/v1/queues/escalated, on a real server:
// the deadline ticker escalates a case whose deadline has passed (its stored
// deadline and timers are backdated, on the 24×7 calendar with a ticker of
// 100 ms), and the queue then lists it for callers whose scope holds the case,
// with its count, and for nobody else.
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/http/fixtures.hpp"

namespace {

using namespace outpost::testing;
namespace json = boost::json;

constexpr const char* kQueue = "/api/v1/queues/escalated";

std::int64_t total_of(const Response& r) {
  REQUIRE_MESSAGE(r.status == 200, r.body);
  return r.json().at("counts").at("total").as_int64();
}

struct EscalationServer : TestServer {
  EscalationServer()
      : TestServer(Headers{{"OUTPOST_CALENDAR", "calendar-24x7.json"},
                           {"OUTPOST_DEADLINE_INTERVAL_MS", "100"}}) {}

  // A request dispatched to the urban department and never signed for.
  std::int64_t dispatched(bool confidential = false) {
    auto body = request_body();
    body["confidential"] = confidential;
    const auto id = create_case(body);
    step(id, "dispatch", {{"department", "urban"}});
    return id;
  }

  // Makes the case's step overdue and waits until the ticker has escalated it.
  void escalate(std::int64_t id) {
    const std::string where = " WHERE case_id = " + std::to_string(id);
    db.exec("UPDATE cases SET deadline = 1000 WHERE id = " + std::to_string(id));
    db.exec("UPDATE timers SET due_at = 0" + where + " AND state = 'pending'");
    for (int i = 0; i < 200 && escalations(id) == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    REQUIRE(escalations(id) == 1);
  }

  std::int64_t escalations(std::int64_t id) {
    return db.query_int("SELECT count(*) FROM history WHERE event = 'escalated' AND case_id = " +
                        std::to_string(id));
  }
};

}  // namespace

TEST_SUITE("http_escalated_queue") {
  TEST_CASE("a case the deadline ticker escalates joins the escalated queue of callers in scope") {
    EscalationServer t;
    HttpClient dispatcher = t.client_as("disp.he", "dispatcher");
    HttpClient supervisor = t.client_as("sup.zhou", "supervisor");
    HttpClient urban = t.client_as("urban.li", "handler", "urban");
    HttpClient police = t.client_as("officer.li", "handler", "police");

    const auto late = t.dispatched();
    const auto secret = t.dispatched(true);
    const auto on_time = t.dispatched();
    CHECK(ids_of(dispatcher.get(kQueue)).empty());
    CHECK(total_of(t.client.get(kQueue)) == 0);

    t.escalate(late);
    t.escalate(secret);
    // The stored clock says escalated; the case is still open.
    CHECK(t.get_case(late).at("state") == "dispatched");

    CHECK(ids_of(dispatcher.get(kQueue)) == std::vector<std::int64_t>{late});
    CHECK(total_of(dispatcher.get(kQueue)) == 1);
    CHECK(ids_of(urban.get(kQueue)) == std::vector<std::int64_t>{late});
    // Confidential: only its handlers' supervisors, auditors and admins see it.
    CHECK(ids_of(supervisor.get(kQueue)) == std::vector<std::int64_t>{late, secret});
    CHECK(total_of(supervisor.get(kQueue)) == 2);
    CHECK(ids_of(t.client.get(kQueue)) == std::vector<std::int64_t>{late, secret});
    // Another department's handler sees none of them.
    CHECK(ids_of(police.get(kQueue)).empty());
    CHECK(total_of(police.get(kQueue)) == 0);
    // Paged like the other queues.
    auto first = supervisor.get(std::string(kQueue) + "?limit=1");
    CHECK(ids_of(first) == std::vector<std::int64_t>{late});
    const std::string cursor = text(first.json().at("next_cursor"));
    CHECK(ids_of(supervisor.get(std::string(kQueue) + "?limit=1&cursor=" + cursor)) ==
          std::vector<std::int64_t>{secret});
    // Not escalated: in no escalated queue, though in the dispatch list.
    CHECK(t.escalations(on_time) == 0);
  }

  TEST_CASE("bad paging is a problem and an unauthenticated caller is refused") {
    EscalationServer t;
    auto bad = t.client.get(std::string(kQueue) + "?limit=0");
    CHECK(bad.status == 422);
    CHECK(bad.header("content-type") == "application/problem+json");
    CHECK(t.server.client("no-such-token").get(kQueue).status == 401);
  }
}
