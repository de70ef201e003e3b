// Who may do what, over HTTP, on both backends (config/permissions.json,
// engine/access/permissions.hpp): the whole role × action matrix, enumerated; scopes
// (a case out of scope is 404 everywhere under /api/v1/cases/{id}, missing
// from lists and from their counts); and a bad permissions file stopping the
// server. Users are made the way an operator makes them: through the admin
// API, then POST /api/v1/login.
#include <unistd.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "tests/http/fixtures.hpp"

using namespace outpost::testing;

namespace {

constexpr const char* kPassword = "Correct-Horse-4711";

std::string case_path(std::int64_t id, const std::string& tail = "") {
  return "/api/v1/cases/" + std::to_string(id) + tail;
}

// A server with users of every role, each with a login token of their own.
struct PermissionsServer : TestServer {
  std::map<std::string, HttpClient> as;  // by username

  void add_user(const std::string& username, const std::string& role,
                const std::string& department = "", const std::string& grid = "") {
    json::object body{{"username", username}, {"password", kPassword}, {"role", role}};
    if (!department.empty()) body["department"] = department;
    if (!grid.empty()) body["grid"] = grid;
    auto created = client.post_json("/api/v1/users", body);
    REQUIRE_MESSAGE(created.status == 201, created.body);
    auto login = server.client("").post_json("/api/v1/login",
                                             {{"username", username}, {"password", kPassword}});
    REQUIRE_MESSAGE(login.status == 200, login.body);
    as.emplace(username, server.client(text(login.json().at("token"))));
  }

  // What a refused write must leave alone: the case's version and history length.
  std::string version_and_history(std::int64_t id) {
    return std::to_string(get_case(id).at("version").as_int64()) + "/" +
           std::to_string(history(id).size());
  }

  std::int64_t dispatched_request(const json::object& dispatch = {}) {
    const auto id = create_case(request_body());
    step(id, "dispatch", dispatch);  // facility_repair: urban, grid leader co-handles
    return id;
  }
};

// The ids of a list response's items.
bool listed(const Response& r, std::int64_t id) {
  const auto ids = ids_of(r);
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// ---- The matrix -----------------------------------------------------------

// One column per action; each row below gives the status every role gets.
enum Column {
  kRead,              // GET /cases/{id} of a request dispatched to urban
  kHistory,           // GET /cases/{id}/history of it
  kList,              // GET /cases: 200 = the case is listed, 404 = it is not
  kCreate,            // POST /cases
  kAccept,            // intake: accept a registered dispute
  kDispatch,          // routing: dispatch a submitted request
  kAcknowledge,       // handling: acknowledge a request dispatched to urban
  kApproveExtension,  // extension approval: approve a pending extension (urban's case)
  kReopen,            // reopen a closed request (urban's case)
  kArbitration,       // the arbitration ruling: dispatch a request flagged after two returns
  kNote,              // POST /cases/{id}/notes on the dispatched request
  kAttachment,        // POST /cases/{id}/attachments on it
  kAdminCall,         // GET /api/v1/users
  kReveal,            // POST /cases/{id}/reveal on the dispatched request (one access-log row each)
  kColumns
};
constexpr std::array<const char*, kColumns> kColumnNames{
    "read",       "history",     "list",        "create",
    "accept",     "dispatch",    "acknowledge", "approve_extension",
    "reopen",     "arbitration", "note",        "attachment",
    "admin call", "reveal"};

struct Row {
  const char* user;
  std::array<int, kColumns> expected;
};

// urban.li handles the dispatched request (urban is its lead department);
// officer.li is a handler of another department; gw.zhao is grid staff of
// the cases' grid LF-G01 (sees them, handles none). Intake and dispatch cases
// are not routed yet: handlers outside the grid do not see them.
// clang-format off
const Row kMatrix[] = {
  //                 read hist list create accept disp ack  apprv reopen arbit note attach users reveal
  {"desk.wu",       {200, 200, 200, 201,   200,   403, 403, 403,  403,   403,  201, 201,   403,  200}},
  {"disp.he",       {200, 200, 200, 201,   403,   200, 403, 200,  403,   403,  201, 201,   403,  403}},
  {"urban.li",      {200, 200, 200, 201,   404,   404, 200, 403,  403,   404,  201, 201,   403,  200}},
  {"officer.li",    {404, 404, 404, 201,   404,   404, 404, 404,  404,   404,  404, 404,   403,  404}},
  {"gw.zhao",       {200, 200, 200, 201,   403,   403, 403, 403,  403,   403,  403, 403,   403,  403}},
  {"sup.zhou",      {200, 200, 200, 201,   200,   200, 200, 200,  200,   200,  201, 201,   403,  403}},
  {"audit.qian",    {200, 200, 200, 403,   403,   403, 403, 403,  403,   403,  403, 403,   403,  403}},
  {"admin.sun",     {200, 200, 200, 201,   200,   200, 200, 200,  200,   200,  201, 201,   200,  403}},
};
// clang-format on

class Matrix {
 public:
  explicit Matrix(PermissionsServer& t) : t_(t), shared_(t.dispatched_request()) {}

  // The status `user` gets for `column`; a refused write is checked to have
  // changed nothing.
  int status(const std::string& user, Column column) {
    HttpClient& c = t_.as.at(user);
    switch (column) {
      case kRead:
        return c.get(case_path(shared_)).status;
      case kHistory:
        return c.get(case_path(shared_, "/history")).status;
      case kList:
        return listed(c.get("/api/v1/cases?kind=request&limit=500"), shared_) ? 200 : 404;
      case kCreate:
        return create(c);
      case kAccept:
        return event(c, t_.create_case(), "accept", {});
      case kDispatch:
        return event(c, t_.create_case(request_body()), "dispatch", {});
      case kAcknowledge:
        return event(c, t_.dispatched_request(), "acknowledge", {});
      case kApproveExtension:
        return event(c, extension_pending(), "approve_extension", {});
      case kReopen:
        return event(c, closed(), "reopen", {{"reason", "居民反映问题复发"}});
      case kArbitration:
        return event(c, flagged(), "dispatch", {{"department", "grid"}});
      case kNote:
        return write(shared_, [&] {
          return c.post_json(case_path(shared_, "/notes"), {{"body", "已电话联系诉求人"}});
        });
      case kAttachment:
        return write(shared_, [&] {
          return c.request("POST", case_path(shared_, "/attachments"), "现场照片说明",
                           {{"Content-Type", "text/plain"}, {"X-File-Name", "note.txt"}});
        });
      case kAdminCall:
        return c.get("/api/v1/users").status;
      case kReveal: {
        const auto logged = t_.db.query_int("SELECT count(*) FROM access_log");
        const Response r =
            c.post_json(case_path(shared_, "/reveal"), {{"purpose", "核实联系方式"}});
        CHECK(t_.db.query_int("SELECT count(*) FROM access_log") == logged + (r.status == 200));
        return r.status;
      }
      case kColumns:
        break;
    }
    FAIL("no such column");
    return 0;
  }

 private:
  template <class Send>
  int write(std::int64_t id, Send&& send) {
    const std::string before = t_.version_and_history(id);
    const Response r = send();
    if (r.status >= 400) {
      CHECK(r.header("content-type") == "application/problem+json");
      CHECK_MESSAGE(t_.version_and_history(id) == before, "a refused write changed the case");
    }
    return r.status;
  }

  int event(HttpClient& c, std::int64_t id, const std::string& name, json::object payload) {
    payload["event"] = name;
    return write(id, [&] { return c.post_json(case_path(id, "/events"), payload); });
  }

  int create(HttpClient& c) {
    const auto before = t_.db.query_int("SELECT count(*) FROM cases");
    const Response r = c.post_json("/api/v1/cases", request_body());
    if (r.status >= 400) CHECK(t_.db.query_int("SELECT count(*) FROM cases") == before);
    return r.status;
  }

  std::int64_t extension_pending() {
    const auto id = t_.dispatched_request();
    t_.step(id, "acknowledge");
    t_.step(id, "start_work");
    t_.step(id, "request_extension", {{"days", 3}, {"reason", "需等待配件到货"}});
    return id;
  }

  std::int64_t closed() {
    const auto id = t_.dispatched_request();
    t_.step(id, "acknowledge");
    t_.step(id, "start_work");
    t_.step(id, "resolve", {{"resolution", "已更换楼道灯"}});
    t_.step(id, "record_follow_up", {{"satisfaction", "satisfied"}, {"note", "满意"}});
    return id;
  }

  // Returned twice: flagged for arbitration (派单异议), unassigned, submitted.
  std::int64_t flagged() {
    const auto id = t_.dispatched_request();
    t_.step(id, "return_dispatch", {{"reason", "不属于城管职责"}});
    t_.step(id, "dispatch", {{"department", "property"}});
    t_.step(id, "return_dispatch", {{"reason", "该楼栋无物业"}});
    return id;
  }

  PermissionsServer& t_;
  std::int64_t shared_;
};

void add_matrix_users(PermissionsServer& t) {
  t.add_user("desk.wu", "desk");
  t.add_user("disp.he", "dispatcher");
  t.add_user("urban.li", "handler", "urban");
  t.add_user("officer.li", "handler", "police");
  t.add_user("gw.zhao", "handler", "grid", "LF-G01");
  t.add_user("sup.zhou", "supervisor");
  t.add_user("audit.qian", "auditor");
  t.add_user("admin.sun", "admin");
}

}  // namespace

TEST_SUITE("http_permissions") {
  TEST_CASE("the role x action matrix, every cell") {
    PermissionsServer t;
    add_matrix_users(t);
    Matrix matrix(t);
    for (const Row& row : kMatrix) {
      for (int col = 0; col < kColumns; ++col) {
        CAPTURE(row.user);
        CAPTURE(kColumnNames[col]);
        CHECK(matrix.status(row.user, static_cast<Column>(col)) == row.expected[col]);
      }
    }
  }

  TEST_CASE("allowed_events are the caller's own and a refusal is 403 problem+json") {
    PermissionsServer t;
    add_matrix_users(t);
    const auto id = t.dispatched_request();
    const auto allowed = [&](const std::string& user) {
      std::vector<std::string> events;
      const json::value c = t.as.at(user).get(case_path(id)).json();
      for (const auto& e : c.at("allowed_events").as_array()) events.push_back(text(e));
      return events;
    };
    CHECK(allowed("urban.li") == std::vector<std::string>{"acknowledge", "return_dispatch"});
    CHECK(allowed("sup.zhou") == std::vector<std::string>{"acknowledge", "return_dispatch"});
    CHECK(allowed("disp.he").empty());
    CHECK(allowed("gw.zhao").empty());
    CHECK(allowed("audit.qian").empty());

    const std::string before = t.version_and_history(id);
    auto refused =
        t.as.at("disp.he").post_json(case_path(id, "/events"), {{"event", "acknowledge"}});
    CHECK(refused.status == 403);
    CHECK(refused.header("content-type") == "application/problem+json");
    CHECK(refused.json().at("type") == "/problems/forbidden");
    CHECK(text(refused.json().at("detail")).find("acknowledge") != std::string::npos);
    // A role that may never apply the event hears 403 whatever the state.
    CHECK(t.as.at("audit.qian")
              .post_json(case_path(id, "/events"), {{"event", "reopen"}, {"reason", "x"}})
              .status == 403);
    // An unknown event is still 422, for every role.
    CHECK(
        t.as.at("audit.qian").post_json(case_path(id, "/events"), {{"event", "teleport"}}).status ==
        422);
    CHECK(t.version_and_history(id) == before);

    // A 409's allowed_events are the caller's too.
    const auto mediating = mediating_case(t);
    auto conflict = t.as.at("disp.he").post_json(
        case_path(mediating, "/events"),
        {{"event", "record_follow_up"}, {"satisfaction", "satisfied"}, {"note", "满意"}});
    CHECK(conflict.status == 409);
    CHECK(conflict.json().at("allowed_events") == json::array{"report_risk"});
  }
}

TEST_SUITE("http_scopes") {
  TEST_CASE("an urban handler cannot see a police-only case by id or in lists") {
    PermissionsServer t;
    t.add_user("urban.li", "handler", "urban");
    t.add_user("officer.li", "handler", "police");
    const auto police_case = t.create_case(request_body("public_order"));
    t.step(police_case, "dispatch", {{"department", "police"}});
    const auto urban_case = t.dispatched_request();
    REQUIRE(
        t.client.post_json(case_path(police_case, "/notes"), {{"body", "派出所已出警"}}).status ==
        201);
    HttpClient& urban = t.as.at("urban.li");

    // By id: 404 everywhere, exactly as for a case that does not exist.
    const auto unknown = urban.get(case_path(999999));
    REQUIRE(unknown.status == 404);
    for (const std::string tail : {"", "/history", "/notes", "/attachments", "/attachments/3"}) {
      CAPTURE(tail);
      const auto r = urban.get(case_path(police_case, tail));
      CHECK(r.status == 404);
      CHECK(r.header("content-type") == "application/problem+json");
    }
    CHECK(urban.get(case_path(police_case)).body == unknown.body);
    const std::string before = t.version_and_history(police_case);
    CHECK(urban.post_json(case_path(police_case, "/events"), {{"event", "acknowledge"}}).status ==
          404);
    CHECK(urban
              .post_json(case_path(police_case, "/events"), {{"event", "acknowledge"}},
                         {{"If-Match", "\"1\""}})
              .status == 404);
    CHECK(urban.post_json(case_path(police_case, "/notes"), {{"body", "看看"}}).status == 404);
    CHECK(urban
              .request("POST", case_path(police_case, "/attachments"), "x",
                       {{"Content-Type", "text/plain"}, {"X-File-Name", "x.txt"}})
              .status == 404);
    CHECK(t.version_and_history(police_case) == before);

    // In lists and their counts: never.
    CHECK(ids_of(urban.get("/api/v1/cases")) == std::vector<std::int64_t>{urban_case});
    CHECK(ids_of(urban.get("/api/v1/cases?department=police")).empty());
    const std::string number = text(t.get_case(police_case).at("number"));
    CHECK(ids_of(urban.get("/api/v1/cases?q=" + number)).empty());
    CHECK(ids_of(t.client.get("/api/v1/cases?q=" + number)) ==
          std::vector<std::int64_t>{police_case});
    const json::value mine = urban.get("/api/v1/queues/mine").json();
    CHECK(mine.at("counts").at("total").as_int64() == 1);

    // The police see it.
    CHECK(t.as.at("officer.li").get(case_path(police_case)).status == 200);
    CHECK(listed(t.as.at("officer.li").get("/api/v1/cases"), police_case));
  }

  TEST_CASE("joint handling and grid staff widen a handler's scope, and only theirs") {
    PermissionsServer t;
    t.add_user("urban.li", "handler", "urban");
    t.add_user("gw.zhao", "handler", "grid", "JS-G01");
    t.add_user("gw.qin", "handler", "grid", "LY-G02");
    auto in_js = request_body("public_order");
    in_js["location"] = {{"community", "JS"}, {"grid", "JS-G01"}};
    const auto police_case = t.create_case(in_js);
    t.step(police_case, "dispatch", {{"department", "police"}});
    const auto joint = t.create_case(request_body("public_order"));
    t.step(joint, "dispatch", {{"department", "police"}, {"co_departments", {"urban"}}});
    const auto unrouted = t.create_case(in_js);

    HttpClient& urban = t.as.at("urban.li");
    CHECK(urban.get(case_path(joint)).status == 200);
    CHECK(ids_of(urban.get("/api/v1/cases")) == std::vector<std::int64_t>{joint});
    // Grid staff see every case in their grid, routed or not, and nothing else.
    HttpClient& js = t.as.at("gw.zhao");
    CHECK(ids_of(js.get("/api/v1/cases")) == std::vector<std::int64_t>{unrouted, police_case});
    CHECK(js.get(case_path(joint)).status == 404);
    const json::value queue = js.get("/api/v1/queues/dispatch").json();
    CHECK(queue.at("counts").at("awaiting").as_int64() == 1);
    CHECK(t.client.get("/api/v1/queues/dispatch").json().at("counts").at("awaiting").as_int64() ==
          1);
    CHECK(ids_of(t.as.at("gw.qin").get("/api/v1/cases")).empty());
    CHECK(t.as.at("gw.qin").get("/api/v1/queues/dispatch").json().at("counts").at("awaiting") == 0);
  }

  TEST_CASE(
      "a confidential case is invisible to everyone but its assignees, supervisors, "
      "auditors and admins") {
    PermissionsServer t;
    t.add_user("urban-01", "handler", "urban");
    t.add_user("urban.ma", "handler", "urban");
    t.add_user("desk.wu", "desk");
    t.add_user("disp.he", "dispatcher");
    t.add_user("sup.zhou", "supervisor");
    t.add_user("audit.qian", "auditor");
    auto body = request_body("public_order");
    body["confidential"] = true;
    const auto secret = t.create_case(body);
    t.step(secret, "dispatch", {{"department", "urban"}, {"assignee", "urban-01"}});
    const auto open = t.create_case(request_body("public_order"));
    t.step(open, "dispatch", {{"department", "urban"}});
    const auto waiting = t.create_case(request_body("public_order"));

    for (const char* user : {"urban.ma", "desk.wu", "disp.he"}) {
      CAPTURE(user);
      HttpClient& c = t.as.at(user);
      CHECK(c.get(case_path(secret)).status == 404);
      CHECK(c.get(case_path(secret, "/history")).status == 404);
      CHECK(ids_of(c.get("/api/v1/cases?state=dispatched")) == std::vector<std::int64_t>{open});
      CHECK(!listed(c.get("/api/v1/cases"), secret));
    }
    // Nor can it be named as the case another one duplicates.
    const auto as_duplicate = t.as.at("disp.he").post_json(
        case_path(waiting, "/events"),
        {{"event", "reject"}, {"reason", "重复诉求"}, {"duplicate_of", secret}});
    CHECK(as_duplicate.status == 422);
    CHECK(as_duplicate.body ==
          t.as.at("disp.he")
              .post_json(case_path(waiting, "/events"),
                         {{"event", "reject"}, {"reason", "重复诉求"}, {"duplicate_of", 999999}})
              .body);
    CHECK(t.as.at("urban.ma").get("/api/v1/queues/mine").json().at("counts").at("total") == 1);
    const std::string before = t.version_and_history(secret);
    CHECK(t.as.at("urban.ma")
              .post_json(case_path(secret, "/events"), {{"event", "acknowledge"}})
              .status == 404);
    CHECK(t.version_and_history(secret) == before);

    HttpClient& assignee = t.as.at("urban-01");
    CHECK(assignee.get(case_path(secret)).status == 200);
    CHECK(ids_of(assignee.get("/api/v1/cases")) == std::vector<std::int64_t>{open, secret});
    CHECK(assignee.get("/api/v1/queues/mine").json().at("counts").at("total") == 2);
    for (const char* user : {"sup.zhou", "audit.qian"}) {
      CAPTURE(user);
      CHECK(t.as.at(user).get(case_path(secret)).status == 200);
      CHECK(listed(t.as.at(user).get("/api/v1/cases"), secret));
    }
    CHECK(t.get_case(secret).at("confidential") == true);  // the bootstrap admin
    CHECK(assignee.post_json(case_path(secret, "/events"), {{"event", "acknowledge"}}).status ==
          200);
  }

  TEST_CASE("duplicate links name only cases in the caller's scope; the rest are a count") {
    PermissionsServer t;
    t.add_user("desk.wu", "desk");
    t.add_user("sup.zhou", "supervisor");
    auto secret_body = request_body("public_order");
    secret_body["confidential"] = true;
    const auto original = t.create_case(request_body("public_order"));
    const auto secret_copy = t.create_case(secret_body);
    t.step(secret_copy, "reject", {{"reason", "重复诉求"}, {"duplicate_of", original}});
    const auto secret_original = t.create_case(secret_body);
    const auto copy = t.create_case(request_body("public_order"));
    t.step(copy, "reject", {{"reason", "重复诉求"}, {"duplicate_of", secret_original}});

    HttpClient& desk = t.as.at("desk.wu");
    REQUIRE(desk.get(case_path(secret_copy)).status == 404);
    const json::value seen_original = desk.get(case_path(original)).json();
    CHECK(seen_original.at("duplicates") == json::array());
    CHECK(seen_original.at("duplicates_hidden") == 1);
    const json::value seen_copy = desk.get(case_path(copy)).json();
    CHECK(seen_copy.at("state") == "rejected");
    CHECK(seen_copy.at("duplicate_of").is_null());
    CHECK(desk.get("/api/v1/cases?state=rejected")
              .body.find("\"duplicate_of\":" + std::to_string(secret_original)) ==
          std::string::npos);

    HttpClient& supervisor = t.as.at("sup.zhou");
    const json::value full_original = supervisor.get(case_path(original)).json();
    CHECK(full_original.at("duplicates") == json::array{secret_copy});
    CHECK(full_original.at("duplicates_hidden") == 0);
    CHECK(supervisor.get(case_path(copy)).json().at("duplicate_of") == secret_original);
  }
}

TEST_SUITE("http_permissions_config") {
  TEST_CASE("a permissions file that fails validation stops the server with exit code 2") {
    namespace fs = std::filesystem;
    TestDatabase db;
    const fs::path dir = fs::temp_directory_path() / ("outpost-perm-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::copy(OUTPOST_SOURCE_DIR "/config", dir, fs::copy_options::recursive);
    {
      std::ifstream in(dir / "permissions.json");
      json::value doc = json::parse(std::string(std::istreambuf_iterator<char>(in), {}));
      doc.at("events").at("dispute").at("accept").as_array().push_back("auditor");
      std::ofstream(dir / "permissions.json", std::ios::trunc) << json::serialize(doc);
    }
    auto r = run_outpost({"serve", "--database", db.url(), "--listen", "127.0.0.1:0"},
                         {{"OUTPOST_CONFIG_DIR", dir.string()}});
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("permissions.json") != std::string::npos);
    CHECK(r.output.find("events.dispute.accept[2]") != std::string::npos);
    fs::remove_all(dir);
  }
}
