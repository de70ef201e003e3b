// The stored, editable catalogue over HTTP on real servers: the first start
// stores config/catalogue.json as edition 1; an admin replaces it with PUT
// /api/v1/catalogue (If-Match: the ETag of GET), new cases route by the new
// edition at once, in another server on the same database within seconds, and
// after a restart; everyone else is refused, and a bad document, a removed
// department or a removed category that cases have is a problem that changes
// nothing (the document read back and the stored editions are the same).
#include <chrono>
#include <string>
#include <thread>

#include "tests/http/fixtures.hpp"

namespace {

using namespace outpost::testing;
namespace json = boost::json;

Response put_catalogue(HttpClient& client, const json::value& doc, const std::string& if_match) {
  Headers headers{{"Content-Type", "application/json"}};
  if (!if_match.empty()) headers.push_back({"If-Match", if_match});
  return client.request("PUT", "/api/v1/catalogue", json::serialize(doc), headers);
}

json::object catalogue_of(HttpClient& client) {
  auto r = client.get("/api/v1/catalogue");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  return r.json().as_object();
}

json::object& category(json::object& doc, const std::string& kind, const std::string& code) {
  for (auto& c : doc.at("categories").at(kind).as_array()) {
    if (text(c.at("code")) == code) return c.as_object();
  }
  FAIL("no category " << kind << "/" << code);
  throw std::logic_error("unreachable");
}

// The department a new request of `category` is dispatched to by the rule.
std::string routed_department(HttpClient& client, const std::string& category) {
  auto created = client.post_json("/api/v1/cases", request_body(category));
  REQUIRE_MESSAGE(created.status == 201, created.body);
  const auto id = created.json().at("id").as_int64();
  auto dispatched = client.post_json("/api/v1/cases/" + std::to_string(id) + "/events",
                                     json::object{{"event", "dispatch"}});
  REQUIRE_MESSAGE(dispatched.status == 200, dispatched.body);
  return text(dispatched.json().at("assignment").at("department"));
}

bool names_field(const Response& r, const std::string& field) {
  const json::value body = r.json();
  if (!body.is_object() || !body.as_object().contains("errors")) return false;
  for (const auto& e : body.at("errors").as_array()) {
    if (text(e.at("field")) == field) return true;
  }
  return false;
}

}  // namespace

TEST_SUITE("http_catalogue") {
  TEST_CASE("an admin changes a routing and adds a category; new cases use them, after a restart") {
    TestServer t;
    auto first = t.client.get("/api/v1/catalogue");
    REQUIRE(first.status == 200);
    CHECK(first.header("etag") == "\"1\"");
    CHECK(t.db.query_int("SELECT count(*) FROM catalogue_editions") == 1);
    CHECK(t.db.query_text("SELECT updated_by FROM catalogue_editions") == "config");
    CHECK(routed_department(t.client, "facility_repair") == "urban");

    json::object doc = first.json().as_object();
    category(doc, "request", "facility_repair")["default_department"] = "property";
    json::object added = category(doc, "request", "parking");
    added["code"] = "night_works";
    added["name"] = "夜间施工扰民";
    added["default_department"] = "urban";
    doc.at("categories").at("request").as_array().push_back(added);
    auto saved = put_catalogue(t.client, doc, first.header("etag"));
    REQUIRE_MESSAGE(saved.status == 200, saved.body);
    CHECK(saved.header("etag") == "\"2\"");
    CHECK(t.db.query_int("SELECT count(*) FROM catalogue_editions") == 2);
    CHECK(t.db.query_text("SELECT updated_by FROM catalogue_editions WHERE version = 2") ==
          "admin");

    CHECK(routed_department(t.client, "facility_repair") == "property");
    CHECK(routed_department(t.client, "night_works") == "urban");
    auto versions = t.client.get("/api/v1/catalogue/versions");
    REQUIRE_MESSAGE(versions.status == 200, versions.body);
    const json::value listed = versions.json();
    const auto& items = listed.at("items").as_array();
    REQUIRE(items.size() == 2);
    CHECK(items[0].at("version") == 2);
    CHECK(items[0].at("updated_by") == "admin");
    CHECK(items[0].at("in_force") == true);
    CHECK(items[1].at("updated_by") == "config");

    t.server.stop();
    t.server.start();
    HttpClient c = t.server.client();
    auto again = c.get("/api/v1/catalogue");
    CHECK(again.header("etag") == "\"2\"");
    json::object stored = again.json().as_object();
    CHECK(category(stored, "request", "night_works").at("name") == "夜间施工扰民");
    CHECK(routed_department(c, "facility_repair") == "property");
    CHECK(t.db.query_int("SELECT count(*) FROM catalogue_editions") == 2);
  }

  TEST_CASE("another server on the same database routes by the new catalogue within seconds") {
    TestServer t;
    ServerProcess other(t.db.url());
    other.start();
    HttpClient there = other.client();
    CHECK(routed_department(there, "facility_repair") == "urban");
    CHECK(t.db.query_int("SELECT count(*) FROM catalogue_editions") == 1);

    json::object doc = catalogue_of(t.client);
    category(doc, "request", "facility_repair")["default_department"] = "property";
    auto saved = put_catalogue(t.client, doc, "\"1\"");
    REQUIRE_MESSAGE(saved.status == 200, saved.body);

    // The other process's ticker reloads it (about every 2 s); no GET first.
    std::string department;
    for (int i = 0; i < 30 && department != "property"; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      department = routed_department(there, "facility_repair");
    }
    CHECK(department == "property");
    CHECK(there.get("/api/v1/catalogue").header("etag") == "\"2\"");
  }

  TEST_CASE("only an admin changes it; stale, missing If-Match and bad documents change nothing") {
    TestServer t;
    const auto used = t.create_case();  // a neighbour dispute
    const auto original = t.client.get("/api/v1/catalogue");
    REQUIRE(original.status == 200);
    const json::object doc = original.json().as_object();

    HttpClient dispatcher = t.client_as("disp.he", "dispatcher");
    auto refused = put_catalogue(dispatcher, doc, "\"1\"");
    CHECK(refused.status == 403);
    CHECK(refused.header("content-type") == "application/problem+json");
    CHECK(dispatcher.get("/api/v1/catalogue/versions").status == 403);
    CHECK(dispatcher.get("/api/v1/catalogue").status == 200);

    auto unconditional = put_catalogue(t.client, doc, "");
    CHECK(unconditional.status == 428);
    CHECK(unconditional.header("content-type") == "application/problem+json");

    const auto invalid = [&](json::object bad, const std::string& field) {
      auto r = put_catalogue(t.client, bad, "\"1\"");
      CHECK_MESSAGE(r.status == 422, field << ": " << r.body);
      CHECK(r.header("content-type") == "application/problem+json");
      CHECK_MESSAGE(names_field(r, field), field << ": " << r.body);
    };
    json::object unknown_department = doc;
    category(unknown_department, "request", "facility_repair")["default_department"] = "nowhere";
    invalid(unknown_department, "categories.request[0].default_department");
    json::object duplicate = doc;
    category(duplicate, "request", "sanitation")["code"] = "facility_repair";
    invalid(duplicate, "categories.request[1].code");
    json::object no_police = doc;
    no_police.at("departments").as_array().erase(no_police.at("departments").as_array().begin());
    for (auto& list : no_police.at("categories").as_object()) {
      for (auto& c : list.value().as_array()) {
        if (c.at("default_department") == "police") c.as_object()["default_department"] = "grid";
      }
    }
    invalid(no_police, "departments");
    json::object no_neighbour = doc;
    auto& disputes = no_neighbour.at("categories").at("dispute").as_array();
    disputes.erase(disputes.begin());
    invalid(no_neighbour, "categories.dispute");
    json::object bad_deadline = doc;
    category(bad_deadline, "request", "parking")["deadlines"].as_object()["resolve"] = "soon";
    invalid(bad_deadline, "categories.request[3].deadlines.resolve");
    json::object bad_active = doc;
    category(bad_active, "request", "parking")["active"] = "no";
    invalid(bad_active, "categories.request[3].active");
    CHECK(t.client
              .request("PUT", "/api/v1/catalogue", "{",
                       {{"Content-Type", "application/json"}, {"If-Match", "\"1\""}})
              .status == 400);

    // Nothing changed: the same document, one edition, the same routing.
    CHECK(t.db.query_int("SELECT count(*) FROM catalogue_editions") == 1);
    auto after = t.client.get("/api/v1/catalogue");
    CHECK(after.header("etag") == "\"1\"");
    CHECK(after.json() == original.json());
    CHECK(routed_department(t.client, "facility_repair") == "urban");

    // Retiring the used category is the way: no new case takes it, the old one keeps it.
    json::object retired = doc;
    category(retired, "dispute", "neighbour")["active"] = false;
    auto saved = put_catalogue(t.client, retired, "\"1\"");
    REQUIRE_MESSAGE(saved.status == 200, saved.body);
    auto refused_case = t.client.post_json("/api/v1/cases", dispute_body());
    CHECK(refused_case.status == 422);
    CHECK(names_field(refused_case, "category"));
    CHECK(text(t.get_case(used).at("category")) == "neighbour");

    // An unused category may go; an edit based on edition 1 is now stale.
    json::object fewer = retired;
    auto& requests = fewer.at("categories").at("request").as_array();
    requests.erase(requests.end() - 1);  // suggestion: no case has it
    auto stale = put_catalogue(t.client, fewer, "\"1\"");
    CHECK(stale.status == 412);
    CHECK(t.db.query_int("SELECT count(*) FROM catalogue_editions") == 2);
    auto removed = put_catalogue(t.client, fewer, "\"2\"");
    CHECK_MESSAGE(removed.status == 200, removed.body);
    CHECK(t.db.query_int("SELECT count(*) FROM catalogue_editions") == 3);
  }
}
