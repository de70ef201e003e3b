// What permissions_from_json (adapters/config/permissions_json.hpp) refuses in
// a permissions document, with the field paths: its own shape problems and
// those of Permissions::make, in one answer.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "adapters/config/permissions_json.hpp"
#include "tests/support/shipped_config.hpp"

namespace {

namespace json = boost::json;
using namespace outpost;
using config::permissions_from_json;

json::value shipped_document() {
  return testing::config_document("permissions.json");
}

const WorkflowRegistry& workflows() {
  return testing::shipped_workflows();
}

// The field paths of a refused document, or a failure when it was accepted.
std::vector<std::string> refusal_paths(const json::value& doc) {
  auto p = permissions_from_json(doc, workflows());
  if (p) {
    FAIL_CHECK("the document was accepted");
    return {};
  }
  CHECK(p.error().kind == ErrorKind::invalid);
  return testing::fields_of(p.error().fields);
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_SUITE("config") {
  TEST_CASE("a document that misses or misspells or over-grants is refused with field paths") {
    const json::value good = shipped_document();
    CHECK(permissions_from_json(good, workflows()));

    json::value doc = good;
    doc.at("events").at("request").as_object().erase("acknowledge");
    doc.at("events").at("dispute").as_object()["teleport"] = json::array{"desk"};
    doc.at("events").as_object()["complaint"] = json::object{};
    auto paths = refusal_paths(doc);
    CHECK(contains(paths, "events.request.acknowledge"));
    CHECK(contains(paths, "events.dispute.teleport"));
    CHECK(contains(paths, "events.complaint"));

    doc = good;
    doc.at("events").at("dispute").at("accept") = json::array{"desk", "clerk", "desk", 7};
    doc.at("actions").as_object().erase("reveal");
    doc.at("actions").as_object()["fly"] = json::array{};
    doc.as_object()["see_everything"] = json::array{"desk"};
    doc.at("see_all_cases") = "desk";
    paths = refusal_paths(doc);
    CHECK(paths == std::vector<std::string>{"see_everything", "see_all_cases", "actions.fly",
                                            "actions.reveal", "events.dispute.accept[1]",
                                            "events.dispute.accept[2]",
                                            "events.dispute.accept[3]"});

    CHECK(refusal_paths(json::array{}) == std::vector<std::string>{"$"});
    doc = good;
    doc.as_object().erase("events");
    CHECK(refusal_paths(doc) == std::vector<std::string>{"events"});
  }

  TEST_CASE("an auditor is refused everywhere but in the scope lists and read_access_log") {
    const json::value good = shipped_document();
    auto with_auditor = [&](auto&& edit) {
      json::value doc = good;
      json::array& roles = edit(doc).as_array();
      roles.push_back("auditor");
      return doc;
    };
    CHECK(refusal_paths(with_auditor([](json::value& d) -> json::value& {
            return d.at("events").at("dispute").at("accept");
          })) == std::vector<std::string>{"events.dispute.accept[2]"});
    CHECK(refusal_paths(with_auditor([](json::value& d) -> json::value& {
            return d.at("every_event");
          })) == std::vector<std::string>{"every_event[1]"});
    for (const char* action : {"create_case", "add_note", "add_attachment", "reveal", "arbitrate",
                               "manage_users", "manage_directory"}) {
      CAPTURE(action);
      const auto paths = refusal_paths(
          with_auditor([&](json::value& d) -> json::value& { return d.at("actions").at(action); }));
      REQUIRE(paths.size() == 1);
      CHECK(paths[0].rfind(std::string("actions.") + action + "[", 0) == 0);
    }
    json::value doc = good;
    doc.at("actions").at("read_access_log") = json::array{"auditor"};
    CHECK(permissions_from_json(doc, workflows()));
  }
}
