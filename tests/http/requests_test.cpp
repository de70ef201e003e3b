// Resident requests over HTTP: routing, rework, returns and arbitration,
// joint handling, queues and duplicate links.
#include <set>

#include "tests/http/fixtures.hpp"

using namespace outpost::testing;

namespace {

json::value find_event(const json::array& history, const std::string& event) {
  for (const auto& row : history) {
    if (text(row.at("event")) == event) return row;
  }
  FAIL("no " << event << " in the history");
  return nullptr;
}

}  // namespace

TEST_SUITE("http_requests") {
  TEST_CASE("a request is routed by the catalogue rule and reworked once before it is closed") {
    TestServer t;
    auto created = t.client.post_json("/api/v1/cases", request_body());
    REQUIRE(created.status == 201);
    CHECK(text(created.json().at("number")).rfind("SQ-20", 0) == 0);
    CHECK(created.json().at("state") == "submitted");
    const auto id = created.json().at("id").as_int64();

    auto dispatched = t.step(id, "dispatch");
    CHECK(dispatched.at("state") == "dispatched");
    CHECK(dispatched.at("assignment").at("department") == "urban");  // facility_repair's rule
    // facility_repair names the grid leader as co-handler: LF-G01's leader.
    CHECK(dispatched.at("assignment").at("co_handlers") == json::array{"gl-LF-G01"});
    auto leader = t.client_as("gl-LF-G01", "handler", "grid");
    auto leader_queue = leader.get("/api/v1/queues/mine").json();
    REQUIRE(leader_queue.at("items").as_array().size() == 1);
    CHECK(leader_queue.at("items").as_array()[0].at("id").as_int64() == id);
    t.step(id, "acknowledge");
    t.step(id, "start_work");
    t.step(id, "resolve", {{"resolution", "已更换楼道灯"}});
    auto rework =
        t.step(id, "record_follow_up", {{"satisfaction", "dissatisfied"}, {"note", "只修了一层"}});
    CHECK(rework.at("state") == "in_progress");
    CHECK(rework.at("rework_count").as_int64() == 1);
    t.step(id, "resolve", {{"resolution", "五层楼道灯全部更换"}});
    auto closed = t.step(id, "record_follow_up", {{"satisfaction", "satisfied"}, {"note", "满意"}});
    CHECK(closed.at("state") == "closed");
    CHECK(closed.at("rework_count").as_int64() == 1);

    const auto history = t.history(id);
    CHECK(history.size() == 8);
    CHECK(find_event(history, "dispatch").at("data").at("routed_by") == "rule");
    for (std::size_t i = 1; i < history.size(); ++i)
      CHECK(history[i].at("prev_hash") == history[i - 1].at("hash"));
  }

  TEST_CASE(
      "the dispatcher's department wins and joint handling shows in the case and the history") {
    TestServer t;
    const auto id = t.create_case(request_body("public_order"));
    auto r = t.step(id, "dispatch",
                    {{"department", "urban"},
                     {"co_departments", {"police", "urban", "grid"}},
                     {"assignee", "urban-02"}});
    CHECK(r.at("assignment").at("department") == "urban");
    CHECK(r.at("assignment").at("co_departments") == json::array{"police", "grid"});
    CHECK(r.at("assignment").at("assignees") == json::array{"urban-02"});
    const auto dispatch = find_event(t.history(id), "dispatch");
    CHECK(dispatch.at("data").at("routed_by") == "dispatcher");
    CHECK(dispatch.at("data").at("co_departments") == json::array{"police", "grid"});

    auto police = t.client_as("officer.li", "handler", "police");
    auto mine = police.get("/api/v1/queues/mine").json();
    REQUIRE(mine.at("items").as_array().size() == 1);
    CHECK(mine.at("items").as_array()[0].at("id").as_int64() == id);
    auto legal = t.client_as("clerk.he", "handler", "legal");
    CHECK(legal.get("/api/v1/queues/mine").json().at("items").as_array().empty());
  }

  TEST_CASE("bad routing input is refused and changes nothing") {
    TestServer t;
    const auto id = t.create_case(request_body());
    const std::string before = t.snapshot(id);
    CHECK(t.event(id, "dispatch", {{"department", "fire-brigade"}}).status == 422);
    CHECK(t.event(id, "dispatch", {{"co_departments", {"nobody"}}}).status == 422);
    CHECK(t.event(id, "dispatch", {{"co_departments", "police"}}).status == 422);
    CHECK(t.event(id, "acknowledge").status == 409);
    CHECK(t.snapshot(id) == before);
  }

  TEST_CASE("two returns flag the case for arbitration and only a supervisor may dispatch it") {
    TestServer t;
    const auto id = t.create_case(request_body());
    t.step(id, "dispatch");
    CHECK(t.event(id, "return_dispatch").status == 422);  // a return needs a reason
    t.step(id, "return_dispatch", {{"reason", "不属于城管职责"}});
    t.step(id, "dispatch", {{"department", "property"}});
    auto returned = t.step(id, "return_dispatch", {{"reason", "该楼栋无物业"}});
    CHECK(returned.at("state") == "submitted");
    CHECK(returned.at("return_count").as_int64() == 2);
    CHECK(returned.at("flags") == json::array{"arbitration"});

    auto queue = t.client.get("/api/v1/queues/dispatch").json();
    CHECK(queue.at("counts").at("arbitration").as_int64() == 1);
    CHECK(queue.at("counts").at("returned").as_int64() == 1);
    CHECK(queue.at("items").as_array()[0].at("flags") == json::array{"arbitration"});

    // The dispatcher may no longer dispatch it (403); the arbitration ruling is a supervisor's.
    auto dispatcher = t.client_as("dispatcher.he", "dispatcher");
    const auto path = "/api/v1/cases/" + std::to_string(id);
    const auto allowed = dispatcher.get(path).json().at("allowed_events").as_array();
    CHECK(std::find(allowed.begin(), allowed.end(), json::value("dispatch")) == allowed.end());
    CHECK(std::find(allowed.begin(), allowed.end(), json::value("reject")) != allowed.end());
    const std::string before = t.snapshot(id);
    auto refused = dispatcher.post_json(
        path + "/events", json::object{{"event", "dispatch"}, {"department", "grid"}});
    CHECK(refused.status == 403);
    CHECK(text(refused.json().at("detail")).find("arbitration") != std::string::npos);
    CHECK(t.snapshot(id) == before);

    auto supervisor = t.client_as("supervisor.zhou", "supervisor");
    auto ruled = supervisor.post_json("/api/v1/cases/" + std::to_string(id) + "/events",
                                      json::object{{"event", "dispatch"}, {"department", "grid"}});
    REQUIRE_MESSAGE(ruled.status == 200, ruled.body);
    CHECK(ruled.json().at("flags").as_array().empty());
    CHECK(ruled.json().at("assignment").at("department") == "grid");
    CHECK(find_event(t.history(id), "dispatch").at("actor") == "admin");
    CHECK(t.history(id).back().at("actor") == "supervisor.zhou");
  }

  TEST_CASE("the dispatch queue lists awaiting cases oldest first and pages with a cursor") {
    TestServer t;
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 5; ++i) ids.push_back(t.create_case(request_body()));
    const auto dispute = t.create_case();
    t.step(dispute, "accept");
    t.step(ids[4], "dispatch");
    auto first = t.client.get("/api/v1/queues/dispatch?limit=3").json();
    CHECK(first.at("counts").at("awaiting").as_int64() == 5);
    std::vector<std::int64_t> seen;
    for (const auto& item : first.at("items").as_array()) seen.push_back(item.at("id").as_int64());
    auto second =
        t.client.get("/api/v1/queues/dispatch?limit=3&cursor=" + text(first.at("next_cursor")))
            .json();
    for (const auto& item : second.at("items").as_array()) seen.push_back(item.at("id").as_int64());
    CHECK(seen == std::vector<std::int64_t>{ids[0], ids[1], ids[2], ids[3], dispute});
    CHECK(t.client.get("/api/v1/queues/dispatch?state=closed").status == 422);
  }

  TEST_CASE("a duplicate is rejected with a link both cases show") {
    TestServer t;
    const auto original = t.create_case(request_body());
    const auto copy = t.create_case(request_body());
    const std::string before = t.snapshot(copy);
    CHECK(t.event(copy, "reject", {{"reason", "重复诉求"}, {"duplicate_of", 999999}}).status ==
          422);
    CHECK(t.event(copy, "reject", {{"reason", "重复诉求"}, {"duplicate_of", copy}}).status == 422);
    CHECK(t.snapshot(copy) == before);
    auto rejected = t.step(copy, "reject", {{"reason", "重复诉求"}, {"duplicate_of", original}});
    CHECK(rejected.at("state") == "rejected");
    CHECK(rejected.at("duplicate_of").as_int64() == original);
    CHECK(t.get_case(original).at("duplicates") == json::array{copy});
  }
}

TEST_SUITE("http_joint_handling") {
  TEST_CASE("a dispute assigned to legal with police and grid co-handling shows all three") {
    TestServer t;
    const auto id = t.create_case();
    t.step(id, "accept");
    auto r = t.step(id, "assign",
                    {{"department", "legal"},
                     {"assignees", {"legal-01"}},
                     {"co_departments", {"police", "grid"}}});
    CHECK(r.at("assignment").at("department") == "legal");
    CHECK(r.at("assignment").at("co_departments") == json::array{"police", "grid"});
    const auto again = t.get_case(id);
    CHECK(again.at("assignment").at("co_departments") == json::array{"police", "grid"});
    const auto assign = find_event(t.history(id), "assign");
    CHECK(assign.at("data").at("department") == "legal");
    CHECK(assign.at("data").at("co_departments") == json::array{"police", "grid"});
    CHECK(assign.at("data").at("routed_by") == "dispatcher");
    // The neighbour category names the grid leader as co-handler too.
    CHECK(assign.at("data").at("co_handlers") == json::array{"gl-LF-G01"});
  }

  TEST_CASE("my queue holds exactly the open cases of my department, co-handling and assignments") {
    TestServer t;
    auto open_request = [&](const json::object& dispatch) {
      const auto id = t.create_case(request_body("public_order"));
      t.step(id, "dispatch", dispatch);
      return id;
    };
    const auto lead = open_request({{"department", "police"}});
    const auto co = open_request({{"department", "urban"}, {"co_departments", {"police"}}});
    // Assignees are urban staff of the roster; the account urban-01 works for
    // police, so only the personal assignment brings that case to its queue.
    const auto personal = open_request({{"department", "urban"}, {"assignee", "urban-01"}});
    const auto other = open_request({{"department", "urban"}});
    const auto closed = open_request({{"department", "police"}});
    for (const char* e : {"acknowledge", "start_work"}) t.step(closed, e);
    t.step(closed, "resolve", {{"resolution", "已处理"}});
    t.step(closed, "record_follow_up", {{"satisfaction", "satisfied"}, {"note", "满意"}});
    const auto waiting = t.create_case(request_body("public_order"));

    auto police = t.client_as("urban-01", "handler", "police");
    auto mine = police.get("/api/v1/queues/mine").json();
    std::vector<std::int64_t> ids;
    for (const auto& item : mine.at("items").as_array()) ids.push_back(item.at("id").as_int64());
    CHECK(ids == std::vector<std::int64_t>{lead, co, personal});
    CHECK(mine.at("counts").at("total").as_int64() == 3);

    auto dispatch = t.client.get("/api/v1/queues/dispatch").json();
    REQUIRE(dispatch.at("items").as_array().size() == 1);
    CHECK(dispatch.at("items").as_array()[0].at("id").as_int64() == waiting);
    CHECK(std::find(ids.begin(), ids.end(), other) == ids.end());
  }
}
