// Users, roles, login and tokens through a real server and the real CLI: the
// admin API, `outpost user|token`, the failed-login lock and back-off,
// immediate revocation, and refused requests that change nothing.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "tests/http/fixtures.hpp"

using namespace outpost::testing;

namespace {

const Headers kJson{{"Content-Type", "application/json"}};
constexpr const char* kPassword = "Correct-Horse-4711";

// A server whose login lock lasts 3 s, so the lock can be seen to lift within
// the test. By default its back-off starts only with the lock (at 10 failures),
// so that wrong passwords sent back to back each get their 401.
struct UsersServer {
  explicit UsersServer(const std::string& backoff_after = "10", const std::string& delay_ms = "10")
      : server(db.url(), {},
               {{"OUTPOST_LOGIN_LOCK_SECONDS", "3"},
                {"OUTPOST_LOGIN_BACKOFF_AFTER", backoff_after},
                {"OUTPOST_LOGIN_DELAY_MS", delay_ms}}) {}

  TestDatabase db;
  ServerProcess server;
  HttpClient admin = server.client();
  HttpClient anonymous = server.client("");

  Response send(HttpClient& c, const std::string& method, const std::string& target,
                const json::value& body) {
    return c.request(method, target, json::serialize(body), kJson);
  }

  Response login(const std::string& username, const std::string& password) {
    return anonymous.post_json("/api/v1/login", {{"username", username}, {"password", password}});
  }

  // A user created through the admin API.
  void add_user(const std::string& username, const std::string& role,
                const std::string& department = "") {
    json::object body{{"username", username}, {"password", kPassword}, {"role", role}};
    if (!department.empty()) body["department"] = department;
    auto r = admin.post_json("/api/v1/users", body);
    REQUIRE_MESSAGE(r.status == 201, r.body);
  }

  // A client holding a fresh login token of this user.
  HttpClient logged_in(const std::string& username) {
    auto r = login(username, kPassword);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    return server.client(text(r.json().at("token")));
  }

  // Every row count and flag a refused request must leave alone.
  std::string fingerprint() const {
    return std::to_string(db.query_int("SELECT count(*) FROM users")) + "/" +
           std::to_string(db.query_int("SELECT count(*) FROM tokens")) + "/" +
           std::to_string(
               db.query_int("SELECT count(*) FROM tokens WHERE revoked_at IS NOT NULL")) +
           "/" + std::to_string(db.query_int("SELECT coalesce(sum(disabled), 0) FROM users")) +
           "/" +
           std::to_string(db.query_int("SELECT count(DISTINCT role || department || grid ||"
                                       " display_name) FROM users"));
  }

  CommandResult cli(std::vector<std::string> args, const Headers& env = {}) {
    args.push_back("--database");
    args.push_back(db.url());
    return run_outpost(args, env);
  }
};

bool names_field(const Response& r, const std::string& field) {
  const json::value body = r.json();
  if (const auto* errors = body.as_object().if_contains("errors")) {
    for (const auto& e : errors->as_array()) {
      if (text(e.at("field")) == field) return true;
    }
  }
  return false;
}

// The value after "key: " on its own line of a command's output.
std::string output_value(const std::string& output, const std::string& key) {
  const auto at = output.find(key + ": ");
  if (at == std::string::npos) return "";
  const auto start = at + key.size() + 2;
  return output.substr(start, output.find('\n', start) - start);
}

}  // namespace

TEST_SUITE("http_users") {
  TEST_CASE("an admin creates users; login issues an expiring token that authenticates") {
    UsersServer t;
    auto created = t.admin.post_json("/api/v1/users", {{"username", "wang.fang"},
                                                       {"password", kPassword},
                                                       {"role", "handler"},
                                                       {"department", "urban"},
                                                       {"grid", "LF-G01"},
                                                       {"display_name", "王芳"}});
    REQUIRE_MESSAGE(created.status == 201, created.body);
    CHECK(created.header("location") == "/api/v1/users/wang.fang");
    CHECK(created.json().at("role") == "handler");
    CHECK(created.json().at("department") == "urban");
    CHECK(created.json().at("grid") == "LF-G01");
    CHECK(created.json().at("disabled") == false);
    CHECK(created.json().as_object().if_contains("password") == nullptr);
    CHECK(created.json().as_object().if_contains("password_hash") == nullptr);
    const std::string stored =
        t.db.query_text("SELECT password_hash FROM users WHERE username = 'wang.fang'");
    CHECK(stored.rfind("$argon2id$", 0) == 0);
    CHECK(stored.find(kPassword) == std::string::npos);

    auto list = t.admin.get("/api/v1/users");
    REQUIRE(list.status == 200);
    std::vector<std::string> names;
    const json::value listed = list.json();
    for (const auto& u : listed.at("items").as_array()) names.push_back(text(u.at("username")));
    CHECK(names == std::vector<std::string>{"admin", "wang.fang"});

    auto login = t.login("wang.fang", kPassword);
    REQUIRE_MESSAGE(login.status == 200, login.body);
    const std::string token = text(login.json().at("token"));
    CHECK(token.size() == 64);
    CHECK(login.json().at("user").at("username") == "wang.fang");
    CHECK(text(login.json().at("expires_at")).back() == 'Z');
    CHECK(t.db.query_int("SELECT count(*) FROM tokens WHERE token_hash = '" +
                         outpost::sha256_hex(token) + "' AND expires_at - created_at BETWEEN " +
                         std::to_string(12LL * 3600 * 1000 - 5000) + " AND " +
                         std::to_string(12LL * 3600 * 1000)) == 1);
    CHECK(t.db.query_int("SELECT count(*) FROM tokens WHERE token_hash = '" + token + "'") == 0);
    auto as_user = t.server.client(token);
    CHECK(as_user.get("/api/v1/catalogue").status == 200);

    auto wrong = t.login("wang.fang", "Wrong-Password-1");
    auto unknown = t.login("nobody.here", "Wrong-Password-2");
    CHECK(wrong.status == 401);
    CHECK(unknown.status == 401);
    CHECK(text(wrong.json().at("detail")) == text(unknown.json().at("detail")));
    CHECK(t.login("admin", "any-password-at-all").status == 401);  // bootstrap admin: token only

    const std::string log = t.server.log();
    CHECK(log.find("login failed for user 'wang.fang'") != std::string::npos);
    for (const char* secret : {kPassword, "Wrong-Password-1", "Wrong-Password-2"}) {
      CHECK_MESSAGE(log.find(secret) == std::string::npos, secret);
    }
  }

  TEST_CASE("ten wrong passwords in a row lock the account with 429 until the lock lifts") {
    UsersServer t;
    t.add_user("li.gang", "dispatcher");
    t.add_user("zhao.min", "desk");
    for (int i = 1; i <= 9; ++i) {
      auto r = t.login("li.gang", "Wrong-Guess-" + std::to_string(i));
      CHECK_MESSAGE(r.status == 401, i, ": ", r.body);
    }
    auto tenth = t.login("li.gang", "Wrong-Guess-10");
    CHECK_MESSAGE(tenth.status == 429, tenth.body);
    const std::string retry_after = tenth.header("retry-after");
    REQUIRE(!retry_after.empty());
    CHECK(std::stoi(retry_after) >= 1);
    CHECK(std::stoi(retry_after) <= 3);

    auto right = t.login("li.gang", kPassword);
    CHECK_MESSAGE(right.status == 429, right.body);
    CHECK(!right.header("retry-after").empty());
    // The client address failed ten times too: it is locked for every account.
    CHECK(t.login("zhao.min", kPassword).status == 429);
    CHECK(t.db.query_int("SELECT count(*) FROM tokens") == 1);  // the bootstrap token only

    std::this_thread::sleep_for(std::chrono::milliseconds(3300));
    auto after = t.login("li.gang", kPassword);
    CHECK_MESSAGE(after.status == 200, after.body);
    CHECK(t.login("zhao.min", kPassword).status == 200);

    const std::string log = t.server.log();
    CHECK(log.find("login locked for user 'li.gang'") != std::string::npos);
    CHECK(log.find(kPassword) == std::string::npos);
    CHECK(log.find("Wrong-Guess") == std::string::npos);
  }

  TEST_CASE("a login within the back-off gets 429 at once and other clients are served meanwhile") {
    using std::chrono::milliseconds;
    using std::chrono::steady_clock;
    UsersServer t("3", "1000");  // from 3 failures on, the next login waits 3 s
    t.add_user("qian.bo", "desk");

    int failed = 0;
    Response refused;
    for (int i = 1; i <= 10 && refused.status != 429; ++i) {
      auto r = t.login("qian.bo", "Wrong-Guess-" + std::to_string(i));
      if (r.status == 401) ++failed;
      if (r.status != 401) refused = r;
    }
    const auto refused_at = steady_clock::now();
    CHECK(failed == 3);
    REQUIRE_MESSAGE(refused.status == 429, refused.body);
    CHECK(refused.header("content-type") == "application/problem+json");
    const int retry_after = std::stoi(refused.header("retry-after"));
    CHECK(retry_after >= 1);
    CHECK(retry_after <= 3);

    // A keeps trying, even with the right password, while B works.
    std::atomic<bool> b_done{false};
    std::atomic<int> attempts{0}, not_refused{0};
    std::thread a([&] {
      HttpClient c = t.server.client("");
      while (!b_done && steady_clock::now() < refused_at + milliseconds(2000)) {
        auto r = c.post_json("/api/v1/login", {{"username", "qian.bo"}, {"password", kPassword}});
        ++attempts;
        if (r.status != 429 || r.header("retry-after").empty()) ++not_refused;
      }
    });
    while (attempts < 3 && steady_clock::now() < refused_at + milliseconds(1000)) {
      std::this_thread::sleep_for(milliseconds(1));
    }
    const int before_b = attempts;
    std::vector<long long> latencies;
    int b_ok = 0;
    for (int i = 0; i < 100; ++i) {
      const auto sent = steady_clock::now();
      auto r = t.admin.get("/api/v1/cases");
      latencies.push_back(
          std::chrono::duration_cast<std::chrono::microseconds>(steady_clock::now() - sent)
              .count());
      if (r.status == 200) ++b_ok;
    }
    b_done = true;
    a.join();
    const int during_b = attempts - before_b;  // with the one in flight when B ended
    const long long max_us = *std::max_element(latencies.begin(), latencies.end());
    MESSAGE("100 GET /api/v1/cases while throttled: max ", max_us, " us; ", during_b,
            " throttled login attempts meanwhile");
    CHECK(b_ok == 100);
    // A back-off that held a worker would hold B for up to its 3 s; a third
    // of that tells them apart on a loaded machine (50 ms failed at load 14).
    CHECK(max_us < 1'000'000);
    CHECK(before_b >= 3);
    CHECK(during_b > 0);
    CHECK(not_refused == 0);
    // Refused attempts were neither checked nor counted.
    CHECK(t.db.query_int("SELECT failures FROM login_failures WHERE key = 'user:qian.bo'") == 3);
    CHECK(t.db.query_int("SELECT count(*) FROM login_failures WHERE failures = 3") == 2);
    CHECK(t.db.query_int("SELECT count(*) FROM tokens") == 1);  // the bootstrap token only

    std::this_thread::sleep_until(refused_at + std::chrono::seconds(retry_after) +
                                  milliseconds(100));
    auto after = t.login("qian.bo", kPassword);
    CHECK_MESSAGE(after.status == 200, after.body);
    CHECK(t.db.query_int("SELECT count(*) FROM login_failures") == 0);
  }

  TEST_CASE("users and tokens from the CLI; disable and revoke from the CLI") {
    UsersServer t;
    const Headers env{{"OUTPOST_PASSWORD", kPassword}};
    auto added = t.cli({"user", "add", "--username", "chen.jie", "--role", "handler",
                        "--department", "police", "--display-name", "陈杰"},
                       env);
    REQUIRE_MESSAGE(added.exit_code == 0, added.output);
    CHECK(added.output.find(kPassword) == std::string::npos);
    CHECK(t.db.query_text("SELECT department FROM users WHERE username = 'chen.jie'") == "police");
    CHECK(t.logged_in("chen.jie").get("/api/v1/catalogue").status == 200);

    auto listed = t.cli({"user", "list"});
    REQUIRE_MESSAGE(listed.exit_code == 0, listed.output);
    CHECK(listed.output.find("chen.jie\thandler\tpolice\t-\tactive\t陈杰") != std::string::npos);

    // Refused input changes nothing.
    const std::string before = t.fingerprint();
    CHECK(t.cli({"user", "add", "--username", "x.y", "--role", "janitor"}, env).exit_code == 2);
    CHECK(t.cli({"user", "add", "--username", "x.y", "--role", "handler"}, env).exit_code == 2);
    CHECK(t.cli({"user", "add", "--username", "x.y", "--role", "desk"},
                {{"OUTPOST_PASSWORD", "short"}})
              .exit_code == 2);
    CHECK(t.cli({"user", "add", "--username", "chen.jie", "--role", "desk"}, env).exit_code == 2);
    CHECK(t.fingerprint() == before);

    auto first = t.cli({"token", "create", "--username", "chen.jie", "--ttl-hours", "2"});
    REQUIRE_MESSAGE(first.exit_code == 0, first.output);
    const std::string token = output_value(first.output, "token");
    REQUIRE(token.size() == 64);
    CHECK(t.server.client(token).get("/api/v1/catalogue").status == 200);

    auto second = t.cli({"token", "create", "--username", "chen.jie"});
    REQUIRE_MESSAGE(second.exit_code == 0, second.output);
    const std::string other = output_value(second.output, "token");
    auto revoked = t.cli({"token", "revoke", "--id", output_value(second.output, "token_id")});
    REQUIRE_MESSAGE(revoked.exit_code == 0, revoked.output);
    CHECK(t.server.client(other).get("/api/v1/catalogue").status == 401);
    CHECK(t.cli({"token", "revoke", "--token", token}).exit_code == 0);
    CHECK(t.db.query_int("SELECT count(*) FROM tokens WHERE revoked_at IS NOT NULL") == 2);

    auto disabled = t.cli({"user", "disable", "--username", "chen.jie"});
    REQUIRE_MESSAGE(disabled.exit_code == 0, disabled.output);
    CHECK(t.login("chen.jie", kPassword).status == 401);
    CHECK(t.cli({"token", "create", "--username", "chen.jie"}).exit_code == 2);
  }

  TEST_CASE("disabling a user, revoking a token and logging out take effect at once") {
    UsersServer t;
    t.add_user("sun.li", "supervisor");
    t.add_user("zhou.yu", "auditor");
    t.add_user("wu.hao", "desk");

    auto sun = t.logged_in("sun.li");
    REQUIRE(sun.get("/api/v1/catalogue").status == 200);  // now in the 5 s cache
    auto patched = t.send(t.admin, "PATCH", "/api/v1/users/sun.li", {{"disabled", true}});
    REQUIRE_MESSAGE(patched.status == 200, patched.body);
    CHECK(patched.json().at("disabled") == true);
    CHECK(sun.get("/api/v1/catalogue").status == 401);
    CHECK(t.login("sun.li", kPassword).status == 401);
    REQUIRE(t.send(t.admin, "PATCH", "/api/v1/users/sun.li", {{"disabled", false}}).status == 200);
    CHECK(t.login("sun.li", kPassword).status == 200);

    auto issued = t.admin.post_json("/api/v1/users/zhou.yu/tokens", {{"ttl_hours", 1}});
    REQUIRE_MESSAGE(issued.status == 201, issued.body);
    auto zhou = t.server.client(text(issued.json().at("token")));
    REQUIRE(zhou.get("/api/v1/catalogue").status == 200);
    auto revoke = t.admin.request("DELETE", "/api/v1/tokens/" + text(issued.json().at("token_id")));
    CHECK_MESSAGE(revoke.status == 204, revoke.body);
    CHECK(zhou.get("/api/v1/catalogue").status == 401);
    CHECK(
        t.admin.request("DELETE", "/api/v1/tokens/" + text(issued.json().at("token_id"))).status ==
        404);

    auto wu = t.logged_in("wu.hao");
    REQUIRE(wu.get("/api/v1/catalogue").status == 200);
    CHECK(wu.request("POST", "/api/v1/logout").status == 204);
    CHECK(wu.get("/api/v1/catalogue").status == 401);

    // A role change is seen at once too: the admin API opens to a new admin.
    auto promoted = t.logged_in("sun.li");
    CHECK(promoted.get("/api/v1/users").status == 403);
    REQUIRE(t.send(t.admin, "PATCH", "/api/v1/users/sun.li", {{"role", "admin"}}).status == 200);
    CHECK(promoted.get("/api/v1/users").status == 200);
    CHECK(t.admin.get("/api/v1/catalogue").status == 200);  // the bootstrap admin still works
  }

  TEST_CASE("non-admins get 403 from the admin API and change nothing") {
    UsersServer t;
    t.add_user("desk.a", "desk");
    t.add_user("handler.b", "handler", "legal");
    auto issued = t.admin.post_json("/api/v1/users/handler.b/tokens", json::object{});
    REQUIRE(issued.status == 201);
    const std::string token_id = text(issued.json().at("token_id"));
    for (const char* role : {"desk", "dispatcher", "handler", "supervisor", "auditor"}) {
      CAPTURE(role);
      const std::string name = std::string("acting.") + role;
      t.add_user(name, role, std::string(role) == "handler" ? "urban" : "");
      auto c = t.logged_in(name);
      const std::string before = t.fingerprint();
      CHECK(c.get("/api/v1/users").status == 403);
      CHECK(t.send(c, "POST", "/api/v1/users",
                   {{"username", "intruder"}, {"password", kPassword}, {"role", "admin"}})
                .status == 403);
      CHECK(t.send(c, "PATCH", "/api/v1/users/desk.a", {{"role", "admin"}}).status == 403);
      CHECK(t.send(c, "PATCH", "/api/v1/users/desk.a", {{"disabled", true}}).status == 403);
      CHECK(c.post_json("/api/v1/users/desk.a/tokens", json::object{}).status == 403);
      CHECK(c.request("DELETE", "/api/v1/tokens/" + token_id).status == 403);
      CHECK(t.fingerprint() == before);
    }
    CHECK(t.db.query_int("SELECT count(*) FROM users WHERE username = 'intruder'") == 0);
    CHECK(t.db.query_text("SELECT role FROM users WHERE username = 'desk.a'") == "desk");
    CHECK(t.anonymous.get("/api/v1/users").status == 401);
  }

  TEST_CASE("bad input is refused with 422, 409, 404 or 415 and changes nothing") {
    UsersServer t;
    t.add_user("taken.name", "desk");
    const std::string before = t.fingerprint();
    const auto create = [&](json::object body) { return t.admin.post_json("/api/v1/users", body); };
    const auto refused = [&](const Response& r, int status, const std::string& field) {
      CHECK_MESSAGE(r.status == status, r.body);
      CHECK(r.header("content-type") == "application/problem+json");
      if (!field.empty()) CHECK_MESSAGE(names_field(r, field), field, ": ", r.body);
    };
    refused(create({{"username", "new.one"}, {"password", kPassword}, {"role", "janitor"}}), 422,
            "role");
    refused(create({{"username", "new.one"}, {"password", kPassword}, {"role", "handler"}}), 422,
            "department");
    refused(create({{"username", "new.one"}, {"password", "short7"}, {"role", "desk"}}), 422,
            "password");
    refused(create({{"username", "new.one"},
                    {"password", kPassword},
                    {"role", "desk"},
                    {"grid", "LF-G01"}}),
            422, "grid");
    refused(create({{"username", "new one!"}, {"password", kPassword}, {"role", "desk"}}), 422,
            "username");
    refused(create({{"password", kPassword}, {"role", "desk"}}), 422, "username");
    refused(create({{"username", "new.one"},
                    {"password", kPassword},
                    {"role", "desk"},
                    {"is_root", true}}),
            422, "is_root");
    refused(create({{"username", "taken.name"}, {"password", kPassword}, {"role", "supervisor"}}),
            409, "");
    refused(t.admin.request("POST", "/api/v1/users", "{\"username\":", kJson), 400, "");
    refused(t.admin.request("POST", "/api/v1/users", "username=x"), 415, "");

    refused(t.send(t.admin, "PATCH", "/api/v1/users/taken.name", {{"role", "janitor"}}), 422,
            "role");
    refused(t.send(t.admin, "PATCH", "/api/v1/users/taken.name", {{"role", "handler"}}), 422,
            "department");
    refused(t.send(t.admin, "PATCH", "/api/v1/users/taken.name", {{"disabled", "yes"}}), 422,
            "disabled");
    refused(t.send(t.admin, "PATCH", "/api/v1/users/nobody", {{"disabled", true}}), 404, "");
    refused(t.admin.post_json("/api/v1/users/nobody/tokens", json::object{}), 404, "");
    refused(t.admin.post_json("/api/v1/users/taken.name/tokens", {{"ttl_hours", 0}}), 422,
            "ttl_hours");
    refused(t.admin.request("DELETE", "/api/v1/tokens/abc"), 422, "token");
    refused(t.admin.request("DELETE", "/api/v1/tokens/0123456789abcdef"), 404, "");

    refused(t.anonymous.post_json("/api/v1/login", {{"username", "taken.name"}}), 422, "password");
    refused(t.anonymous.post_json("/api/v1/login", {{"username", 7}, {"password", kPassword}}), 422,
            "username");
    CHECK(t.fingerprint() == before);
    CHECK(t.db.query_int("SELECT count(*) FROM login_failures") == 0);
  }
}
