// A dispute's whole life over HTTP, and the read endpoints around it.
#include <set>

#include "tests/http/fixtures.hpp"

using namespace outpost::testing;

TEST_SUITE("http_lifecycle") {
  TEST_CASE("a dispute goes from registration to closed, with a linked history") {
    TestServer t;
    auto created = t.client.post_json("/api/v1/cases", dispute_body());
    REQUIRE(created.status == 201);
    const auto c = created.json().as_object();
    const auto id = c.at("id").as_int64();
    CHECK(created.header("location") == "/api/v1/cases/" + std::to_string(id));
    CHECK(created.header("etag") == "\"1\"");
    CHECK(c.at("state") == "registered");
    CHECK(c.at("state_label") == "已登记");
    CHECK(std::string(c.at("number").as_string()).rfind("JF-20", 0) == 0);
    CHECK(c.at("parties").as_array()[0].at("phone") == "138****8000");
    CHECK(c.at("parties").as_array()[0].at("id_number") == "5001**********2345");
    CHECK(c.at("allowed_events").as_array().size() > 0);

    const std::vector<EventStep> path = dispute_life();
    const std::vector<std::string> states{
        "accepted",  "assigned",          "assigned",  "assigned",  "assigned",
        "mediating", "agreement_reached", "follow_up", "follow_up", "closed"};
    for (std::size_t i = 0; i < path.size(); ++i) {
      auto r = t.event(id, path[i].first, path[i].second);
      REQUIRE_MESSAGE(r.status == 200, path[i].first << ": " << r.body);
      CHECK(text(r.json().at("state")) == states[i]);
      CHECK(r.header("etag") == "\"" + std::to_string(i + 2) + "\"");
    }
    const auto closed = t.get_case(id);
    CHECK(closed.at("state") == "closed");
    CHECK(closed.at("assignment").at("department") == "police");

    const auto history = t.history(id);
    REQUIRE(history.size() == path.size() + 1);
    CHECK(history[0].at("event") == "register");
    CHECK(text(history[0].at("prev_hash")) == std::string(64, '0'));
    CHECK(history[0].at("from_state").is_null());
    for (std::size_t i = 1; i < history.size(); ++i) {
      CHECK(text(history[i].at("event")) == path[i - 1].first);
      CHECK(history[i].at("seq").as_int64() == static_cast<std::int64_t>(i + 1));
      CHECK(history[i].at("prev_hash") == history[i - 1].at("hash"));
      CHECK(history[i].at("actor") == "admin");
    }
    CHECK(t.stored_history_rows(id) == static_cast<std::int64_t>(path.size() + 1));
    CHECK(t.db.query_text("SELECT state FROM cases WHERE id = " + std::to_string(id)) == "closed");
  }

  TEST_CASE("a high-risk dispute cannot be mediated before the risk is reported to the police") {
    TestServer t;
    auto body = dispute_body();
    body["risk_level"] = "high";
    const auto id = t.create_case(body);
    t.step(id, "accept");
    t.step(id, "assign", {{"department", "grid"}, {"assignees", {"gl-LF-G01"}}});
    auto refused = t.event(id, "start_mediation");
    CHECK(refused.status == 409);
    t.step(id, "report_risk", {{"reported_to", "龙凤桥派出所"}, {"detail", "双方情绪激动"}});
    CHECK(t.step(id, "start_mediation").at("state") == "mediating");
  }

  TEST_CASE("lists filter, page with a cursor, and newest come first") {
    TestServer t;
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 7; ++i) ids.push_back(t.create_case());
    auto other = dispute_body();
    other["category"] = "traffic";
    other["title"] = "小区内电动车剐蹭";
    other["description"] = "双方对赔偿金额有分歧。";
    other["location"] = {{"community", "JS"}, {"grid", "JS-G02"}};
    const auto traffic = t.create_case(other);
    t.step(ids[0], "accept");

    auto by_category = t.client.get("/api/v1/cases?category=traffic").json();
    REQUIRE(by_category.at("items").as_array().size() == 1);
    CHECK(by_category.at("items").as_array()[0].at("id").as_int64() == traffic);
    CHECK(t.client.get("/api/v1/cases?community=JS&grid=JS-G02")
              .json()
              .at("items")
              .as_array()
              .size() == 1);
    CHECK(t.client.get("/api/v1/cases?state=accepted").json().at("items").as_array().size() == 1);
    CHECK(
        t.client.get("/api/v1/cases?kind=dispute&limit=500").json().at("items").as_array().size() ==
        8);
    CHECK(t.client.get("/api/v1/cases?q=%E6%BC%8F%E6%B0%B4").json().at("items").as_array().size() ==
          7);

    std::vector<std::int64_t> seen;
    std::string target = "/api/v1/cases?limit=3";
    for (int page = 0; page < 5; ++page) {
      auto r = t.client.get(target);
      REQUIRE(r.status == 200);
      const auto page_json = r.json();
      for (const auto& item : page_json.at("items").as_array())
        seen.push_back(item.at("id").as_int64());
      const auto& next = page_json.at("next_cursor");
      if (next.is_null()) break;
      target = "/api/v1/cases?limit=3&cursor=" + std::string(next.as_string());
    }
    REQUIRE(seen.size() == 8);
    CHECK(seen.front() == traffic);
    CHECK(std::is_sorted(seen.rbegin(), seen.rend()));
  }

  TEST_CASE("workflows, catalogue, jurisdiction and health are served") {
    TestServer t;
    auto wf = t.client.get("/api/v1/workflows/dispute");
    REQUIRE(wf.status == 200);
    CHECK(wf.json().at("states").as_array().size() == 11);
    CHECK(wf.json().at("initial_state") == "registered");
    auto dot = t.client.get("/api/v1/workflows/dispute?format=dot");
    CHECK(dot.status == 200);
    CHECK(dot.body.find("registered -> accepted") != std::string::npos);
    auto mermaid = t.client.get("/api/v1/workflows/dispute?format=mermaid");
    CHECK(mermaid.body.rfind("stateDiagram-v2", 0) == 0);
    CHECK(t.client.get("/api/v1/workflows/dispute?format=svg").status == 422);
    CHECK(t.client.get("/api/v1/workflows/nothing").status == 404);
    CHECK(t.client.get("/api/v1/workflows").json().at("items").as_array().size() >= 1);

    auto catalogue = t.client.get("/api/v1/catalogue");
    REQUIRE(catalogue.status == 200);
    CHECK(catalogue.json().at("categories").at("dispute").as_array().size() == 8);
    auto jurisdiction = t.client.get("/api/v1/jurisdiction").json();
    CHECK(jurisdiction.at("communities").as_array().size() == 3);
    CHECK(t.client.get("/api/v1/openapi.json").json().at("openapi") == "3.1.0");

    HttpClient anonymous(t.server.port(), "");
    CHECK(anonymous.get("/healthz").status == 200);
    CHECK(anonymous.get("/readyz").status == 200);
    CHECK(anonymous.get("/api/v1/catalogue").status == 401);
  }
}
