// Assignees must be staff of the roster (config/staff.json, then the admin
// API): active, and in the lead department or a co-department. Anything else
// is 422 naming the field, and the case and its history stay as they were.
#include "tests/http/fixtures.hpp"

using namespace outpost::testing;

namespace {

// 422 problem+json naming `field`, and nothing changed on the case.
void check_refused(TestServer& t, std::int64_t id, const std::string& event,
                   const json::object& payload, const std::string& field) {
  CAPTURE(json::serialize(payload));
  const std::string before = t.snapshot(id);
  auto r = t.event(id, event, payload);
  CHECK_MESSAGE(r.status == 422, r.body);
  CHECK(r.header("content-type") == "application/problem+json");
  REQUIRE(r.json().at("errors").as_array().size() == 1);
  CHECK(text(r.json().at("errors").as_array()[0].at("field")) == field);
  CHECK(t.snapshot(id) == before);
  CHECK(t.get_case(id).at("assignment").at("assignees").as_array().empty());
}

void deactivate(TestServer& t, const std::string& staff_id) {
  auto r = t.client.request("PATCH", "/api/v1/staff/" + staff_id,
                            json::serialize(json::object{{"active", false}}),
                            {{"Content-Type", "application/json"}});
  REQUIRE_MESSAGE(r.status == 200, r.body);
}

}  // namespace

TEST_SUITE("http_assignees") {
  TEST_CASE("assign refuses staff off the roster, of another department or inactive") {
    TestServer t;
    const auto id = t.create_case();
    t.step(id, "accept");
    deactivate(t, "police-02");

    check_refused(t, id, "assign", {{"department", "police"}, {"assignees", {"nobody-x"}}},
                  "assignees");
    check_refused(t, id, "assign", {{"department", "police"}, {"assignees", {"urban-01"}}},
                  "assignees");
    check_refused(t, id, "assign",
                  {{"department", "police"}, {"assignees", {"police-01", "police-02"}}},
                  "assignees");

    // Roster staff of the lead department and of a co-department are taken.
    auto ok = t.step(id, "assign",
                     {{"department", "police"},
                      {"co_departments", {"legal"}},
                      {"assignees", {"police-01", "legal-01"}}});
    CHECK(ok.at("assignment").at("assignees") == json::array{"police-01", "legal-01"});
  }

  TEST_CASE("dispatch refuses an assignee off the roster, of another department or inactive") {
    TestServer t;
    const auto id = t.create_case(request_body("public_order"));
    deactivate(t, "urban-03");

    check_refused(t, id, "dispatch", {{"department", "urban"}, {"assignee", "nobody-x"}},
                  "assignee");
    check_refused(t, id, "dispatch", {{"department", "urban"}, {"assignee", "police-01"}},
                  "assignee");
    check_refused(t, id, "dispatch", {{"department", "urban"}, {"assignee", "urban-03"}},
                  "assignee");

    auto ok = t.step(id, "dispatch", {{"department", "urban"}, {"assignee", "urban-01"}});
    CHECK(ok.at("assignment").at("assignees") == json::array{"urban-01"});
  }
}
