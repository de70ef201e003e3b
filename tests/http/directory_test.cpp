// Departments and staff over HTTP: the seeded Longfengqiao roster, filters,
// the admin API, its survival across restarts, and refused input that
// changes nothing.
#include <algorithm>
#include <map>

#include "engine/cases/audit_chain.hpp"
#include "tests/http/fixtures.hpp"

using namespace outpost::testing;

namespace {

const Headers kJson{{"Content-Type", "application/json"}};

Response send(HttpClient& c, const std::string& method, const std::string& target,
              const json::value& body) {
  return c.request(method, target, json::serialize(body), kJson);
}

json::array items(const Response& r) {
  REQUIRE_MESSAGE(r.status == 200, r.body);
  return r.json().at("items").as_array();
}

std::vector<std::string> ids(const json::array& list) {
  std::vector<std::string> out;
  for (const auto& s : list) out.push_back(text(s.at("id")));
  return out;
}

std::map<std::string, int> role_counts(const json::array& list) {
  std::map<std::string, int> out;
  for (const auto& s : list) ++out[text(s.at("role"))];
  return out;
}

// Row counts and the latest write of both tables: any change moves it.
std::string directory_fingerprint(const TestDatabase& db) {
  return std::to_string(db.query_int("SELECT count(*) FROM staff")) + "/" +
         std::to_string(db.query_int("SELECT max(updated_at) FROM staff")) + "/" +
         std::to_string(db.query_int("SELECT count(*) FROM departments")) + "/" +
         std::to_string(db.query_int("SELECT max(updated_at) FROM departments"));
}

// A user with this role and a token for it, written straight into the tables
// (there is no user API yet).
HttpClient client_with_role(TestServer& t, const std::string& role) {
  const std::string username = role + "-user";
  const std::string token = "token-for-" + role + "-0123456789";
  t.db.exec(
      "INSERT INTO users (username, display_name, role, department, grid, disabled,"
      " created_at) VALUES ('" +
      username + "', '" + username + "', '" + role + "', '', '', 0, 0)");
  t.db.exec("INSERT INTO tokens (token_hash, user_id, created_at) SELECT '" +
            outpost::sha256_hex(token) + "', id, 0 FROM users WHERE username = '" + username + "'");
  return t.server.client(token);
}

void check_invalid(const Response& r, int status, const std::string& field) {
  CHECK_MESSAGE(r.status == status, r.body);
  CHECK(r.header("content-type") == "application/problem+json");
  if (field.empty()) return;
  bool named = false;
  const json::value body = r.json();
  if (const auto* errors = body.as_object().if_contains("errors")) {
    for (const auto& e : errors->as_array()) named = named || text(e.at("field")) == field;
  }
  CHECK_MESSAGE(named, "no error names ", field, ": ", r.body);
}

}  // namespace

TEST_SUITE("http_directory") {
  TEST_CASE("the seeded roster: 35 grid leaders, 155 grid workers, a 28-person patrol team") {
    TestServer t;
    const auto all = items(t.client.get("/api/v1/staff"));
    const auto roles = role_counts(all);
    CHECK(roles.at("grid_leader") == 35);
    CHECK(roles.at("grid_worker") == 155);
    CHECK(roles.at("patrol_member") == 28);
    const auto all_ids = ids(all);
    CHECK(std::is_sorted(all_ids.begin(), all_ids.end()));
    CHECK(t.db.query_int("SELECT count(*) FROM staff") == static_cast<std::int64_t>(all.size()));

    const auto departments = items(t.client.get("/api/v1/departments"));
    std::map<std::string, std::string> names;
    for (const auto& d : departments) {
      names[text(d.at("code"))] = text(d.at("name"));
      CHECK(d.at("active") == true);
    }
    CHECK(names.size() == 7);
    CHECK(names.at("police") == "派出所");
    CHECK(names.at("legal") == "司法所");
    CHECK(names.at("urban") == "城管");
    CHECK(names.at("counselling") == "心理咨询");

    for (const auto& [code, name] : names) {
      CHECK_MESSAGE(!items(t.client.get("/api/v1/staff?department=" + code)).empty(), code);
    }
    const auto grid = items(t.client.get("/api/v1/staff?department=grid"));
    CHECK(grid.size() == 190);
    CHECK(items(t.client.get("/api/v1/staff?role=patrol_member&active=true")).size() == 28);
    CHECK(items(t.client.get("/api/v1/staff?active=false")).empty());

    CHECK(ids(items(t.client.get("/api/v1/staff?grid=LF-G01"))) ==
          std::vector<std::string>{"gl-LF-G01", "gw-LF-G01-M1", "gw-LF-G01-M2", "gw-LF-G01-M3",
                                   "gw-LF-G01-M4", "gw-LF-G01-M5"});
    const auto leader =
        items(t.client.get("/api/v1/staff?grid=LF-G01&role=grid_leader&active=true"));
    REQUIRE(leader.size() == 1);
    CHECK(leader[0].at("id") == "gl-LF-G01");
    CHECK(leader[0].at("department") == "grid");
    CHECK(leader[0].at("micro_grid").is_null());

    auto one = t.client.get("/api/v1/staff/gw-LF-G01-M3");
    REQUIRE(one.status == 200);
    CHECK(one.json().at("micro_grid") == "LF-G01-M3");
    CHECK(one.json().at("grid") == "LF-G01");
    CHECK(one.json().as_object().if_contains("phone") == nullptr);
    check_invalid(t.client.get("/api/v1/staff/nobody"), 404, "");
    check_invalid(t.client.get("/api/v1/staff", {{"Authorization", "Bearer wrong"}}), 401, "");
  }

  TEST_CASE("admin changes work and survive a restart; seeding does not overwrite them") {
    TestServer t;
    auto created = send(t.client, "POST", "/api/v1/staff",
                        {{"id", "police-09"},
                         {"name", "赵警官"},
                         {"department", "police"},
                         {"role", "police_officer"},
                         {"grid", "LY-G02"}});
    REQUIRE_MESSAGE(created.status == 201, created.body);
    CHECK(created.header("location") == "/api/v1/staff/police-09");
    CHECK(created.json().at("active") == true);

    auto moved = send(t.client, "PATCH", "/api/v1/staff/gw-LF-G01-M1",
                      {{"name", "钱新民"}, {"grid", "LF-G02"}, {"micro_grid", "LF-G02-M4"}});
    REQUIRE_MESSAGE(moved.status == 200, moved.body);
    CHECK(moved.json().at("micro_grid") == "LF-G02-M4");

    auto off = send(t.client, "PATCH", "/api/v1/staff/gl-LF-G01", {{"active", false}});
    REQUIRE_MESSAGE(off.status == 200, off.body);
    CHECK(off.json().at("active") == false);
    CHECK(items(t.client.get("/api/v1/staff?grid=LF-G01&role=grid_leader&active=true")).empty());

    auto fire = send(t.client, "PUT", "/api/v1/departments/fire", {{"name", "消防站"}});
    REQUIRE_MESSAGE(fire.status == 201, fire.body);
    auto renamed = send(t.client, "PUT", "/api/v1/departments/property",
                        {{"name", "物业公司"}, {"active", false}});
    REQUIRE_MESSAGE(renamed.status == 200, renamed.body);
    auto firefighter = send(
        t.client, "POST", "/api/v1/staff",
        {{"id", "fire-01"}, {"name", "孙消防"}, {"department", "fire"}, {"role", "firefighter"}});
    CHECK_MESSAGE(firefighter.status == 201, firefighter.body);

    t.server.stop();
    t.server.start();
    HttpClient c = t.server.client();
    CHECK(c.get("/api/v1/staff/police-09").json().at("grid") == "LY-G02");
    const auto after_move = c.get("/api/v1/staff/gw-LF-G01-M1").json();
    CHECK(after_move.at("name") == "钱新民");
    CHECK(after_move.at("micro_grid") == "LF-G02-M4");
    CHECK(c.get("/api/v1/staff/gl-LF-G01").json().at("active") == false);
    CHECK(c.get("/api/v1/staff/fire-01").status == 200);
    std::map<std::string, json::value> departments;
    for (const auto& d : items(c.get("/api/v1/departments"))) departments[text(d.at("code"))] = d;
    CHECK(departments.size() == 8);
    CHECK(departments.at("fire").at("name") == "消防站");
    CHECK(departments.at("property").at("name") == "物业公司");
    CHECK(departments.at("property").at("active") == false);
    CHECK(t.db.query_int("SELECT count(*) FROM staff") == 239);
    CHECK(t.server.log().find("seeded 0 departments and 0 staff members") != std::string::npos);

    auto back = send(c, "PATCH", "/api/v1/staff/gl-LF-G01", {{"active", true}});
    CHECK(back.json().at("active") == true);
    CHECK(ids(items(c.get("/api/v1/staff?grid=LF-G01&role=grid_leader&active=true"))) ==
          std::vector<std::string>{"gl-LF-G01"});
  }

  TEST_CASE("bad input is 422 or 409 naming the problem, and changes nothing") {
    TestServer t;
    const std::string before = directory_fingerprint(t.db);
    const json::object valid{
        {"id", "urban-09"}, {"name", "周城管"}, {"department", "urban"}, {"role", "urban_officer"}};
    auto with = [&](const char* key, json::value v) {
      json::object b = valid;
      b[key] = std::move(v);
      return b;
    };
    SUBCASE("unknown department") {
      check_invalid(send(t.client, "POST", "/api/v1/staff", with("department", "fire")), 422,
                    "department");
    }
    SUBCASE("a micro-grid that is not in the grid") {
      json::object b = with("grid", "LF-G01");
      b["micro_grid"] = "LY-G01-M1";
      check_invalid(send(t.client, "POST", "/api/v1/staff", b), 422, "micro_grid");
    }
    SUBCASE("unknown grid") {
      check_invalid(send(t.client, "POST", "/api/v1/staff", with("grid", "LF-G99")), 422, "grid");
    }
    SUBCASE("a duplicate id") {
      check_invalid(send(t.client, "POST", "/api/v1/staff", with("id", "police-01")), 409, "");
    }
    SUBCASE("a personal-data member and wrong types") {
      auto r = send(t.client, "POST", "/api/v1/staff", with("phone", "13800138000"));
      check_invalid(r, 422, "phone");
      check_invalid(send(t.client, "POST", "/api/v1/staff", with("active", "yes")), 422, "active");
      check_invalid(t.client.request("POST", "/api/v1/staff", "{", kJson), 400, "");
      check_invalid(t.client.request("POST", "/api/v1/staff", json::serialize(valid)), 415, "");
    }
    SUBCASE("a patch that breaks the member, names an unknown field or an unknown member") {
      check_invalid(send(t.client, "PATCH", "/api/v1/staff/gw-LF-G01-M1", {{"grid", "LF-G02"}}),
                    422, "micro_grid");
      check_invalid(send(t.client, "PATCH", "/api/v1/staff/gw-LF-G01-M1", {{"id", "x"}}), 422,
                    "id");
      check_invalid(
          send(t.client, "PATCH", "/api/v1/staff/gw-LF-G01-M1", {{"department", "nowhere"}}), 422,
          "department");
      check_invalid(send(t.client, "PATCH", "/api/v1/staff/nobody", {{"active", false}}), 404, "");
    }
    SUBCASE("departments: a new one without a name, a malformed code") {
      check_invalid(send(t.client, "PUT", "/api/v1/departments/fire", json::object{}), 422, "name");
      check_invalid(send(t.client, "PUT", "/api/v1/departments/Fire%20Dept", {{"name", "消防"}}),
                    422, "code");
      check_invalid(send(t.client, "PUT", "/api/v1/departments/police", {{"name", 5}}), 422,
                    "name");
    }
    SUBCASE("unknown filters and bad filter values") {
      check_invalid(t.client.get("/api/v1/staff?dept=grid"), 422, "dept");
      check_invalid(t.client.get("/api/v1/staff?department=fire"), 422, "department");
      check_invalid(t.client.get("/api/v1/staff?grid=LF-G99"), 422, "grid");
      check_invalid(t.client.get("/api/v1/staff?active=maybe"), 422, "active");
      check_invalid(t.client.get("/api/v1/staff?grid=LF-G01&grid=LF-G02"), 422, "grid");
      check_invalid(t.client.get("/api/v1/staff?department="), 422, "department");
      check_invalid(t.client.get("/api/v1/departments?active=true"), 422, "active");
    }
    CHECK(directory_fingerprint(t.db) == before);
    CHECK(t.db.query_int("SELECT count(*) FROM staff WHERE id = 'urban-09'") == 0);
  }

  TEST_CASE("only admins and supervisors write; others get 403 and change nothing") {
    TestServer t;
    HttpClient desk = client_with_role(t, "desk");
    const std::string before = directory_fingerprint(t.db);
    const json::object member{{"id", "counselling-09"},
                              {"name", "吴咨询"},
                              {"department", "counselling"},
                              {"role", "counsellor"}};
    check_invalid(send(desk, "POST", "/api/v1/staff", member), 403, "");
    check_invalid(send(desk, "PATCH", "/api/v1/staff/police-01", {{"active", false}}), 403, "");
    check_invalid(send(desk, "PUT", "/api/v1/departments/police", {{"name", "警务室"}}), 403, "");
    check_invalid(send(desk, "PUT", "/api/v1/departments/fire", {{"name", "消防"}}), 403, "");
    CHECK(directory_fingerprint(t.db) == before);
    CHECK(items(desk.get("/api/v1/staff?department=police")).size() == 4);
    CHECK(desk.get("/api/v1/departments").status == 200);

    HttpClient supervisor = client_with_role(t, "supervisor");
    auto created = send(supervisor, "POST", "/api/v1/staff", member);
    CHECK_MESSAGE(created.status == 201, created.body);
    CHECK(t.db.query_int("SELECT count(*) FROM staff WHERE id = 'counselling-09'") == 1);
  }
}
