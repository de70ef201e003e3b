// Bad input gets the documented problem+json status and changes nothing.
#include <set>

#include "tests/http/fixtures.hpp"

using namespace outpost::testing;

namespace {

void check_problem(const Response& r, int status) {
  CHECK_MESSAGE(r.status == status, r.body);
  CHECK(r.header("content-type") == "application/problem+json");
  const auto p = r.json();
  CHECK(p.at("status").as_int64() == status);
  CHECK(p.at("title").is_string());
  CHECK(p.at("type").is_string());
}

}  // namespace

TEST_SUITE("http_errors") {
  TEST_CASE("refused events and bad requests leave the case and its history unchanged") {
    TestServer t;
    const auto id = t.create_case();
    t.step(id, "accept");
    const std::string before = t.snapshot(id);
    const std::string events = "/api/v1/cases/" + std::to_string(id) + "/events";

    SUBCASE("an event not allowed in the state is 409 with the allowed events") {
      auto r = t.event(id, "close");
      check_problem(r, 409);
      CHECK(r.json().at("state") == "accepted");
      const auto allowed = r.json().at("allowed_events").as_array();
      CHECK(std::find(allowed.begin(), allowed.end(), json::value("assign")) != allowed.end());
    }
    SUBCASE("a stale If-Match is 412") {
      check_problem(t.event(id, "assign", {{"department", "police"}, {"assignees", {"police-01"}}},
                            {{"If-Match", "\"1\""}}),
                    412);
    }
    SUBCASE("a missing payload field is 422 naming it") {
      auto r = t.event(id, "assign", {{"department", "police"}});
      check_problem(r, 422);
      CHECK(r.json().at("errors").as_array()[0].at("field") == "assignees");
    }
    SUBCASE("an unknown department is 422") {
      check_problem(t.event(id, "assign", {{"department", "fire"}, {"assignees", {"police-01"}}}),
                    422);
    }
    SUBCASE("an unknown event name is 422") {
      auto r = t.event(id, "teleport");
      check_problem(r, 422);
      CHECK(r.json().at("errors").as_array()[0].at("field") == "event");
    }
    SUBCASE("no token or a wrong token is 401") {
      check_problem(t.client.request("POST", events, R"({"event":"assign"})",
                                     {{"Content-Type", "application/json"}, {"Authorization", ""}}),
                    401);
      HttpClient stranger(t.server.port(), "not-a-token");
      check_problem(
          stranger.post_json(events, json::object{{"event", "withdraw"}, {"reason", "x"}}), 401);
    }
    SUBCASE("malformed JSON is 400, a wrong content type 415") {
      check_problem(
          t.client.request("POST", events, "{\"event\": ", {{"Content-Type", "application/json"}}),
          400);
      check_problem(t.client.request("POST", events, R"({"event":"withdraw","reason":"x"})",
                                     {{"Content-Type", "text/plain"}}),
                    415);
    }
    SUBCASE("a 2 MiB body is 413") {
      std::string huge =
          R"({"event":"withdraw","reason":")" + std::string(2 * 1024 * 1024, 'x') + "\"}";
      check_problem(t.client.request("POST", events, huge, {{"Content-Type", "application/json"}}),
                    413);
    }
    SUBCASE("a header block over 8 KiB is 431") {
      check_problem(t.client.request("POST", events, R"({"event":"withdraw","reason":"x"})",
                                     {{"Content-Type", "application/json"},
                                      {"X-Padding", std::string(9000, 'p')}}),
                    431);
    }
    SUBCASE("a malformed If-Match is 400") {
      check_problem(t.event(id, "withdraw", {{"reason", "x"}}, {{"If-Match", "version-two"}}), 400);
    }
    CHECK(t.snapshot(id) == before);
  }

  TEST_CASE("unknown cases are 404 and unknown paths or methods are refused") {
    TestServer t;
    check_problem(t.client.get("/api/v1/cases/999999"), 404);
    check_problem(t.client.get("/api/v1/cases/abc"), 404);
    check_problem(t.event(999999, "accept"), 404);
    check_problem(t.client.get("/api/v1/cases/999999/history"), 404);
    check_problem(t.client.get("/api/v1/nothing-here"), 404);
    auto r = t.client.request("DELETE", "/api/v1/cases");
    check_problem(r, 405);
    CHECK(r.header("allow").find("GET") != std::string::npos);
  }

  TEST_CASE("JSON answers are never cached") {
    TestServer t;
    for (const char* path : {"/healthz", "/api/v1/cases", "/api/v1/nothing-here"}) {
      CAPTURE(path);
      const auto r = t.client.get(path);
      CHECK(r.header("cache-control") == "no-store");
      CHECK(r.header("x-content-type-options") == "nosniff");
    }
  }

  TEST_CASE("an invalid case is refused with every bad field named, and nothing is stored") {
    TestServer t;
    auto body = dispute_body();
    body["category"] = "alien-abduction";
    body["location"] = {{"community", "LF"}, {"grid", "JS-G01"}};
    body["channel"] = "fax";
    body["parties"] = {{{"role", "applicant"}, {"name", "张三"}, {"phone", "not-a-phone"}}};
    body["favourite_colour"] = "blue";
    auto r = t.client.post_json("/api/v1/cases", body);
    check_problem(r, 422);
    std::set<std::string> fields;
    const auto errors = r.json().at("errors").as_array();
    for (const auto& e : errors) fields.insert(text(e.at("field")));
    for (const char* f : {"category", "location.grid", "channel", "parties[0].phone", "parties",
                          "favourite_colour"}) {
      CHECK_MESSAGE(fields.count(f) == 1, f);
    }
    check_problem(t.client.post_json("/api/v1/cases", json::array{1, 2}), 422);
    check_problem(t.client.request("POST", "/api/v1/cases", "not json",
                                   {{"Content-Type", "application/json"}}),
                  400);
    CHECK(t.db.query_int("SELECT count(*) FROM cases") == 0);
    CHECK(t.db.query_int("SELECT count(*) FROM history") == 0);
  }

  TEST_CASE("list parameters are validated") {
    TestServer t;
    check_problem(t.client.get("/api/v1/cases?limit=0"), 422);
    check_problem(t.client.get("/api/v1/cases?limit=501"), 422);
    check_problem(t.client.get("/api/v1/cases?overdue=maybe"), 422);
    check_problem(t.client.get("/api/v1/cases?created_from=yesterday"), 422);
    check_problem(t.client.get("/api/v1/cases?cursor=-4"), 422);
    check_problem(t.client.get("/api/v1/cases?colour=red"), 422);
    CHECK(t.client.get("/api/v1/cases?created_from=2026-01-01T00:00:00%2B08:00&overdue=false")
              .status == 200);
  }

  TEST_CASE("the same Idempotency-Key creates one case and returns the same response") {
    TestServer t;
    const Headers key{{"Idempotency-Key", "desk-7f3a"}};
    auto first = t.client.post_json("/api/v1/cases", dispute_body(), key);
    auto second = t.client.post_json("/api/v1/cases", dispute_body(), key);
    REQUIRE(first.status == 201);
    CHECK(second.status == 201);
    CHECK(second.body == first.body);
    CHECK(second.header("location") == first.header("location"));
    CHECK(t.db.query_int("SELECT count(*) FROM cases") == 1);

    auto changed = dispute_body();
    changed["title"] = "另一件事";
    check_problem(t.client.post_json("/api/v1/cases", changed, key), 422);
    CHECK(t.db.query_int("SELECT count(*) FROM cases") == 1);

    const auto id = first.json().at("id").as_int64();
    const Headers event_key{{"Idempotency-Key", "evt-1"}};
    auto a = t.event(id, "accept", {}, event_key);
    auto b = t.event(id, "accept", {}, event_key);
    CHECK(a.status == 200);
    CHECK(b.status == 200);
    CHECK(a.body == b.body);
    CHECK(t.stored_history_rows(id) == 2);
  }

  TEST_CASE("a repeat after the answer was lost answers the case as it is, and changes nothing") {
    // The key is recorded with the change; the answer is saved just after the
    // commit. A process that stopped in between left the key without its answer.
    TestServer t;
    const Headers key{{"Idempotency-Key", "desk-lost-answer"}};
    auto first = t.client.post_json("/api/v1/cases", dispute_body(), key);
    REQUIRE(first.status == 201);
    const auto id = first.json().at("id").as_int64();
    t.db.exec("UPDATE idempotency_keys SET answer = NULL");
    t.step(id, "accept");

    auto again = t.client.post_json("/api/v1/cases", dispute_body(), key);
    CHECK(again.status == 201);
    CHECK(again.header("idempotent-replayed") == "true");
    CHECK(again.header("location") == first.header("location"));
    CHECK(again.json().at("id").as_int64() == id);
    CHECK(again.json().at("state") == "accepted");
    CHECK(again.header("etag") == "\"2\"");
    CHECK(t.db.query_int("SELECT count(*) FROM cases") == 1);
    CHECK(t.stored_history_rows(id) == 2);
  }
}
