// The console's session cookie through a real server: the cookie's
// attributes, the CSRF token on state-changing requests, the idle time-out
// and logout; refused requests change nothing in the database.
#include <chrono>
#include <regex>
#include <thread>

#include "tests/http/fixtures.hpp"

using namespace outpost::testing;

namespace {

constexpr const char* kPassword = "Correct-Horse-4711";
const Headers kJson{{"Content-Type", "application/json"}};

// A server with one desk user; sessions idle out after `idle_seconds`.
struct SessionServer {
  explicit SessionServer(const std::string& idle_seconds = "1800")
      : server(db.url(), {}, {{"OUTPOST_SESSION_IDLE_SECONDS", idle_seconds}}) {
    auto r = admin.post_json("/api/v1/users", {{"username", "desk.li"},
                                               {"password", kPassword},
                                               {"role", "desk"},
                                               {"display_name", "窗口小李"}});
    REQUIRE_MESSAGE(r.status == 201, r.body);
  }

  TestDatabase db;
  ServerProcess server;
  HttpClient admin = server.client();
  HttpClient anonymous = server.client("");

  Response login(const Headers& headers = {}) {
    return anonymous.post_json(
        "/api/v1/login", {{"username", "desk.li"}, {"password", kPassword}, {"session", true}},
        headers);
  }

  std::int64_t cases() const { return db.query_int("SELECT count(*) FROM cases"); }
};

// "outpost_session=<value>" of a Set-Cookie header.
std::string cookie_of(const Response& r) {
  const std::string set = r.header("set-cookie");
  return set.substr(0, set.find(';'));
}

struct Browser {
  std::string cookie, csrf;
  Headers with(Headers extra = {}) const {
    extra.emplace_back("Cookie", "theme=red; " + cookie);
    return extra;
  }
};

Browser signed_in(SessionServer& t) {
  auto r = t.login();
  REQUIRE_MESSAGE(r.status == 200, r.body);
  return {cookie_of(r), text(r.json().at("csrf_token"))};
}

Response post_case(SessionServer& t, const Browser& b, Headers extra = {}) {
  extra.emplace_back("Content-Type", "application/json");
  return t.anonymous.request("POST", "/api/v1/cases", json::serialize(dispute_body()),
                             b.with(extra));
}

}  // namespace

TEST_SUITE("http_session") {
  TEST_CASE("a session login sets an HttpOnly, SameSite=Strict cookie and stores only its hash") {
    SessionServer t;
    const auto tokens_before = t.db.query_int("SELECT count(*) FROM tokens");
    auto r = t.login();
    REQUIRE_MESSAGE(r.status == 200, r.body);
    const json::object body = r.json().as_object();
    CHECK_FALSE(body.contains("token"));
    CHECK(body.at("user").at("username") == "desk.li");
    CHECK(body.at("user").at("display_name") == "窗口小李");
    CHECK(body.at("idle_timeout_seconds").as_int64() == 1800);
    CHECK(text(body.at("expires_at")).back() == 'Z');
    const std::string csrf = text(body.at("csrf_token"));
    CHECK(std::regex_match(csrf, std::regex("[0-9a-f]{64}")));

    const std::string set = r.header("set-cookie");
    CAPTURE(set);
    CHECK(std::regex_match(set, std::regex("outpost_session=[0-9a-f]{64}; Path=/; HttpOnly; "
                                           "SameSite=Strict")));
    const std::string secret = cookie_of(r).substr(std::string("outpost_session=").size());
    CHECK(t.db.query_int("SELECT count(*) FROM sessions") == 1);
    CHECK(t.db.query_int("SELECT count(*) FROM sessions WHERE session_hash = '" +
                         outpost::sha256_hex(secret) + "'") == 1);
    CHECK(t.db.query_int("SELECT count(*) FROM sessions WHERE session_hash = '" + secret + "'") ==
          0);
    CHECK(t.db.query_int("SELECT count(*) FROM tokens") == tokens_before);

    // Behind a TLS proxy on this host the cookie is Secure.
    auto tls = t.login({{"X-Forwarded-Proto", "https"}});
    REQUIRE(tls.status == 200);
    CHECK(tls.header("set-cookie").ends_with("; HttpOnly; SameSite=Strict; Secure"));

    // Without "session" the answer is the bearer token, as before.
    auto bearer =
        t.anonymous.post_json("/api/v1/login", {{"username", "desk.li"}, {"password", kPassword}});
    REQUIRE(bearer.status == 200);
    CHECK(bearer.json().as_object().contains("token"));
    CHECK(bearer.header("set-cookie").empty());
    // A wrong password gets no session.
    auto wrong = t.anonymous.post_json(
        "/api/v1/login",
        {{"username", "desk.li"}, {"password", "Wrong-One-123"}, {"session", true}});
    CHECK(wrong.status == 401);
    CHECK(wrong.header("set-cookie").empty());
    CHECK(t.db.query_int("SELECT count(*) FROM sessions") == 2);
    auto bad = t.anonymous.post_json(
        "/api/v1/login", {{"username", "desk.li"}, {"password", kPassword}, {"session", "yes"}});
    CHECK(bad.status == 422);
  }

  TEST_CASE("GET /api/v1/session answers the cookie's session, or the token's user, else 401") {
    SessionServer t;
    const Browser b = signed_in(t);
    auto r = t.anonymous.get("/api/v1/session", b.with());
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(text(r.json().at("csrf_token")) == b.csrf);
    CHECK(r.json().at("user").at("role") == "desk");
    CHECK(r.json().at("idle_timeout_seconds").as_int64() == 1800);

    auto by_token = t.admin.get("/api/v1/session");
    REQUIRE(by_token.status == 200);
    CHECK(by_token.json().at("user").at("role") == "admin");
    CHECK(by_token.json().at("csrf_token").is_null());

    auto none = t.anonymous.get("/api/v1/session");
    CHECK(none.status == 401);
    CHECK(none.header("content-type") == "application/problem+json");
    auto forged = t.anonymous.get("/api/v1/session", {{"Cookie", "outpost_session=" + b.csrf}});
    CHECK(forged.status == 401);
  }

  TEST_CASE("a cookie request that changes state needs the CSRF token, refused nothing changes") {
    SessionServer t;
    const Browser b = signed_in(t);
    CHECK(t.anonymous.get("/api/v1/cases", b.with()).status == 200);

    for (const Headers& bad :
         {Headers{}, Headers{{"X-CSRF-Token", ""}}, Headers{{"X-CSRF-Token", std::string(64, '0')}},
          Headers{{"X-CSRF-Token", b.csrf.substr(1)}}}) {
      auto r = post_case(t, b, bad);
      CHECK(r.status == 403);
      CHECK(r.header("content-type") == "application/problem+json");
      CHECK(text(r.json().at("type")) == "/problems/csrf");
      CHECK(t.cases() == 0);
    }
    CHECK(t.db.query_int("SELECT count(*) FROM history") == 0);

    auto ok = post_case(t, b, {{"X-CSRF-Token", b.csrf}});
    CHECK_MESSAGE(ok.status == 201, ok.body);
    CHECK(t.cases() == 1);
    // A bearer token needs no CSRF token.
    CHECK(t.admin.post_json("/api/v1/cases", dispute_body()).status == 201);
    CHECK(t.cases() == 2);
  }

  TEST_CASE("a session unused for the idle time is 401 session-expired, use keeps it alive") {
    SessionServer t("2");
    const Browser b = signed_in(t);
    for (int i = 0; i < 3; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1200));
      auto alive = t.anonymous.get("/api/v1/cases", b.with());
      CHECK_MESSAGE(alive.status == 200, alive.body);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    auto expired = t.anonymous.get("/api/v1/cases", b.with());
    CHECK(expired.status == 401);
    CHECK(text(expired.json().at("type")) == "/problems/session-expired");
    auto session = t.anonymous.get("/api/v1/session", b.with());
    CHECK(session.status == 401);
    CHECK(text(session.json().at("type")) == "/problems/session-expired");
    auto create = post_case(t, b, {{"X-CSRF-Token", b.csrf}});
    CHECK(create.status == 401);
    CHECK(t.cases() == 0);
    // A new login starts a new session.
    const Browser again = signed_in(t);
    CHECK(t.anonymous.get("/api/v1/cases", again.with()).status == 200);
  }

  TEST_CASE("logout ends the session and clears the cookie, without the CSRF token it is refused") {
    SessionServer t;
    const Browser b = signed_in(t);
    auto refused = t.anonymous.request("POST", "/api/v1/logout", "{}", b.with(kJson));
    CHECK(refused.status == 403);
    CHECK(t.anonymous.get("/api/v1/session", b.with()).status == 200);

    auto out = t.anonymous.request(
        "POST", "/api/v1/logout", "{}",
        b.with({{"Content-Type", "application/json"}, {"X-CSRF-Token", b.csrf}}));
    CHECK(out.status == 204);
    CHECK(out.header("set-cookie") ==
          "outpost_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
    CHECK(t.db.query_int("SELECT count(*) FROM sessions WHERE revoked_at IS NOT NULL") == 1);
    auto after = t.anonymous.get("/api/v1/cases", b.with());
    CHECK(after.status == 401);
    CHECK(text(after.json().at("type")) == "/problems/unauthenticated");
  }
}
