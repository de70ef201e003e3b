// File: tests/http/fixtures.hpp
//
// Shared pieces of the HTTP tests: a fresh database and a real server per
// test, a valid dispute body, and shorthands for events and snapshots.
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <unistd.h>

#include <boost/json.hpp>

#include "engine/cases/audit_chain.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_db.hpp"

namespace outpost::testing {

namespace json = boost::json;

// A JSON string's text (or the JSON of any other value), for comparisons.
inline std::string text(const json::value& v) {
  return v.is_string() ? std::string(v.get_string()) : json::serialize(v);
}

inline json::object request_body(const std::string& category = "facility_repair") {
  return json::object{
      {"kind", "request"},
      {"category", category},
      {"title", "楼道灯坏了一个月没人修"},
      {"description", "3单元2楼至5楼楼道灯不亮，老人夜间上下楼不便。"},
      {"channel", "hotline"},
      {"location", {{"community", "LF"}, {"grid", "LF-G01"}, {"micro_grid", "LF-G01-M1"}}},
      {"parties", {{{"role", "applicant"}, {"name", "王桂兰"}, {"phone", "13700137000"}}}},
  };
}

inline json::object dispute_body() {
  return json::object{
      {"kind", "dispute"},
      {"category", "neighbour"},
      {"title", "楼上漏水影响楼下住户"},
      {"description", "楼上卫生间漏水，双方就维修费用协商未果。"},
      {"channel", "desk"},
      {"location", {{"community", "LF"}, {"grid", "LF-G01"}, {"address", "西山坪家属区3栋"}}},
      {"parties",
       {{{"role", "applicant"},
         {"name", "张秀英"},
         {"phone", "13800138000"},
         {"id_number", "500109198801012345"}},
        {{"role", "respondent"}, {"name", "李建国"}, {"phone", "13900139000"}}}},
  };
}

// The ids of a list's or a queue's page (200 required), in its order.
inline std::vector<std::int64_t> ids_of(const Response& r) {
  REQUIRE_MESSAGE(r.status == 200, r.body);
  std::vector<std::int64_t> ids;
  const json::value body = r.json();
  for (const auto& item : body.at("items").as_array()) ids.push_back(item.at("id").as_int64());
  return ids;
}

// "2026-11-26T13:58:57.123Z" -> epoch milliseconds.
inline Millis epoch_millis(const std::string& rfc3339) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0;
  REQUIRE(std::sscanf(rfc3339.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &y, &mo, &d, &h, &mi, &s, &ms) ==
          7);
  using namespace std::chrono;
  const sys_days day{year{y} / month{static_cast<unsigned>(mo)} / static_cast<unsigned>(d)};
  return duration_cast<milliseconds>(day.time_since_epoch()).count() +
         ((h * 60 + mi) * 60 + s) * 1000LL + ms;
}

// The rows of a hash chain (a case's or an audit's) as the history API shows
// them, with their owner's id set by `own(entry)`.
template <class Entry, class Own>
std::vector<Entry> chain_from_api(const json::array& history, Own&& own) {
  std::vector<Entry> entries;
  for (const auto& v : history) {
    const auto& o = v.as_object();
    Entry e;
    own(e);
    e.seq = o.at("seq").as_int64();
    e.at = epoch_millis(text(o.at("at")));
    e.actor = text(o.at("actor"));
    e.event = text(o.at("event"));
    e.from_state = o.at("from_state").is_null() ? "" : text(o.at("from_state"));
    e.to_state = text(o.at("to_state"));
    e.data = o.at("data").as_object();
    e.prev_hash = text(o.at("prev_hash"));
    e.hash = text(o.at("hash"));
    entries.push_back(std::move(e));
  }
  return entries;
}

// A case's history as the history API shows it, back in the engine's form.
inline std::vector<HistoryEntry> history_entries(std::int64_t id, const json::array& history) {
  return chain_from_api<HistoryEntry>(history, [id](HistoryEntry& e) { e.case_id = id; });
}

// Recomputes every hash of the chain from the history API alone.
inline std::int64_t first_broken_link(std::int64_t id, const json::array& history) {
  return outpost::first_broken_link(history_entries(id, history));
}

struct TestServer {
  TestServer() = default;
  // A server started with these extra environment variables.
  explicit TestServer(Headers env) : server{db.url(), {}, std::move(env)} {}

  TestDatabase db;
  ServerProcess server{db.url()};
  HttpClient client = server.client();

  std::int64_t create_case(json::object body = dispute_body()) {
    auto r = client.post_json("/api/v1/cases", body);
    REQUIRE_MESSAGE(r.status == 201, r.body);
    return r.json().at("id").as_int64();
  }

  Response event(std::int64_t id, const std::string& name, json::object payload = {},
                 const Headers& headers = {}) {
    payload["event"] = name;
    return client.post_json("/api/v1/cases/" + std::to_string(id) + "/events", payload, headers);
  }

  // Applies an event that must succeed.
  json::value step(std::int64_t id, const std::string& name, json::object payload = {}) {
    auto r = event(id, name, std::move(payload));
    REQUIRE_MESSAGE(r.status == 200, name << ": " << r.body);
    return r.json();
  }

  json::value get_case(std::int64_t id) {
    auto r = client.get("/api/v1/cases/" + std::to_string(id));
    REQUIRE_MESSAGE(r.status == 200, r.body);
    return r.json();
  }

  json::array history(std::int64_t id) {
    auto r = client.get("/api/v1/cases/" + std::to_string(id) + "/history");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    return r.json().at("items").as_array();
  }

  // A user with this role (and department) and a bearer token for it,
  // written straight into the database: there is no user API yet.
  HttpClient client_as(const std::string& username, const std::string& role,
                       const std::string& department = "") {
    const std::string token = "token-of-" + username;
    db.exec(
        "INSERT INTO users (username, display_name, role, department, grid, disabled, created_at)"
        " VALUES ('" +
        username + "', '" + username + "', '" + role + "', '" + department + "', '', 0, 0)");
    db.exec("INSERT INTO tokens (token_hash, user_id, created_at) SELECT '" +
            outpost::sha256_hex(token) + "', id, 0 FROM users WHERE username = '" + username + "'");
    return server.client(token);
  }

  std::int64_t stored_history_rows(std::int64_t id) {
    return db.query_int("SELECT count(*) FROM history WHERE case_id = " + std::to_string(id));
  }

  // What a user would notice of a case: its state, version and history length.
  std::string snapshot(std::int64_t id) {
    auto c = get_case(id);
    return std::string(c.at("state").as_string()) + "@" +
           std::to_string(c.at("version").as_int64()) + "/" +
           std::to_string(stored_history_rows(id)) + "/" + std::to_string(history(id).size());
  }
};

// Adds cases `first`..`last` straight into the database in one statement
// (one transaction), numbered ST-<g>, half in community LF and half in LY,
// each with a description of `description_bytes` ASCII letters. Parties are
// stored in clear, which the store reads as it reads rows written before
// personal-data sealing.
inline void seed_cases(const TestDatabase& db, std::int64_t first, std::int64_t last,
                       std::size_t description_bytes) {
  std::string description(description_bytes, 'x');
  for (std::size_t i = 0; i < description.size(); i += 7) description[i] = "abcdefghij"[i % 10];
  db.exec(
      "WITH RECURSIVE seq(g) AS (SELECT " + std::to_string(first) +
      " UNION ALL SELECT g + 1 FROM seq WHERE g < " + std::to_string(last) +
      ") INSERT INTO cases (number, kind, state, version, category, title, description, channel,"
      " community, grid, micro_grid, address, urgency, risk_level, confidential, department,"
      " assignees, handlers, parties, facts, created_at, updated_at, last_hash)"
      " SELECT 'ST-' || g, 'dispute', 'registered', 1, 'neighbour', '楼上漏水 ' || g, '" +
      description +
      "', 'desk', CASE WHEN g % 2 = 0 THEN 'LF' ELSE 'LY' END, CASE WHEN g % 2 = 0 THEN 'LF-G01'"
      " ELSE 'LY-G01' END, '', '西山坪家属区3栋', 'normal', 'low', 0, '', '[]', '[]',"
      " '[{\"role\":\"applicant\",\"name\":\"张秀英\",\"phone\":\"13800138000\","
      "\"id_number\":\"500109198801012345\"}]', '{}', 1767225600000 + g * 10,"
      " 1767225600000 + g * 10, 'seeded' FROM seq");
}

// A copy of the shipped configuration whose permissions let a dispatcher
// reveal personal data (the shipped file gives reveal to desk and handler
// only, none of whom may export).
struct RevealingConfig {
  RevealingConfig() {
    std::filesystem::remove_all(dir);
    std::filesystem::copy(OUTPOST_SOURCE_DIR "/config", dir,
                          std::filesystem::copy_options::recursive);
    std::ifstream in(dir / "permissions.json");
    json::value doc = json::parse(std::string(std::istreambuf_iterator<char>(in), {}));
    doc.at("actions").at("reveal").as_array().push_back("dispatcher");
    std::ofstream(dir / "permissions.json", std::ios::trunc) << json::serialize(doc);
  }
  ~RevealingConfig() { std::filesystem::remove_all(dir); }
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("outpost-export-config-" + std::to_string(::getpid()));
};

// Records every party's consent to mediation (record_consent agree, People's
// Mediation Law Art. 17), which sessions and an agreement need.
inline void consent_all(TestServer& t, std::int64_t id) {
  const auto parties = t.get_case(id).at("parties").as_array().size();
  for (std::size_t party = 1; party <= parties; ++party) {
    t.step(
        id, "record_consent",
        {{"party", static_cast<std::int64_t>(party)}, {"consent", "agree"}, {"form", "written"}});
  }
}

// A valid reach_agreement payload (People's Mediation Law Art. 28–29): an oral
// agreement, in force at once, unless `form` is "written".
inline json::object agreement(const std::string& performance_due, const std::string& form = "oral",
                              const std::string& terms = "楼上住户承担维修费用") {
  return json::object{{"form", form},
                      {"facts", "楼上卫生间漏水致楼下天花板受损"},
                      {"issues", "维修费用由谁承担"},
                      {"terms", terms},
                      {"performance_method", "一次性支付并上门维修"},
                      {"performance_due", performance_due}};
}

// One step of a walk through a workflow: the event and its payload.
using EventStep = std::pair<std::string, json::object>;

// A dispute's whole life, `registered` to `closed`, mediated by the police
// with every party's consent and an oral agreement (10 events).
inline std::vector<EventStep> dispute_life() {
  return {
      {"accept", {}},
      {"assign", {{"department", "police"}, {"assignees", {"police-01"}}}},
      {"record_consent", {{"party", 1}, {"consent", "agree"}, {"form", "written"}}},
      {"record_consent", {{"party", 2}, {"consent", "agree"}, {"form", "oral"}}},
      {"accept_mediator", {{"party", 1}, {"mediator", "police-01"}, {"form", "written"}}},
      {"start_mediation", {}},
      {"reach_agreement", agreement("2026-12-31")},
      {"confirm_performance", {}},
      {"record_follow_up", {{"satisfaction", "satisfied"}, {"note", "回访满意"}}},
      {"close", {}},
  };
}

// Takes a fresh dispute to `mediating` (accept, assign to police, start_mediation).
inline std::int64_t mediating_case(TestServer& t) {
  const auto id = t.create_case();
  t.step(id, "accept");
  t.step(id, "assign", {{"department", "police"}, {"assignees", {"police-01"}}});
  t.step(id, "start_mediation");
  return id;
}

}  // namespace outpost::testing
