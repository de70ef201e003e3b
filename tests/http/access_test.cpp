// Access holes closed (issue 18), over HTTP on both backends: an idempotent
// replay re-checks the caller's scope and role; the outbox is read by the
// roles of `read_outbox` and shows only the cases in the reader's scope;
// internal notes are read only by the roles of `read_internal_notes`; failed
// logins are counted per client address, taken from X-Forwarded-For only when
// the peer is a trusted proxy.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "tests/http/fixtures.hpp"

using namespace outpost::testing;

namespace {

const Headers kJson{{"Content-Type", "application/json"}};
constexpr const char* kPassword = "Correct-Horse-4711";

std::string case_path(std::int64_t id, const std::string& tail = "") {
  return "/api/v1/cases/" + std::to_string(id) + tail;
}

Headers with_key(const std::string& key) {
  return {{"Idempotency-Key", key}};
}

bool replayed(const Response& r) {
  return r.header("idempotent-replayed") == "true";
}

// The admin changes a user's role or department (PATCH /api/v1/users/{name}).
void change_user(TestServer& t, const std::string& username, const json::object& change) {
  auto r = t.client.request("PATCH", "/api/v1/users/" + username, json::serialize(change), kJson);
  REQUIRE_MESSAGE(r.status == 200, r.body);
}

// A request dispatched to urban (facility_repair), by the admin.
std::int64_t urban_request(TestServer& t, bool confidential = false) {
  json::object body = request_body();
  body["confidential"] = confidential;
  const auto id = t.create_case(body);
  t.step(id, "dispatch");
  return id;
}

// The case ids of the outbox messages a client reads, every page of them.
std::set<std::int64_t> outbox_cases(HttpClient& c, const std::string& query = "limit=1") {
  std::set<std::int64_t> ids;
  std::string target = "/api/v1/outbox?" + query;
  for (int page = 0; page < 100; ++page) {
    auto r = c.get(target);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    const json::value body = r.json();
    for (const auto& m : body.at("items").as_array()) {
      if (m.at("case_id").is_int64()) ids.insert(m.at("case_id").as_int64());
    }
    if (body.at("next_cursor").is_null()) return ids;
    target = "/api/v1/outbox?" + query + "&cursor=" + text(body.at("next_cursor"));
  }
  FAIL("the outbox did not end within 100 pages");
  return ids;
}

// The bodies of a case's notes as a client reads them, oldest first.
std::vector<std::string> note_bodies(HttpClient& c, std::int64_t id) {
  auto r = c.get(case_path(id, "/notes"));
  REQUIRE_MESSAGE(r.status == 200, r.body);
  const json::value notes = r.json();
  std::vector<std::string> bodies;
  for (const auto& n : notes.at("items").as_array()) bodies.push_back(text(n.at("body")));
  return bodies;
}

// A server whose lock comes after 3 failed logins in a row (no back-off
// before), trusting the proxies `trusted` (OUTPOST_TRUSTED_PROXIES).
struct ProxiedServer : TestServer {
  explicit ProxiedServer(const std::string& trusted)
      : TestServer({{"OUTPOST_TRUSTED_PROXIES", trusted},
                    {"OUTPOST_LOGIN_MAX_FAILURES", "3"},
                    {"OUTPOST_LOGIN_BACKOFF_AFTER", "100"}}) {
    auto r = client.post_json("/api/v1/users",
                              {{"username", "bob"}, {"password", kPassword}, {"role", "desk"}});
    REQUIRE_MESSAGE(r.status == 201, r.body);
  }

  // A login sent through the proxy on behalf of `forwarded_for`.
  Response login(const std::string& forwarded_for, const std::string& username,
                 const std::string& password) {
    return server.client("").post_json("/api/v1/login",
                                       {{"username", username}, {"password", password}},
                                       {{"X-Forwarded-For", forwarded_for}});
  }

  // Three wrong passwords from `forwarded_for`, each for another account, so
  // that only the client address collects the failures and gets locked (the
  // third is answered 429 already).
  void fail_three_times(const std::string& forwarded_for) {
    for (int i = 1; i <= 3; ++i) {
      auto r = login(forwarded_for, "ghost" + std::to_string(i), "wrong-password");
      REQUIRE_MESSAGE(r.status == (i < 3 ? 401 : 429), r.body);
    }
  }
};

// Loopback in both families: the test client's peer address.
constexpr const char* kLoopback = "127.0.0.1,::1";

}  // namespace

TEST_SUITE("http_access") {
  TEST_CASE("an idempotent replay is answered only while the caller may still do what it did") {
    TestServer t;
    HttpClient desk = t.client_as("desk.a", "desk");
    HttpClient other = t.client_as("legal.b", "handler", "legal");
    HttpClient urban = t.client_as("urban.h", "handler", "urban");

    auto created = desk.post_json("/api/v1/cases", dispute_body(), with_key("k-create"));
    REQUIRE_MESSAGE(created.status == 201, created.body);
    const auto dispute = created.json().at("id").as_int64();
    auto again = desk.post_json("/api/v1/cases", dispute_body(), with_key("k-create"));
    CHECK(again.status == 201);
    CHECK(replayed(again));
    CHECK(again.json().at("id").as_int64() == dispute);
    auto accepted =
        desk.post_json(case_path(dispute, "/events"), {{"event", "accept"}}, with_key("k-accept"));
    REQUIRE_MESSAGE(accepted.status == 200, accepted.body);

    SUBCASE("another user's repeat of the key is their own request, refused as theirs") {
      const std::string before = t.snapshot(dispute);
      auto r = other.post_json(case_path(dispute, "/events"), {{"event", "accept"}},
                               with_key("k-accept"));
      CHECK_MESSAGE(r.status == 404, r.body);
      CHECK_FALSE(replayed(r));
      CHECK(t.snapshot(dispute) == before);
    }

    SUBCASE("after losing the role, the repeat of a create and of an event is 403") {
      change_user(t, "desk.a", {{"role", "auditor"}});
      const std::string before = t.snapshot(dispute);
      const auto cases = t.db.query_int("SELECT count(*) FROM cases");
      auto create = desk.post_json("/api/v1/cases", dispute_body(), with_key("k-create"));
      CHECK_MESSAGE(create.status == 403, create.body);
      CHECK_FALSE(replayed(create));
      auto event = desk.post_json(case_path(dispute, "/events"), {{"event", "accept"}},
                                  with_key("k-accept"));
      CHECK_MESSAGE(event.status == 403, event.body);
      CHECK(event.header("content-type") == "application/problem+json");
      CHECK_FALSE(replayed(event));
      CHECK(t.snapshot(dispute) == before);
      CHECK(t.db.query_int("SELECT count(*) FROM cases") == cases);
    }

    SUBCASE("after leaving the case's department, the repeat is 404 and shows nothing") {
      const auto request = urban_request(t);
      auto ack = urban.post_json(case_path(request, "/events"), {{"event", "acknowledge"}},
                                 with_key("k-ack"));
      REQUIRE_MESSAGE(ack.status == 200, ack.body);
      auto still = urban.post_json(case_path(request, "/events"), {{"event", "acknowledge"}},
                                   with_key("k-ack"));
      CHECK(still.status == 200);
      CHECK(replayed(still));

      change_user(t, "urban.h", {{"department", "legal"}});
      const std::string before = t.snapshot(request);
      auto r = urban.post_json(case_path(request, "/events"), {{"event", "acknowledge"}},
                               with_key("k-ack"));
      CHECK_MESSAGE(r.status == 404, r.body);
      CHECK_FALSE(replayed(r));
      CHECK(r.body.find("\"number\"") == std::string::npos);
      CHECK(t.snapshot(request) == before);
    }
  }

  TEST_CASE("the outbox is read by the roles of read_outbox, each in their own scope") {
    TestServer t;
    const auto open = urban_request(t);
    const auto confidential = urban_request(t, true);
    HttpClient dispatcher = t.client_as("disp.a", "dispatcher");
    HttpClient supervisor = t.client_as("sup.a", "supervisor");

    const auto all = outbox_cases(supervisor);
    CHECK(all.count(open) == 1);
    CHECK(all.count(confidential) == 1);
    const auto seen = outbox_cases(dispatcher);
    CHECK(seen.count(open) == 1);
    CHECK(seen.count(confidential) == 0);
    CHECK(outbox_cases(dispatcher, "limit=500&state=pending").count(confidential) == 0);

    for (const auto& [user, role] :
         {std::pair{"desk.a", "desk"}, std::pair{"urban.h", "handler"}}) {
      CAPTURE(user);
      HttpClient c = t.client_as(user, role, role == std::string("handler") ? "urban" : "");
      auto r = c.get("/api/v1/outbox");
      CHECK_MESSAGE(r.status == 403, r.body);
      CHECK(r.body.find("outbox") != std::string::npos);
    }
  }

  TEST_CASE("internal notes are read by staff roles, public ones by whoever sees the case") {
    TestServer t;
    const auto id = urban_request(t);
    auto internal = t.client.post_json(case_path(id, "/notes"), {{"body", "内部：当事人情绪激动"}});
    REQUIRE_MESSAGE(internal.status == 201, internal.body);
    auto pub = t.client.post_json(case_path(id, "/notes"),
                                  {{"body", "已告知申请人处理进度"}, {"visibility", "public"}});
    REQUIRE_MESSAGE(pub.status == 201, pub.body);

    HttpClient handler = t.client_as("urban.h", "handler", "urban");
    HttpClient head = t.client_as("head.urban", "department_head", "urban");
    HttpClient auditor = t.client_as("audit.q", "auditor");
    const std::vector<std::string> both{"内部：当事人情绪激动", "已告知申请人处理进度"};
    CHECK(note_bodies(handler, id) == both);
    CHECK(note_bodies(auditor, id) == both);
    CHECK(note_bodies(t.client, id) == both);
    REQUIRE(head.get(case_path(id)).status == 200);
    CHECK(note_bodies(head, id) == std::vector<std::string>{"已告知申请人处理进度"});

    HttpClient outsider = t.client_as("legal.b", "handler", "legal");
    CHECK(outsider.get(case_path(id, "/notes")).status == 404);
  }

  TEST_CASE("behind a trusted proxy, failed logins lock the forwarded client, not the proxy") {
    ProxiedServer t(kLoopback);
    t.fail_three_times("203.0.113.7");
    auto locked = t.login("203.0.113.7", "bob", kPassword);
    CHECK_MESSAGE(locked.status == 429, locked.body);
    auto via_second_proxy = t.login("203.0.113.7, 127.0.0.1", "bob", kPassword);
    CHECK_MESSAGE(via_second_proxy.status == 429, via_second_proxy.body);
    auto other_client = t.login("203.0.113.8", "bob", kPassword);
    CHECK_MESSAGE(other_client.status == 200, other_client.body);
    CHECK_MESSAGE(
        t.server.client("")
                .post_json("/api/v1/login", {{"username", "bob"}, {"password", kPassword}})
                .status == 200,
        "the proxy's own address is not locked");
  }

  TEST_CASE("a bad trusted_proxies setting stops the server with exit code 2 and says which") {
    TestDatabase db;
    const auto env = run_outpost({"serve", "--database", db.url()},
                                 {{"OUTPOST_TRUSTED_PROXIES", "10.0.0.5,10.0.0.0/33"}});
    CHECK(env.exit_code == 2);
    CHECK_MESSAGE(env.output.find("trusted_proxies[1]") != std::string::npos, env.output);

    const char* dir = std::getenv("OUTPOST_TEST_WORK_DIR");
    const std::string file =
        std::string(dir && *dir ? dir : "/tmp") + "/access-" + std::to_string(::getpid()) + ".toml";
    std::ofstream(file) << "[http]\ntrusted_proxies = \"10.0.0.5\"\n";
    const auto toml = run_outpost({"serve", "--database", db.url(), "--config", file});
    std::remove(file.c_str());
    CHECK(toml.exit_code == 2);
    CHECK_MESSAGE(toml.output.find("http.trusted_proxies") != std::string::npos, toml.output);
  }

  TEST_CASE("from an untrusted peer X-Forwarded-For is ignored and cannot dodge the lock") {
    ProxiedServer t("10.9.9.9,192.0.2.0/24");
    t.fail_three_times("203.0.113.7");
    auto dodging = t.login("203.0.113.8", "bob", kPassword);
    CHECK_MESSAGE(dodging.status == 429, dodging.body);
    CHECK(!dodging.header("retry-after").empty());
  }
}
