// Two server processes on one database, as behind a load balancer: what one
// answers with 2xx, the other honours at once — a revoked token, a disabled
// user, a changed role or scope (even while the other process holds the
// token in its 5 s cache, adapters/http/auth.hpp), a de-identification, and
// every write (read-your-writes).
#include <atomic>
#include <latch>
#include <sstream>
#include <thread>

#include "tests/http/fixtures.hpp"

using namespace outpost::testing;

namespace {

const Headers kJson{{"Content-Type", "application/json"}};
constexpr const char* kPassword = "Correct-Horse-4711";
constexpr const char* kMetricsToken = "two-processes-metrics-token";

struct TwoServers {
  TestDatabase db;
  ServerProcess a{db.url()};
  ServerProcess b{db.url(), {}, {{"OUTPOST_METRICS_TOKEN", kMetricsToken}}};
  HttpClient admin_a = a.client();
  HttpClient admin_b = b.client();

  // A user made on A, and a client of B holding a fresh token of that user.
  HttpClient user_on_b(const std::string& username, const std::string& role,
                       const std::string& department = "", const std::string& grid = "") {
    json::object body{{"username", username}, {"password", kPassword}, {"role", role}};
    if (!department.empty()) body["department"] = department;
    if (!grid.empty()) body["grid"] = grid;
    auto created = admin_a.post_json("/api/v1/users", body);
    REQUIRE_MESSAGE(created.status == 201, created.body);
    auto issued = admin_a.post_json("/api/v1/users/" + username + "/tokens", {{"ttl_hours", 1}});
    REQUIRE_MESSAGE(issued.status == 201, issued.body);
    last_token_id = text(issued.json().at("token_id"));
    return b.client(text(issued.json().at("token")));
  }

  Response patch_on_a(const std::string& username, const json::object& change) {
    return admin_a.request("PATCH", "/api/v1/users/" + username, json::serialize(change), kJson);
  }

  std::int64_t create_on_a() {
    auto r = admin_a.post_json("/api/v1/cases", dispute_body());
    REQUIRE_MESSAGE(r.status == 201, r.body);
    return r.json().at("id").as_int64();
  }

  // B's count of refused events (outpost_transitions_total, every outcome but
  // applied, of any kind and event).
  double refused_events_on_b() {
    const auto scraped = HttpClient(b.port(), kMetricsToken).get("/metrics");
    REQUIRE(scraped.status == 200);
    double refused = 0;
    std::istringstream lines(scraped.body);
    for (std::string line; std::getline(lines, line);) {
      if (!line.starts_with("outpost_transitions_total{") ||
          line.find("outcome=\"applied\"") != std::string::npos) {
        continue;
      }
      refused += std::stod(line.substr(line.rfind(' ') + 1));
    }
    return refused;
  }

  std::string last_token_id;
};

// A dispute's events from registered to mediating.
std::vector<json::object> to_mediation() {
  return {
      {{"event", "accept"}},
      {{"event", "assign"}, {"department", "police"}, {"assignees", {"police-01"}}},
      {{"event", "record_consent"}, {"party", 1}, {"consent", "agree"}, {"form", "written"}},
      {{"event", "record_consent"}, {"party", 2}, {"consent", "agree"}, {"form", "oral"}},
      {{"event", "start_mediation"}},
  };
}

std::string case_path(std::int64_t id) {
  return "/api/v1/cases/" + std::to_string(id);
}

}  // namespace

TEST_SUITE("http_two_processes") {
  TEST_CASE("a token revoked or a user disabled on one process is refused by the other at once") {
    TwoServers t;
    const auto id = t.create_on_a();

    auto zhou = t.user_on_b("zhou.yu", "supervisor");
    REQUIRE(zhou.get(case_path(id)).status == 200);  // B now caches the token
    auto revoked = t.admin_a.request("DELETE", "/api/v1/tokens/" + t.last_token_id);
    REQUIRE_MESSAGE(revoked.status == 204, revoked.body);
    CHECK(zhou.get(case_path(id)).status == 401);
    CHECK(zhou.get("/api/v1/cases?limit=5").status == 401);

    auto sun = t.user_on_b("sun.li", "supervisor");
    REQUIRE(sun.get(case_path(id)).status == 200);
    REQUIRE(sun.get("/api/v1/cases?limit=5").status == 200);
    auto disabled = t.patch_on_a("sun.li", {{"disabled", true}});
    REQUIRE_MESSAGE(disabled.status == 200, disabled.body);
    CHECK(sun.get("/api/v1/cases?limit=5").status == 401);
    CHECK(sun.get(case_path(id)).status == 401);
  }

  TEST_CASE(
      "an event with a token cached by the last one is refused at once after a change on the other "
      "process, and changes nothing") {
    TwoServers t;
    const auto accept = [](HttpClient& c, std::int64_t id) {
      return c.post_json(case_path(id) + "/events", {{"event", "accept"}});
    };
    // The case as B shows it to the admin: unchanged means version 1, no new history.
    const auto unchanged = [&](std::int64_t id) {
      const auto now = t.admin_b.get(case_path(id));
      REQUIRE(now.status == 200);
      CHECK(now.json().at("version").as_int64() == 1);
      CHECK(now.json().at("state") == "registered");
      CHECK(t.admin_b.get(case_path(id) + "/history").json().at("items").as_array().size() == 1);
    };

    const double refused_before = t.refused_events_on_b();
    auto zhou = t.user_on_b("zhou.yu", "supervisor");
    auto first = accept(zhou, t.create_on_a());  // B now caches the token
    REQUIRE_MESSAGE(first.status == 200, first.body);
    auto revoked = t.admin_a.request("DELETE", "/api/v1/tokens/" + t.last_token_id);
    REQUIRE_MESSAGE(revoked.status == 204, revoked.body);
    const auto after_revocation = t.create_on_a();
    CHECK(accept(zhou, after_revocation).status == 401);
    unchanged(after_revocation);

    auto sun = t.user_on_b("sun.li", "supervisor");
    REQUIRE(accept(sun, t.create_on_a()).status == 200);
    REQUIRE(t.patch_on_a("sun.li", {{"disabled", true}}).status == 200);
    const auto after_disabling = t.create_on_a();
    CHECK(accept(sun, after_disabling).status == 401);
    unchanged(after_disabling);

    // A supervisor may accept any case; as a police handler not this one.
    auto wu = t.user_on_b("wu.hao", "supervisor");
    REQUIRE(accept(wu, t.create_on_a()).status == 200);
    REQUIRE(t.patch_on_a("wu.hao", {{"role", "handler"}, {"department", "police"}}).status == 200);
    const auto after_demotion = t.create_on_a();
    const auto refused = accept(wu, after_demotion);
    CHECK((refused.status == 403 || refused.status == 404));
    unchanged(after_demotion);
    // Counted as answered: the demoted supervisor's refusal once; the cached
    // attempts refused before the token was looked up again not at all (nor
    // the 401s, which a fresh lookup answers before any event is tried).
    CHECK(t.refused_events_on_b() - refused_before == 1);

    // Unchanged credentials keep working, from the cache, on cases old and new.
    auto li = t.user_on_b("li.na", "supervisor");
    for (int i = 0; i < 3; ++i) CHECK(accept(li, t.create_on_a()).status == 200);
    CHECK(accept(li, 999999).status == 404);
  }

  TEST_CASE("a role or a scope changed on one process narrows what the other shows at once") {
    TwoServers t;
    const auto id = t.create_on_a();  // community LF, grid LF-G01

    // A supervisor sees every case; as a police handler not this one.
    auto wu = t.user_on_b("wu.hao", "supervisor");
    REQUIRE(wu.get(case_path(id)).status == 200);
    auto demoted = t.patch_on_a("wu.hao", {{"role", "handler"}, {"department", "police"}});
    REQUIRE_MESSAGE(demoted.status == 200, demoted.body);
    CHECK(wu.get(case_path(id)).status == 404);
    const auto listed = ids_of(wu.get("/api/v1/cases?limit=50"));
    CHECK(std::find(listed.begin(), listed.end(), id) == listed.end());

    // Grid staff of LF-G01 see the case; moved to LY-G01, no longer.
    auto gw = t.user_on_b("gw.zhao", "handler", "grid", "LF-G01");
    REQUIRE(gw.get(case_path(id)).status == 200);
    REQUIRE(ids_of(gw.get("/api/v1/cases?limit=50")) == std::vector<std::int64_t>{id});
    auto moved = t.patch_on_a("gw.zhao", {{"grid", "LY-G01"}});
    REQUIRE_MESSAGE(moved.status == 200, moved.body);
    CHECK(gw.get(case_path(id)).status == 404);
    CHECK(ids_of(gw.get("/api/v1/cases?limit=50")).empty());
  }

  TEST_CASE("a de-identification is shown by both processes at once") {
    TwoServers t;
    const auto id = t.create_on_a();
    for (const json::object& e :
         {json::object{
              {"event", "decline"}, {"reason", "不属于调解范围"}, {"route", "告知可向法院起诉"}},
          json::object{{"event", "close"}}}) {
      auto r = t.admin_a.post_json(case_path(id) + "/events", e);
      REQUIRE_MESSAGE(r.status == 200, r.body);
    }
    const auto before = t.admin_b.get(case_path(id));
    REQUIRE(before.status == 200);
    CHECK(before.json().at("parties").at(0).at("name") == "张**");

    auto run = run_outpost({"retention", "run", "--days", "0", "--database", t.db.url()},
                           {{"OUTPOST_PII_KEY", kTestPiiKey}});
    REQUIRE_MESSAGE(run.exit_code == 0, run.output);
    REQUIRE(run.output.find("de-identified 1 cases") != std::string::npos);
    for (HttpClient* c : {&t.admin_a, &t.admin_b}) {
      const auto after = c->get(case_path(id));
      REQUIRE(after.status == 200);
      CHECK(after.json().at("parties").at(0).at("name") != "张**");
      CHECK(after.json().at("version").as_int64() == before.json().at("version").as_int64() + 1);
    }
  }

  TEST_CASE("read-your-writes: every 2xx write on one process is read back by the other") {
    TwoServers t;
    const std::vector<json::object> lifecycle = to_mediation();
    int reads = 0;
    for (int round = 0; round < 8; ++round) {
      // Writes alternate between the processes; each is read on the other.
      HttpClient& writer = round % 2 == 0 ? t.admin_a : t.admin_b;
      HttpClient& reader = round % 2 == 0 ? t.admin_b : t.admin_a;
      auto created = writer.post_json("/api/v1/cases", dispute_body());
      REQUIRE_MESSAGE(created.status == 201, created.body);
      const auto id = created.json().at("id").as_int64();
      REQUIRE(reader.get(case_path(id)).status == 200);
      for (const auto& e : lifecycle) {
        auto applied = writer.post_json(case_path(id) + "/events", e);
        REQUIRE_MESSAGE(applied.status == 200, applied.body);
        const auto read = reader.get(case_path(id));
        REQUIRE(read.status == 200);
        CHECK(read.json().at("version") == applied.json().at("version"));
        CHECK(read.json().at("state") == applied.json().at("state"));
        const auto page = reader.get("/api/v1/cases?limit=1");
        CHECK(page.json().at("items").at(0).at("version") == applied.json().at("version"));
        ++reads;
      }
    }
    CHECK(reads == 40);
  }

  TEST_CASE("read-your-writes under load: reads batched on the other process see every 2xx write") {
    // On PostgreSQL the GETs that reach a process together share one statement
    // (adapters/storage/case_reads.hpp); readers of other cases keep B busy so
    // that each checked GET is read in a batch with others.
    TwoServers t;
    constexpr int kWriters = 6;
    constexpr int kNoise = 6;
    std::vector<std::int64_t> ids;
    for (int i = 0; i < kWriters; ++i) ids.push_back(t.create_on_a());
    const std::vector<json::object> lifecycle = to_mediation();
    std::atomic<bool> writing{true};
    std::atomic<int> checked{0};
    std::atomic<int> noise_reads{0};
    std::vector<std::vector<std::string>> errors(kWriters + kNoise);
    std::latch start(kWriters + kNoise);
    std::vector<std::thread> threads;
    for (int w = 0; w < kWriters; ++w) {
      threads.emplace_back([&, w] {
        HttpClient writer = t.a.client();
        HttpClient reader = t.b.client();
        start.arrive_and_wait();
        for (const auto& e : lifecycle) {
          auto applied = writer.post_json(case_path(ids[w]) + "/events", e);
          if (applied.status != 200) {
            errors[w].push_back("write: " + std::to_string(applied.status) + " " + applied.body);
            return;
          }
          const auto read = reader.get(case_path(ids[w]));
          if (read.status != 200 || read.json().at("version") != applied.json().at("version") ||
              read.json().at("state") != applied.json().at("state")) {
            errors[w].push_back("read on B after a 2xx on A: " + read.body);
          }
          ++checked;
        }
      });
    }
    for (int n = 0; n < kNoise; ++n) {
      threads.emplace_back([&, n] {
        HttpClient reader = t.b.client();
        start.arrive_and_wait();
        for (int k = 0; writing; ++k) {
          const auto read = reader.get(case_path(ids[static_cast<std::size_t>(k % kWriters)]));
          if (read.status != 200) errors[kWriters + n].push_back("noise read: " + read.body);
          ++noise_reads;
        }
      });
    }
    for (int w = 0; w < kWriters; ++w) threads[static_cast<std::size_t>(w)].join();
    writing = false;
    for (std::size_t i = kWriters; i < threads.size(); ++i) threads[i].join();
    for (const auto& e : errors) {
      CHECK(e.empty());
      if (!e.empty()) MESSAGE(e.front());
    }
    CHECK(checked == kWriters * static_cast<int>(lifecycle.size()));
    CHECK(noise_reads > 0);
  }
}
