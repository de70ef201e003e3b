// GET /api/v1/outbox without webhooks (messages stay pending and visible),
// its paging, bad queries and roles; and the [outbox] / [[webhooks]] settings
// that stop the server before it starts.
#include <string>
#include <vector>

#include "tests/notify/fixtures.hpp"

using namespace outpost::testing;

namespace {

// A user with this role and a token for it, through the admin API.
HttpClient client_with_role(NotifyServer& t, const std::string& username, const std::string& role,
                            const std::string& department = "") {
  HttpClient admin = t.client();
  json::object user{{"username", username}, {"password", "a-long-enough-password"}, {"role", role}};
  if (!department.empty()) user["department"] = department;
  auto created = admin.post_json("/api/v1/users", user);
  REQUIRE_MESSAGE(created.status == 201, created.body);
  auto token = admin.post_json("/api/v1/users/" + username + "/tokens", json::object{});
  REQUIRE_MESSAGE(token.status == 201, token.body);
  return t.server.client(text(token.json().at("token")));
}

std::vector<std::string> ids_of(const json::array& items) {
  std::vector<std::string> ids;
  for (const json::value& m : items) ids.push_back(text(m.at("id")));
  return ids;
}

// The field errors of a 422 problem, by field name.
std::vector<std::string> bad_fields(const Response& r) {
  std::vector<std::string> fields;
  const json::value problem = r.json();
  for (const json::value& e : problem.at("errors").as_array())
    fields.push_back(text(e.at("field")));
  return fields;
}

}  // namespace

TEST_SUITE("http_outbox") {
  TEST_CASE("without webhooks messages stay pending and the list pages newest first") {
    NotifyServer t("[outbox]\npoll_interval_ms = 50\n");
    const std::string first = t.dispatch_new_request();
    const std::string second = t.dispatch_new_request();
    const std::string third = t.dispatch_new_request();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // six poll intervals

    const json::array all = t.outbox();
    CHECK(ids_of(all) == std::vector<std::string>{third, second, first});
    const json::object& m = all[0].as_object();
    CHECK(m.at("state") == "pending");
    CHECK(m.at("attempts").as_int64() == 0);
    CHECK(m.at("topic") == "case.dispatched");
    CHECK(m.at("case_id").is_int64());
    CHECK(m.at("next_attempt_at").is_string());
    CHECK(m.at("created_at").is_string());
    CHECK(m.at("delivered_at").is_null());
    CHECK(m.at("last_error").is_null());
    CHECK(m.at("delivered_to").as_array().empty());
    CHECK(m.at("payload").at("id") == third.c_str());
    CHECK(m.at("payload").at("case").at("id") == m.at("case_id"));
    CHECK(m.at("payload").at("to").at("department") == "urban");
    CHECK(t.server.log().find("no webhook configured") != std::string::npos);

    HttpClient c = t.client();
    auto page = c.get("/api/v1/outbox?state=pending&limit=2").json();
    CHECK(ids_of(page.at("items").as_array()) == std::vector<std::string>{third, second});
    REQUIRE(page.at("next_cursor").is_string());
    auto rest =
        c.get("/api/v1/outbox?state=pending&limit=2&cursor=" + text(page.at("next_cursor"))).json();
    CHECK(ids_of(rest.at("items").as_array()) == std::vector<std::string>{first});
    CHECK(rest.at("next_cursor").is_null());
    CHECK(t.outbox("?state=delivered").empty());
    CHECK(t.outbox("?state=dead").empty());
  }

  TEST_CASE("bad queries are 422 and only dispatchers, supervisors, auditors and admins may read") {
    NotifyServer t("");
    HttpClient c = t.client();
    for (const char* query : {"?state=sent", "?state=", "?limit=0", "?limit=501", "?limit=ten",
                              "?cursor=abc", "?cursor=-4", "?since=yesterday"}) {
      auto r = c.get(std::string("/api/v1/outbox") + query);
      CHECK_MESSAGE(r.status == 422, query);
      CHECK_MESSAGE(r.header("content-type") == "application/problem+json", query);
    }
    auto r = c.get("/api/v1/outbox?state=lost&limit=0");
    REQUIRE(r.status == 422);
    CHECK(bad_fields(r) == std::vector<std::string>{"state", "limit"});

    CHECK(t.server.client("").get("/api/v1/outbox").status == 401);
    CHECK(t.server.client("not-a-token").get("/api/v1/outbox").status == 401);
    for (auto [user, role, department] :
         {std::tuple{"desk.li", "desk", ""}, std::tuple{"handler.wu", "handler", "urban"}}) {
      auto denied = client_with_role(t, user, role, department).get("/api/v1/outbox");
      CHECK_MESSAGE(denied.status == 403, role);
      CHECK(denied.header("content-type") == "application/problem+json");
    }
    for (auto [user, role] :
         {std::pair{"disp.zhao", "dispatcher"}, std::pair{"sup.qian", "supervisor"},
          std::pair{"aud.sun", "auditor"}}) {
      CHECK_MESSAGE(client_with_role(t, user, role).get("/api/v1/outbox").status == 200, role);
    }
  }
}

TEST_SUITE("notify_settings") {
  TEST_CASE("bad outbox and webhook settings stop the server with exit code 2 and say which") {
    TestDatabase db;
    const std::string ok_hook =
        "[[webhooks]]\nname = \"ops\"\nurl = \"https://hooks.example.org/outpost\"\n"
        "secret = \"0123456789abcdef\"\n";
    const std::vector<std::pair<std::string, std::string>> cases{
        {"[[webhooks]]\nname = \"ops\"\nurl = \"ftp://example.org/x\"\nsecret = "
         "\"0123456789abcdef\"\n",
         "webhooks[0].url"},
        {"[[webhooks]]\nname = \"ops\"\nurl = \"https:///no-host\"\nsecret = "
         "\"0123456789abcdef\"\n",
         "webhooks[0].url"},
        {"[[webhooks]]\nname = \"ops\"\nurl = \"http://127.0.0.1:9/\"\nsecret = \"short\"\n",
         "webhooks[0].secret"},
        {"[[webhooks]]\nname = \"\"\nurl = \"http://127.0.0.1:9/\"\nsecret = "
         "\"0123456789abcdef\"\n",
         "webhooks[0].name"},
        {ok_hook + ok_hook, "webhooks[1].name"},
        {ok_hook + "topics = [\"case.dispatchd\"]\n", "webhooks[0].topics"},
        {ok_hook + "secrets = \"typo\"\n", "webhooks[0].secrets"},
        {"[[webhooks]]\nname = \"ops\"\nurl = \"http://127.0.0.1:9/\"\n"
         "secret_env = \"OUTPOST_TEST_UNSET_SECRET\"\n",
         "OUTPOST_TEST_UNSET_SECRET is not set"},
        {"[outbox]\nlease_ms = 1000\ntimeout_ms = 5000\n", "outbox.lease_ms"},
        {"[outbox]\nmax_attempts = 0\n", "outbox.max_attempts"},
        {"[outbox]\nretry_initial_ms = 2000\nretry_max_ms = 1000\n", "outbox.retry_max_ms"},
        {"[outbox]\npoll_interval_ms = \"fast\"\n", "outbox.poll_interval_ms"},
        {"webhooks = \"http://example.org\"\n", "webhooks"},
    };
    for (const auto& [toml, named] : cases) {
      const std::string file = write_config(toml);
      const CommandResult r = run_outpost({"serve", "--database", db.url(), "--config", file});
      CHECK_MESSAGE(r.exit_code == 2, toml);
      CHECK_MESSAGE(r.output.find(named) != std::string::npos, toml << "\n" << r.output);
      CHECK_MESSAGE(r.output.find("0123456789abcdef") == std::string::npos, r.output);
      std::remove(file.c_str());
    }
  }
}
