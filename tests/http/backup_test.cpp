// `outpost backup` / `outpost restore` under load, and `outpost
// migrate-to-postgresql`, judged by what the API serves from the copy
// (docs/BACKUP.md).
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "tests/http/fixtures.hpp"

using namespace outpost::testing;

namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

std::string work_file(const std::string& name) {
  const char* dir = std::getenv("OUTPOST_TEST_WORK_DIR");
  const fs::path root = dir && *dir ? dir : "/tmp/outpost-tests";
  fs::create_directories(root);
  return (root / (name + "-" + std::to_string(::getpid()))).string();
}

// The keys every test server uses, for the commands run beside them.
struct CommandKeys {
  std::string signing_key_file = work_file("backup-signing-key");
  CommandKeys() {
    fs::remove(signing_key_file);
    write_test_signing_key(signing_key_file);
  }
  ~CommandKeys() { fs::remove(signing_key_file); }
  Headers env() const {
    return {{"OUTPOST_PII_KEY", kTestPiiKey}, {"OUTPOST_AUDIT_SIGNING_KEY_FILE", signing_key_file}};
  }
};

void remove_files(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", ".partial"}) fs::remove(path + suffix);
}

std::string case_path(std::int64_t id, const std::string& tail = "") {
  return "/api/v1/cases/" + std::to_string(id) + tail;
}

json::array history_of(HttpClient& client, std::int64_t id) {
  auto r = client.get(case_path(id, "/history"));
  REQUIRE_MESSAGE(r.status == 200, r.body);
  return r.json().at("items").as_array();
}

// A case and the history length its creator had acknowledged, and when.
struct Ack {
  std::int64_t id = 0;
  std::size_t entries = 0;
  SteadyClock::time_point at;
};

// Clients creating and accepting cases until `stop`, each at most ~100 cases
// a second; every 201/200 recorded.
class Load {
 public:
  Load(const ServerProcess& server, int threads) {
    for (int i = 0; i < threads; ++i) {
      threads_.emplace_back([this, client = server.client()]() mutable { run(client); });
    }
  }
  ~Load() { finish(); }
  void finish() {
    stop_ = true;
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }
  std::vector<Ack> acks() {
    const std::lock_guard lock(mutex_);
    return acks_;
  }
  int failures() const { return failures_; }

 private:
  void run(HttpClient& client) {
    while (!stop_) {
      auto created = client.post_json("/api/v1/cases", dispute_body());
      if (created.status != 201) {
        ++failures_;
        continue;
      }
      const std::int64_t id = created.json().at("id").as_int64();
      record({id, 1, SteadyClock::now()});
      auto accepted = client.post_json(case_path(id, "/events"), {{"event", "accept"}});
      if (accepted.status != 200) {
        ++failures_;
        continue;
      }
      record({id, 2, SteadyClock::now()});
      // Paced, so the check afterwards (three GETs a case) stays short.
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  void record(Ack ack) {
    const std::lock_guard lock(mutex_);
    acks_.push_back(ack);
  }

  std::atomic<bool> stop_{false};
  std::atomic<int> failures_{0};
  std::mutex mutex_;
  std::vector<Ack> acks_;
  std::vector<std::thread> threads_;
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Every note of history_checkpoints in `db`, each a substring of `output`?
// true when at least one is (the checkpoint signed before the backup).
bool holds_checkpoint(const TestDatabase& db, const std::string& signed_note) {
  for (const auto& row : db.query_rows("SELECT note FROM history_checkpoints")) {
    if (row[0] && !row[0]->empty() && contains(signed_note, *row[0])) return true;
  }
  return false;
}

}  // namespace

TEST_SUITE("http_backup") {
  TEST_CASE("a backup taken under load restores every acknowledged case, chain and checkpoint") {
    const CommandKeys keys;
    TestServer live;
    const std::string backup_file =
        work_file(test_backend() == "sqlite" ? "outpost-backup.db" : "outpost-backup.dump");
    remove_files(backup_file);

    Load load(live.server, 3);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto checkpoint = run_outpost({"audit", "checkpoint", "--database", live.db.url()}, keys.env());
    REQUIRE_MESSAGE(checkpoint.exit_code == 0, checkpoint.output);
    const auto backup_started = SteadyClock::now();
    auto backup =
        run_outpost({"backup", "--database", live.db.url(), "--out", backup_file}, keys.env());
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    load.finish();
    REQUIRE_MESSAGE(backup.exit_code == 0, backup.output);
    CHECK(load.failures() == 0);
    // Progress on standard error: SQLite's pages, pg_dump's tables.
    CHECK(
        contains(backup.output, test_backend() == "sqlite" ? "outpost backup: pages" : "pg_dump"));
    // The file name is taken: a second backup there is refused.
    CHECK(run_outpost({"backup", "--database", live.db.url(), "--out", backup_file}, keys.env())
              .exit_code == 2);

    TestDatabase copy;
    auto restored =
        run_outpost({"restore", "--from", backup_file, "--database", copy.url()}, keys.env());
    REQUIRE_MESSAGE(restored.exit_code == 0, restored.output);
    CHECK(contains(restored.output, "history verified"));
    CHECK(holds_checkpoint(copy, checkpoint.output));

    // A second restore into the now filled copy is refused and changes nothing.
    const auto cases_in_copy = copy.query_int("SELECT count(*) FROM cases");
    const auto history_in_copy = copy.query_int("SELECT count(*) FROM history");
    auto refused =
        run_outpost({"restore", "--from", backup_file, "--database", copy.url()}, keys.env());
    CHECK(refused.exit_code == 2);
    CHECK(contains(refused.output, "not empty"));
    CHECK(copy.query_int("SELECT count(*) FROM cases") == cases_in_copy);
    CHECK(copy.query_int("SELECT count(*) FROM history") == history_in_copy);
    // --force replaces it.
    auto forced = run_outpost(
        {"restore", "--force", "--from", backup_file, "--database", copy.url()}, keys.env());
    CHECK_MESSAGE(forced.exit_code == 0, forced.output);
    CHECK(copy.query_int("SELECT count(*) FROM history") == history_in_copy);

    std::map<std::int64_t, std::size_t> acked_before, acked;
    for (const Ack& a : load.acks()) {
      acked[a.id] = std::max(acked[a.id], a.entries);
      if (a.at < backup_started) acked_before[a.id] = std::max(acked_before[a.id], a.entries);
    }
    REQUIRE(!acked_before.empty());
    REQUIRE(acked.size() > acked_before.size());  // the load went on during the backup

    ServerProcess server(copy.url());
    HttpClient restored_client = server.client();
    std::size_t later_found = 0;
    for (const auto& [id, entries] : acked) {
      auto got = restored_client.get(case_path(id));
      if (!acked_before.contains(id) && got.status == 404) continue;
      REQUIRE_MESSAGE(got.status == 200, "case " << id << ": " << got.body);
      const json::array restored_history = history_of(restored_client, id);
      const json::array live_history = history_of(live.client, id);
      // Everything acknowledged before the backup began is there; the rest
      // is a prefix of what the live server holds, link for link.
      if (acked_before.contains(id)) {
        CHECK(restored_history.size() >= acked_before[id]);
      } else {
        ++later_found;
      }
      REQUIRE(restored_history.size() <= live_history.size());
      for (std::size_t i = 0; i < restored_history.size(); ++i) {
        CHECK(restored_history[i].at("hash") == live_history[i].at("hash"));
      }
      CHECK(first_broken_link(id, restored_history) == 0);
      CHECK(got.json().at("version").as_int64() ==
            static_cast<std::int64_t>(restored_history.size()));
    }
    MESSAGE(acked_before.size() << " cases acknowledged before the backup, " << later_found
                                << " of the " << acked.size() - acked_before.size()
                                << " acknowledged later are in it");
    auto verified = run_outpost({"audit", "verify", "--database", copy.url()}, keys.env());
    CHECK_MESSAGE(verified.exit_code == 0, verified.output);
    remove_files(backup_file);
  }
}

namespace {

// A date `days` from today, for the KPI report's period.
std::string date_from_today(int days) {
  using namespace std::chrono;
  const year_month_day d{floor<std::chrono::days>(system_clock::now()) + std::chrono::days(days)};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return text;
}

std::int64_t create(HttpClient& client, const json::object& body) {
  auto r = client.post_json("/api/v1/cases", body);
  REQUIRE_MESSAGE(r.status == 201, r.body);
  return r.json().at("id").as_int64();
}

void step(HttpClient& client, std::int64_t id, const std::string& event,
          json::object payload = {}) {
  payload["event"] = event;
  auto r = client.post_json(case_path(id, "/events"), payload);
  REQUIRE_MESSAGE(r.status == 200, event << ": " << r.body);
}

// Cases through their whole life, with a note, an attachment and a user.
void add_lifecycle_cases(HttpClient& client) {
  const auto id = create(client, dispute_body());
  step(client, id, "accept");
  step(client, id, "assign", {{"department", "police"}, {"assignees", {"police-01"}}});
  step(client, id, "record_consent", {{"party", 1}, {"consent", "agree"}, {"form", "written"}});
  step(client, id, "record_consent", {{"party", 2}, {"consent", "agree"}, {"form", "oral"}});
  step(client, id, "start_mediation");
  step(client, id, "reach_agreement", agreement(date_from_today(30)));
  step(client, id, "confirm_performance");
  step(client, id, "record_follow_up", {{"satisfaction", "satisfied"}, {"note", "回访满意"}});
  step(client, id, "close");
  auto note = client.post_json(case_path(id, "/notes"), {{"body", "双方已签字确认"}});
  REQUIRE_MESSAGE(note.status == 201, note.body);
  std::string bytes = "\x89PNG\r\n\x1a\n";
  for (int i = 0; i < 4096; ++i) bytes += static_cast<char>((i * 7919) & 0xff);  // NUL, tab, LF too
  auto file = client.request("POST", case_path(id, "/attachments"), bytes,
                             {{"Content-Type", "image/png"}, {"X-File-Name", "scene.png"}});
  REQUIRE_MESSAGE(file.status == 201, file.body);
  const auto request = create(client, request_body());
  step(client, request, "dispatch");
  auto user = client.post_json(
      "/api/v1/users",
      {{"username", "desk-wang"}, {"password", "correct horse battery staple"}, {"role", "desk"}});
  REQUIRE_MESSAGE(user.status == 201, user.body);
}

// A response without what moves with the clock (time_left_seconds, as_of).
std::string timeless(const Response& r) {
  boost::system::error_code ec;
  json::value body = json::parse(r.body, ec);
  if (ec) return std::to_string(r.status) + " " + r.body;
  const auto strip = [](auto& self, json::value& v) -> void {
    if (auto* o = v.if_object()) {
      o->erase("time_left_seconds");
      o->erase("as_of");
      for (auto& item : *o) self(self, item.value());
    } else if (auto* a = v.if_array()) {
      for (auto& item : *a) self(self, item);
    }
  };
  strip(strip, body);
  return std::to_string(r.status) + " " + json::serialize(body);
}

// What the API shows: every case, its history, notes and attachments, the
// users and the KPI report, as one text per item.
std::map<std::string, std::string> api_view(HttpClient& client) {
  std::map<std::string, std::string> view;
  std::string target = "/api/v1/cases?limit=100";
  for (;;) {
    auto page = client.get(target);
    REQUIRE_MESSAGE(page.status == 200, page.body);
    const json::value body = page.json();
    for (const auto& item : body.at("items").as_array()) {
      const auto id = item.at("id").as_int64();
      for (const std::string tail : {"", "/history", "/notes", "/attachments"}) {
        auto r = client.get(case_path(id, tail));
        view[case_path(id, tail)] = timeless(r);
      }
    }
    if (body.at("next_cursor").is_null()) break;
    target = "/api/v1/cases?limit=100&cursor=" + std::string(body.at("next_cursor").as_string());
  }
  for (const std::string& target : std::vector<std::string>{
           "/api/v1/users", "/api/v1/reports/kpis?group_by=community&from=" +
                                date_from_today(-365) + "&to=" + date_from_today(1)}) {
    view[target] = timeless(client.get(target));
  }
  return view;
}

}  // namespace

TEST_SUITE("http_migrate_to_postgresql") {
  TEST_CASE("an SQLite outpost moves to PostgreSQL and the API shows the same cases, reports") {
    const CommandKeys keys;
    const std::string source_file = work_file("migrate-source.db");
    remove_files(source_file);
    const std::string source = "sqlite:" + source_file;
    std::string signed_note;
    std::map<std::string, std::string> before;
    {
      ServerProcess server(source, {"--demo-data"});
      HttpClient client = server.client();
      add_lifecycle_cases(client);
      auto checkpoint = run_outpost({"audit", "checkpoint", "--database", source}, keys.env());
      REQUIRE_MESSAGE(checkpoint.exit_code == 0, checkpoint.output);
      signed_note = checkpoint.output;
      before = api_view(client);
      REQUIRE(before.size() > 40);  // the demo cases and ours
      REQUIRE(server.stop() == 0);
    }

    const auto move_to = [&](const TestDatabase& db) {
      return run_outpost({"migrate-to-postgresql", "--from", source, "--to", db.url()}, keys.env());
    };
    const auto with_schema = [&](const TestDatabase& db) {
      REQUIRE(run_outpost({"migrate", "--database", db.url()}, keys.env()).exit_code == 0);
    };
    // A target that holds rows is refused, and nothing changes there.
    TestDatabase filled;
    with_schema(filled);
    filled.exec("INSERT INTO counters (name, value) VALUES ('kept', 7)");
    auto refused = move_to(filled);
    CHECK(refused.exit_code == 2);
    CHECK(contains(refused.output, "not empty (table counters holds rows)"));
    CHECK(filled.query_int("SELECT count(*) FROM cases") == 0);
    CHECK(filled.query_int("SELECT count(*) FROM counters") == 1);

    // A copy that fails half-way (a rule of the target's refuses the users)
    // leaves the target empty, and the same command then starts over.
    TestDatabase target;
    with_schema(target);
    target.exec("ALTER TABLE users ADD CONSTRAINT no_desk CHECK (role <> 'desk')");
    auto failed = move_to(target);
    CHECK(failed.exit_code == 1);
    CHECK(contains(failed.output, "the PostgreSQL database is left empty"));
    CHECK(contains(failed.output, "outpost migrate: cases "));  // it got past the cases
    CHECK(target.query_int("SELECT count(*) FROM cases") == 0);
    CHECK(target.query_int("SELECT count(*) FROM history") == 0);
    target.exec("ALTER TABLE users DROP CONSTRAINT no_desk");
    auto moved = move_to(target);
    REQUIRE_MESSAGE(moved.exit_code == 0, moved.output);
    CHECK(contains(moved.output, "outpost migrate: cases "));
    CHECK(contains(moved.output, "history verified"));
    CHECK(holds_checkpoint(target, signed_note));
    // Every history row is queued or in the signed log exactly once: the
    // queue's trigger did not fire again for the copied rows.
    CHECK(target.query_int("SELECT (SELECT count(*) FROM history_queue) +"
                           " (SELECT count(*) FROM history_log)") ==
          target.query_int("SELECT count(*) FROM history"));
    CHECK(target.query_int("SELECT count(*) FROM history_log") > 0);

    ServerProcess server(target.url());
    HttpClient client = server.client();
    const auto after = api_view(client);
    CHECK(after.size() == before.size());
    for (const auto& [what, shown] : before) {
      CHECK_MESSAGE(after.count(what) == 1, what);
      if (after.count(what) == 1) CHECK_MESSAGE(after.at(what) == shown, what);
    }
    // The id sequences continue past the copied rows.
    const auto largest = target.query_int("SELECT max(id) FROM cases");
    CHECK(create(client, dispute_body()) == largest + 1);
    auto verified = run_outpost({"audit", "verify", "--database", target.url()}, keys.env());
    CHECK_MESSAGE(verified.exit_code == 0, verified.output);
    remove_files(source_file);
  }
}

namespace {

std::string file_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void remove_with_keys(const std::string& path) {
  remove_files(path);
  for (const char* suffix : {".key", ".signing-key"}) fs::remove(path + suffix);
}

}  // namespace

TEST_SUITE("http_backup_keys") {
  TEST_CASE(
      "an SQLite backup carries the key files beside the database, the restore puts them back") {
    // No key settings: the embedded default keeps both keys beside the file.
    const Headers no_keys{{"OUTPOST_PII_KEY", ""}, {"OUTPOST_AUDIT_SIGNING_KEY_FILE", ""}};
    const std::string source = work_file("keys-source.db");
    const std::string backup = work_file("keys-backup.db");
    const std::string target = work_file("keys-target.db");
    const std::string other = work_file("keys-other.db");
    for (const auto& path : {source, backup, target, other}) remove_with_keys(path);

    std::string shown;
    std::int64_t id = 0;
    {
      ServerProcess server("sqlite:" + source, {}, no_keys);
      HttpClient client = server.client();
      id = create(client, dispute_body());
      shown = timeless(client.get(case_path(id)));
      REQUIRE(server.stop() == 0);
    }
    REQUIRE(fs::exists(source + ".key"));
    REQUIRE(fs::exists(source + ".signing-key"));

    auto written =
        run_outpost({"backup", "--database", "sqlite:" + source, "--out", backup}, no_keys);
    REQUIRE_MESSAGE(written.exit_code == 0, written.output);
    CHECK(file_text(backup + ".key") == file_text(source + ".key"));
    CHECK(file_text(backup + ".signing-key") == file_text(source + ".signing-key"));
    CHECK((fs::status(backup + ".key").permissions() & fs::perms::group_all) == fs::perms::none);

    // A target that already has another key is refused before anything is written.
    {
      std::ofstream(other + ".key") << std::string(64, 'a') << "\n";
      fs::permissions(other + ".key", fs::perms::owner_read | fs::perms::owner_write);
    }
    auto refused =
        run_outpost({"restore", "--from", backup, "--database", "sqlite:" + other}, no_keys);
    CHECK(refused.exit_code == 2);
    CHECK(contains(refused.output, "holds another key"));
    CHECK_FALSE(fs::exists(other));

    auto restored =
        run_outpost({"restore", "--from", backup, "--database", "sqlite:" + target}, no_keys);
    REQUIRE_MESSAGE(restored.exit_code == 0, restored.output);
    CHECK(contains(restored.output, "history verified"));
    CHECK(file_text(target + ".key") == file_text(source + ".key"));
    CHECK(file_text(target + ".signing-key") == file_text(source + ".signing-key"));
    // The restored parties open with the copied key: the case reads as before.
    ServerProcess server("sqlite:" + target, {}, no_keys);
    HttpClient client = server.client();
    CHECK(timeless(client.get(case_path(id))) == shown);
    for (const auto& path : {source, backup, target, other}) remove_with_keys(path);
  }
}
