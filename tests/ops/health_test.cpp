// Liveness, readiness and the graceful shutdown on SIGTERM (issue 20, item 2).
#include <signal.h>

#include <memory>
#include <thread>

#include "tests/http/fixtures.hpp"
#include "tests/ops/raw_http.hpp"

using namespace outpost::testing;

namespace {

// A request's header block with a body of `length` bytes still to come.
std::string header_of(const std::string& line, std::size_t length) {
  return line + " HTTP/1.1\r\nHost: outpost\r\nAuthorization: Bearer " + std::string(kTestToken) +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(length) +
         "\r\n\r\n";
}

// A trusted proxy (OUTPOST_TRUSTED_PROXIES) as the server sees it.
constexpr const char* kProxy = "127.0.0.2";
constexpr const char* kLive = "GET /health/live HTTP/1.1\r\nHost: outpost\r\n\r\n";

void wait_ms(int ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

}  // namespace

TEST_SUITE("ops_health") {
  TEST_CASE("live and ready answer 200 on a migrated database that answers") {
    TestServer t;
    HttpClient anonymous(t.server.port(), "");  // probes carry no credentials
    auto live = anonymous.get("/health/live");
    CHECK(live.status == 200);
    CHECK(live.json().at("status") == "live");
    auto ready = anonymous.get("/health/ready");
    CHECK_MESSAGE(ready.status == 200, ready.body);
    CHECK(ready.json().at("status") == "ready");
  }

  TEST_CASE("ready is 503 problem+json once the schema is newer than the binary knows") {
    TestServer t;
    HttpClient anonymous(t.server.port(), "");
    REQUIRE(anonymous.get("/health/ready").status == 200);
    t.db.exec(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)");
    auto ready = anonymous.get("/health/ready");
    CHECK(ready.status == 503);
    CHECK(ready.header("content-type") == "application/problem+json");
    CHECK(ready.body.find("9999") != std::string::npos);
    CHECK(anonymous.get("/health/live").status == 200);
  }

  TEST_CASE("ready is 503 when the database is gone, live stays 200") {
    if (test_backend() != "postgresql") return;  // only PostgreSQL can vanish under the server
    TestServer t;
    HttpClient anonymous(t.server.port(), "");
    REQUIRE(anonymous.get("/health/ready").status == 200);
    t.db.drop_now();
    auto ready = anonymous.get("/health/ready");
    CHECK(ready.status == 503);
    CHECK(ready.header("content-type") == "application/problem+json");
    CHECK(anonymous.get("/health/live").status == 200);
  }

  TEST_CASE(
      "SIGTERM: requests in flight finish, ready turns 503, new connections are refused, "
      "exit 0") {
    TestDatabase db;
    ServerProcess server(db.url(), {"--shutdown-grace", "15"},
                         {{"OUTPOST_TRUSTED_PROXIES", kProxy}});
    const unsigned short port = server.port();
    const std::string body = json::serialize(dispute_body());
    const std::size_t half = body.size() / 2;

    // A case being created: its header and half its body are in; the rest comes
    // after the signal.
    RawHttp create(port);
    REQUIRE(create.connected());
    REQUIRE(create.send(header_of("POST /api/v1/cases", body.size()) + body.substr(0, half)));
    // A readiness probe in flight the same way (a body the handler ignores).
    RawHttp probe(port);
    REQUIRE(probe.connected());
    REQUIRE(probe.send(header_of("GET /health/ready", 2)));
    // Idle keep-alive connections of the trusted proxy: not closed under a
    // request the proxy may be sending; the next one is answered with
    // Connection: close. One the proxy closes itself during the grace period.
    // And a client's (not the proxy's): closed at once.
    RawHttp idle(port, kProxy);
    REQUIRE(idle.send(kLive));
    REQUIRE(idle.answer_one().status == 200);
    auto left = std::make_unique<RawHttp>(port, kProxy);
    REQUIRE(left->send(kLive));
    REQUIRE(left->answer_one().status == 200);
    RawHttp client(port);
    REQUIRE(client.send(kLive));
    REQUIRE(client.answer_one().status == 200);
    wait_ms(300);  // the server has read both headers

    REQUIRE(::kill(server.pid(), SIGTERM) == 0);
    wait_ms(500);
    RawHttp late(port);
    CHECK_FALSE(late.connected());
    CHECK(late.connect_error() == ECONNREFUSED);
    CHECK(client.closed_by_server());

    REQUIRE(probe.send("{}"));
    const RawAnswer ready = probe.answer();
    CHECK(ready.status == 503);
    CHECK(ready.head.find("application/problem+json") != std::string::npos);

    wait_ms(1000);  // still well inside the grace period
    REQUIRE(create.send(body.substr(half)));
    const RawAnswer created = create.answer();
    CHECK_MESSAGE(created.status == 201, created.head << created.body);
    CHECK(created.head.find("Connection: close") != std::string::npos);

    REQUIRE(idle.send(kLive));
    const RawAnswer last = idle.answer();  // read until the server closes
    CHECK(last.status == 200);
    CHECK(last.head.find("Connection: close") != std::string::npos);
    left.reset();
    // Every connection is closed now: the process exits long before the 15 s grace.
    const auto closed = std::chrono::steady_clock::now();
    CHECK(server.stop(0) == 0);  // signal 0: only waits for the exit
    CHECK(std::chrono::steady_clock::now() - closed < std::chrono::seconds(5));
    CHECK(server.log().find("server stopped") != std::string::npos);

    // The acknowledged case is stored.
    CHECK(db.query_int("SELECT count(*) FROM cases") == 1);
  }

  TEST_CASE("SIGTERM: a request still in flight when the grace period ends is cut, exit 0") {
    TestDatabase db;
    ServerProcess server(db.url(), {"--shutdown-grace", "1"},
                         {{"OUTPOST_TRUSTED_PROXIES", kProxy}});
    const std::string body = json::serialize(dispute_body());
    RawHttp create(server.port());
    REQUIRE(create.send(header_of("POST /api/v1/cases", body.size()) + body.substr(0, 10)));
    // The proxy's idle keep-alive connection no request comes on: closed when the grace ends.
    RawHttp idle(server.port(), kProxy);
    REQUIRE(idle.send(kLive));
    REQUIRE(idle.answer_one().status == 200);
    wait_ms(300);
    const auto signalled = std::chrono::steady_clock::now();
    REQUIRE(::kill(server.pid(), SIGTERM) == 0);
    const RawAnswer cut = create.answer();  // the server closes without answering
    const double waited =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - signalled).count();
    CHECK(cut.status == 0);
    CHECK(waited >= 0.9);
    CHECK(waited < 10);
    CHECK(idle.closed_by_server());
    CHECK(server.stop(0) == 0);
    CHECK(db.query_int("SELECT count(*) FROM cases") == 0);
  }
}
