// The KPI reports over HTTP (GET /api/v1/reports/kpis and /definitions) on a
// real server: a known set of cases is built through the API, some of them
// made late or overdue by backdating their stored deadline and timers, and
// every figure the server reports is recomputed here, independently, from the
// stored `cases` and `history` rows. The server runs on the 24×7 calendar, so
// that a working hour is a plain hour and the test can count them itself.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/http/fixtures.hpp"

namespace {

using namespace outpost::testing;
using outpost::Millis;
namespace json = boost::json;

constexpr Millis kHour = 3'600'000;

Headers report_env() {
  return {{"OUTPOST_CALENDAR", "calendar-24x7.json"}, {"OUTPOST_DEADLINE_INTERVAL_MS", "100"}};
}

struct Entry {
  Millis at = 0;
  std::string event, to_state;
  json::object data;
};

// One case as its stored rows say.
struct Stored {
  std::int64_t id = 0;
  std::string kind, state, department;
  Millis created_at = 0;
  std::optional<Millis> deadline;
  std::vector<Entry> history;

  bool has(const std::string& event) const {
    return std::any_of(history.begin(), history.end(),
                       [&](const Entry& e) { return e.event == event; });
  }
  std::int64_t count(const std::string& event) const {
    return std::count_if(history.begin(), history.end(),
                         [&](const Entry& e) { return e.event == event; });
  }
  const Entry* first(std::initializer_list<const char*> events) const {
    for (const Entry& e : history) {
      for (const char* name : events) {
        if (e.event == name) return &e;
      }
    }
    return nullptr;
  }
  const Entry* last(std::initializer_list<const char*> events) const {
    for (auto it = history.rbegin(); it != history.rend(); ++it) {
      for (const char* name : events) {
        if (it->event == name) return &*it;
      }
    }
    return nullptr;
  }
  const Entry* last(const std::string& event) const { return last({event.c_str()}); }
  bool closed() const { return state == "closed" || state == "rejected"; }
};

std::vector<Stored> stored_cases(TestServer& t) {
  std::vector<Stored> cases;
  std::map<std::int64_t, std::size_t> at;
  for (const auto& r :
       t.db.query_rows("SELECT CAST(id AS text), kind, state, department, CAST(created_at AS text),"
                       " CAST(deadline AS text) FROM cases ORDER BY id")) {
    Stored s;
    s.id = std::stoll(*r[0]);
    s.kind = *r[1];
    s.state = *r[2];
    s.department = *r[3];
    s.created_at = std::stoll(*r[4]);
    if (r[5]) s.deadline = std::stoll(*r[5]);
    at[s.id] = cases.size();
    cases.push_back(std::move(s));
  }
  for (const auto& r :
       t.db.query_rows("SELECT CAST(case_id AS text), CAST(at AS text), event, to_state, data"
                       " FROM history ORDER BY case_id, seq")) {
    cases[at.at(std::stoll(*r[0]))].history.push_back(
        {std::stoll(*r[1]), *r[2], *r[3], json::parse(*r[4]).as_object()});
  }
  return cases;
}

std::string text_of(const json::object& data, const char* key) {
  const json::value* v = data.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

// What the test expects of one figure.
struct Expected {
  std::optional<double> value;
  std::optional<std::int64_t> numerator, denominator;
};

std::optional<double> nearest_rank(std::vector<double> v, double p) {
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size())));
  return v[std::max<std::size_t>(rank, 1) - 1];
}

// The stored deadline each request had just before its first 签收, noted by
// the test as it went (the history does not keep it).
using AckDeadlines = std::map<std::int64_t, Millis>;

// 派单异议: flagged once the returns since the last arbitration reach 2
// (catalogue policies.returns_before_arbitration); a routing event clears it.
std::int64_t arbitrations_of(const Stored& s) {
  std::int64_t raised = 0, since = 0;
  bool flagged = false;
  for (const Entry& e : s.history) {
    if (e.event == "return_dispatch" || e.event == "return_assignment") {
      if (++since >= 2 && !flagged) {
        flagged = true;
        ++raised;
      }
    } else if ((e.event == "dispatch" || e.event == "assign") && flagged) {
      flagged = false;
      since = 0;
    }
  }
  return raised;
}

// Every figure over `cases`, computed from their rows as of `now`.
std::map<std::string, Expected> expected_figures(const std::vector<const Stored*>& cases,
                                                 Millis now, const std::string& today,
                                                 const AckDeadlines& ack_deadlines) {
  std::map<std::string, std::int64_t> n, d;
  std::map<std::string, std::vector<double>> hours;
  for (const char* count : {"received",
                            "received_disputes",
                            "received_requests",
                            "open_now",
                            "closed",
                            "overdue_now",
                            "visited",
                            "dissatisfied",
                            "mediated",
                            "refused_or_failed",
                            "agreements_due",
                            "judicial_applied",
                            "judicial_confirmed",
                            "returns",
                            "arbitrations",
                            "extensions_requested",
                            "extensions_approved",
                            "escalations",
                            "reworks",
                            "mediation_succeeded",
                            "parties_involved",
                            "agreements_written",
                            "agreements_oral",
                            "amount_agreed"}) {
    n[count] = 0;
  }
  for (const char* ratio : {"response_rate", "resolution_rate", "satisfaction_rate",
                            "mediation_success_rate", "performance_rate"}) {
    n[ratio] = 0;
    d[ratio] = 0;
  }
  for (const Stored* s : cases) {
    const bool dispute = s->kind == "dispute", request = s->kind == "request";
    n["received"] += 1;
    n["received_disputes"] += dispute;
    n["received_requests"] += request;
    n["closed"] += s->closed();
    n["open_now"] += !s->closed();
    n["overdue_now"] += s->deadline && *s->deadline < now;
    if (request) {
      const Entry* ack = s->first({"acknowledge"});
      std::optional<bool> in_time;
      for (const Entry& e : s->history) {
        if (&e == ack) {
          in_time = ack->at <= ack_deadlines.at(s->id);
          break;
        }
        if (e.event == "deadline_breached" && text_of(e.data, "step") == "acknowledge") {
          in_time = false;
          break;
        }
      }
      n["response_rate"] += in_time.value_or(false);
      d["response_rate"] += in_time.has_value();
    }
    if (const Entry* visit = s->last("record_follow_up")) {
      const std::string satisfaction = text_of(visit->data, "satisfaction");
      const std::string outcome = text_of(visit->data, "outcome");
      const bool resolved =
          outcome.empty() ? satisfaction != "dissatisfied" : outcome == "resolved";
      n["visited"] += 1;
      n["resolution_rate"] += resolved;
      d["resolution_rate"] += 1;
      n["satisfaction_rate"] += satisfaction != "dissatisfied";
      d["satisfaction_rate"] += 1;
      n["dissatisfied"] += satisfaction == "dissatisfied";
    }
    const bool mediated = dispute && s->has("start_mediation");
    n["mediated"] += mediated;
    n["mediation_success_rate"] += mediated && s->has("reach_agreement");
    n["mediation_succeeded"] += mediated && s->has("reach_agreement");
    // The parties named at registration: the register entry's count by role.
    if (dispute && !s->history.empty()) {
      const json::value* parties = s->history.front().data.if_contains("parties");
      REQUIRE(parties != nullptr);
      for (const auto& role : parties->as_object())
        n["parties_involved"] += role.value().as_int64();
    }
    if (const Entry* latest = dispute ? s->last("reach_agreement") : nullptr) {
      n["agreements_written"] += text_of(latest->data, "form") == "written";
      n["agreements_oral"] += text_of(latest->data, "form") == "oral";
      if (const json::value* amount = latest->data.if_contains("amount")) {
        n["amount_agreed"] += amount->as_int64();
      }
    }
    d["mediation_success_rate"] += mediated;
    // A dissatisfied 回访 sends the case back to work (重办 / 重新调解) or, after
    // the dispute's rework rounds, escalates it and ends mediation as failed.
    std::int64_t reworks = 0, rework_escalations = 0;
    bool refused_consent = false;
    for (const Entry& e : s->history) {
      if (e.event == "record_follow_up") {
        reworks += e.to_state == "in_progress" || e.to_state == "mediating";
        rework_escalations += e.to_state == "mediation_failed";
      }
      refused_consent |= e.event == "record_consent" && text_of(e.data, "consent") == "refuse";
    }
    n["refused_or_failed"] +=
        dispute && (s->has("decline") || s->has("withdraw") || s->has("fail_mediation") ||
                    refused_consent || rework_escalations > 0);
    if (const Entry* agreement = s->last("reach_agreement")) {
      // The latest performance record counts: confirm_performance, or a
      // record_performance (Art. 31 check) whose outcome is performed.
      const Entry* check = s->last({"confirm_performance", "record_performance"});
      const bool performed = check != nullptr && (check->event == "confirm_performance" ||
                                                  text_of(check->data, "outcome") == "performed");
      const bool due = performed || text_of(agreement->data, "performance_due") <= today;
      n["agreements_due"] += due;
      n["performance_rate"] += due && performed;
      d["performance_rate"] += due;
    }
    n["judicial_applied"] += s->has("apply_judicial_confirmation");
    const Entry* ruling = s->last("record_judicial_confirmation");
    n["judicial_confirmed"] += ruling != nullptr && text_of(ruling->data, "outcome") == "confirmed";
    const auto span = [&](const char* figure, const Entry* until) {
      if (until == nullptr) return;
      const double h = static_cast<double>(until->at - s->created_at) / kHour;
      hours[std::string(figure) + "_median"].push_back(h);
      hours[std::string(figure) + "_p90"].push_back(h);
    };
    span("hours_to_dispatch", s->first({"dispatch", "assign"}));
    span("hours_to_first_handling", s->first({"acknowledge", "start_mediation"}));
    const Entry* closing = nullptr;
    for (const Entry& e : s->history) {
      if (e.to_state == "closed" || e.to_state == "rejected") closing = &e;
    }
    span("hours_to_closure", s->closed() ? closing : nullptr);
    n["returns"] += s->count("return_dispatch") + s->count("return_assignment");
    n["arbitrations"] += arbitrations_of(*s);
    n["extensions_requested"] += s->count("request_extension");
    n["extensions_approved"] += s->count("approve_extension");
    n["escalations"] += s->count("escalated") + rework_escalations;
    n["reworks"] += reworks;
  }
  std::map<std::string, Expected> out;
  for (const auto& [id, num] : n) {
    if (d.count(id) != 0) {
      const std::int64_t den = d[id];
      out[id] = {den > 0 ? std::optional<double>(static_cast<double>(num) / den) : std::nullopt,
                 num, den};
    } else {
      out[id] = {static_cast<double>(num), num, std::nullopt};
    }
  }
  for (const char* span : {"hours_to_dispatch", "hours_to_first_handling", "hours_to_closure"}) {
    for (const auto& [suffix, p] : {std::pair{"_median", 0.5}, std::pair{"_p90", 0.9}}) {
      const std::string id = std::string(span) + suffix;
      std::vector<double>& v = hours[id];
      out[id] = {nearest_rank(v, p), std::nullopt, static_cast<std::int64_t>(v.size())};
    }
  }
  return out;
}

std::optional<std::int64_t> int_or_null(const json::value& v) {
  return v.is_null() ? std::nullopt : std::optional<std::int64_t>(v.to_number<std::int64_t>());
}

void check_figures(const json::object& figures, const std::map<std::string, Expected>& expected,
                   const std::string& where) {
  CHECK_MESSAGE(figures.size() == expected.size(), where);
  for (const auto& [id, e] : expected) {
    INFO(where, " figure ", id);
    REQUIRE(figures.contains(id));
    const json::object& f = figures.at(id).as_object();
    CHECK(int_or_null(f.at("numerator")) == e.numerator);
    CHECK(int_or_null(f.at("denominator")) == e.denominator);
    REQUIRE(f.at("value").is_null() == !e.value.has_value());
    if (e.value)
      CHECK(f.at("value").to_number<double>() == doctest::Approx(*e.value).epsilon(1e-9));
  }
}

// Today's date in Asia/Shanghai for an instant.
std::string shanghai_date(Millis at) {
  using namespace std::chrono;
  const year_month_day ymd{floor<days>(sys_time<milliseconds>(milliseconds(at + 8 * kHour)))};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string period_query(const std::string& group_by) {
  const Millis now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  std::string q = "/api/v1/reports/kpis?from=" + shanghai_date(now - 24 * kHour) +
                  "&to=" + shanghai_date(now + 24 * kHour);
  if (!group_by.empty()) q += "&group_by=" + group_by;
  return q;
}

// Builds the known set of cases; returns the deadlines noted before each 签收.
struct KnownCases {
  AckDeadlines ack_deadlines;
};

KnownCases build_cases(TestServer& t) {
  KnownCases k;
  HttpClient supervisor = t.client_as("sup-1", "supervisor");
  const auto id_text = [](std::int64_t id) { return std::to_string(id); };
  const auto acknowledge = [&](std::int64_t id) {
    k.ack_deadlines[id] =
        t.db.query_int("SELECT coalesce(deadline, 0) FROM cases WHERE id = " + id_text(id));
    t.step(id, "acknowledge");
  };
  const json::object dispatch_urban{{"department", "urban"}, {"assignee", "urban-01"}};

  // A request handled in time, extended once, visited satisfied: closed.
  const auto r1 = t.create_case(request_body());
  t.step(r1, "dispatch", dispatch_urban);
  acknowledge(r1);
  t.step(r1, "start_work");
  t.step(r1, "request_extension", {{"days", 2}, {"reason", "parts on order"}});
  t.step(r1, "approve_extension");
  t.step(r1, "resolve", {{"resolution", "lamps replaced"}});
  t.step(r1, "record_follow_up", {{"satisfaction", "satisfied"}, {"note", "ok"}});

  // Returned once, signed for late, visited dissatisfied (rework).
  const auto r2 = t.create_case(request_body());
  t.step(r2, "dispatch", {{"department", "police"}});
  t.step(r2, "return_dispatch", {{"reason", "not ours"}});
  t.step(r2, "dispatch", dispatch_urban);
  t.db.exec("UPDATE cases SET deadline = 1000 WHERE id = " + id_text(r2));
  acknowledge(r2);
  t.step(r2, "start_work");
  t.step(r2, "resolve", {{"resolution", "done"}});
  t.step(r2, "record_follow_up", {{"satisfaction", "dissatisfied"}, {"note", "still dark"}});

  // Dispatched, never signed for: overdue now, breached and escalated (督办).
  const auto r3 = t.create_case(request_body());
  t.step(r3, "dispatch", dispatch_urban);
  t.db.exec("UPDATE cases SET deadline = 1000 WHERE id = " + id_text(r3));
  t.db.exec("UPDATE timers SET due_at = 0 WHERE state = 'pending' AND case_id = " + id_text(r3));

  // Rejected at once.
  const auto r4 = t.create_case(request_body());
  t.step(r4, "reject", {{"reason", "duplicate call"}});

  // Another department: extension denied, visited basically satisfied but not resolved.
  const auto r5 = t.create_case(request_body("public_order"));
  t.step(r5, "dispatch", {{"department", "police"}, {"assignee", "police-01"}});
  acknowledge(r5);
  t.step(r5, "start_work");
  t.step(r5, "request_extension", {{"days", 1}, {"reason", "waiting"}});
  t.step(r5, "deny_extension");
  t.step(r5, "resolve", {{"resolution", "patrols added"}});
  t.step(
      r5, "record_follow_up",
      {{"satisfaction", "basically_satisfied"}, {"note", "better"}, {"outcome", "not_resolved"}});

  // A dispute mediated to an agreement, performed, visited dissatisfied and
  // mediated again (重新调解), judicially confirmed, visited, closed.
  const auto d1 = mediating_case(t);
  consent_all(t, d1);
  t.step(d1, "reach_agreement", agreement("2020-01-31", "oral", "repair"));
  t.step(d1, "confirm_performance");
  t.step(d1, "record_follow_up", {{"satisfaction", "dissatisfied"}, {"note", "still leaking"}});
  t.step(d1, "reach_agreement", agreement("2020-01-31", "oral", "repair"));
  t.step(d1, "apply_judicial_confirmation", {{"court", "西山坪人民法庭"}});
  t.step(d1, "record_judicial_confirmation",
         {{"outcome", "confirmed"}, {"reference", "(2026)1号"}});
  t.step(d1, "confirm_performance");
  t.step(d1, "record_follow_up", {{"satisfaction", "satisfied"}, {"note", "repaired"}});
  t.step(d1, "close");

  // Mediation failed.
  const auto d2 = mediating_case(t);
  t.step(d2, "fail_mediation", {{"reason", "no agreement"}, {"route", "court"}});

  // Declined (不予受理).
  const auto d3 = t.create_case();
  t.step(d3, "decline", {{"reason", "not civil"}, {"route", "12345"}});

  // An agreement not yet due, applied for judicial confirmation.
  const auto d4 = mediating_case(t);
  consent_all(t, d4);
  json::object paid = agreement("2099-12-31", "oral", "pay");
  paid["amount"] = 3000;  // yuan: the statistics' 协议金额
  t.step(d4, "reach_agreement", paid);
  t.step(d4, "apply_judicial_confirmation", {{"court", "西山坪人民法庭"}});

  // A party refused mediation (Art. 17): closed.
  const auto d6 = t.create_case();
  t.step(d6, "record_consent", {{"party", 1}, {"consent", "refuse"}, {"form", "oral"}});

  // Performance checks (Art. 31): one found not performed, one performed, one
  // confirmed and later found only partly performed.
  const auto d7 = mediating_case(t);
  consent_all(t, d7);
  t.step(d7, "reach_agreement", agreement("2020-02-01", "oral", "pay"));
  t.step(d7, "record_performance", {{"outcome", "not_performed"}, {"note", "not paid"}});
  const auto d8 = mediating_case(t);
  consent_all(t, d8);
  t.step(d8, "reach_agreement", agreement("2020-02-01", "oral", "pay"));
  t.step(d8, "record_performance", {{"outcome", "performed"}, {"note", "paid"}});
  const auto d9 = mediating_case(t);
  consent_all(t, d9);
  t.step(d9, "reach_agreement", agreement("2020-02-01", "oral", "pay"));
  t.step(d9, "confirm_performance");
  t.step(d9, "record_performance", {{"outcome", "partly"}, {"note", "half paid"}});

  // Returned twice: flagged for arbitration (派单异议), assigned by a supervisor.
  const auto d5 = t.create_case();
  t.step(d5, "accept");
  const json::object assign{{"department", "legal"}, {"assignees", {"legal-02"}}};
  t.step(d5, "assign", assign);
  t.step(d5, "return_assignment", {{"reason", "conflict of interest"}});
  t.step(d5, "assign", assign);
  t.step(d5, "return_assignment", {{"reason", "again"}});
  json::object body = assign;
  body["event"] = "assign";
  auto r = supervisor.post_json("/api/v1/cases/" + id_text(d5) + "/events", body);
  REQUIRE_MESSAGE(r.status == 200, r.body);

  // The timers of r3 fire: wait for the escalation.
  for (int i = 0; i < 200; ++i) {
    if (t.db.query_int("SELECT count(*) FROM history WHERE event = 'escalated' AND case_id = " +
                       id_text(r3)) > 0) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(t.db.query_int("SELECT count(*) FROM history WHERE event = 'escalated'") == 1);
  return k;
}

json::object get_report(HttpClient& client, const std::string& target) {
  auto r = client.get(target);
  REQUIRE_MESSAGE(r.status == 200, r.body);
  return r.json().as_object();
}

}  // namespace

TEST_SUITE("http_reports") {
  TEST_CASE("every figure matches what the stored rows say, in total and per department") {
    TestServer t(report_env());
    const KnownCases known = build_cases(t);
    const json::object report = get_report(t.client, period_query("department"));
    const Millis now = epoch_millis(text(report.at("as_of")));
    const std::string today = shanghai_date(now);
    const std::vector<Stored> cases = stored_cases(t);
    REQUIRE(cases.size() == 14);

    std::vector<const Stored*> all;
    std::map<std::string, std::vector<const Stored*>> by_department;
    for (const Stored& s : cases) {
      all.push_back(&s);
      by_department[s.department].push_back(&s);
    }
    const auto totals = expected_figures(all, now, today, known.ack_deadlines);
    // The set is built so that no figure is trivially zero.
    for (const char* id :
         {"overdue_now", "escalations", "arbitrations", "returns", "judicial_confirmed",
          "extensions_approved", "dissatisfied", "reworks"}) {
      CHECK_MESSAGE(totals.at(id).numerator.value_or(0) > 0, id);
    }
    check_figures(report.at("totals").at("figures").as_object(), totals, "totals");

    const json::array& groups = report.at("groups").as_array();
    CHECK(groups.size() == by_department.size());
    for (const json::value& g : groups) {
      const std::string department = text(g.at("key").at("department"));
      REQUIRE(by_department.count(department) == 1);
      check_figures(g.at("figures").as_object(),
                    expected_figures(by_department[department], now, today, known.ack_deadlines),
                    "department " + department);
    }

    // By month and quarter of receipt (computed in SQL): one group, the totals.
    const json::object by_time = get_report(t.client, period_query("month,quarter"));
    REQUIRE(by_time.at("groups").as_array().size() == 1);
    const json::object& only = by_time.at("groups").as_array()[0].as_object();
    const std::string month = today.substr(0, 7);
    const int quarter = (std::stoi(today.substr(5, 2)) + 2) / 3;
    CHECK(text(only.at("key").at("month")) == month);
    CHECK(text(only.at("key").at("quarter")) ==
          today.substr(0, 4) + "-Q" + std::to_string(quarter));
    check_figures(
        only.at("figures").as_object(),
        expected_figures(all, epoch_millis(text(by_time.at("as_of"))), today, known.ack_deadlines),
        "month");

    // By staff: a case counts for each of its people, once in the totals.
    const json::object by_staff = get_report(t.client, period_query("staff"));
    std::vector<const Stored*> wang;
    for (const Stored& s : cases) {
      if (t.db.query_text("SELECT assignees FROM cases WHERE id = " + std::to_string(s.id))
              .find("\"urban-01\"") != std::string::npos) {
        wang.push_back(&s);
      }
    }
    bool found = false;
    for (const json::value& g : by_staff.at("groups").as_array()) {
      if (text(g.at("key").at("staff")) != "urban-01") continue;
      found = true;
      check_figures(g.at("figures").as_object(),
                    expected_figures(wang, epoch_millis(text(by_staff.at("as_of"))), today,
                                     known.ack_deadlines),
                    "staff urban-01");
    }
    CHECK(found);
    CHECK(by_staff.at("totals").at("figures").at("received").at("numerator") ==
          static_cast<std::int64_t>(cases.size()));

    // The definitions name every figure the report carries, with a zh-CN name.
    auto defs = t.client.get("/api/v1/reports/definitions");
    REQUIRE(defs.status == 200);
    std::set<std::string> defined;
    const json::value definitions = defs.json();
    for (const json::value& d : definitions.at("items").as_array()) {
      defined.insert(text(d.at("id")));
      CHECK_FALSE(text(d.at("name_zh")).empty());
      CHECK_FALSE(text(d.at("numerator")).empty());
    }
    std::set<std::string> reported;
    for (const auto& kv : report.at("totals").at("figures").as_object()) {
      reported.insert(std::string(kv.key()));
    }
    CHECK(defined == reported);
  }

  TEST_CASE("a department head's figures count their department only; other roles get 403") {
    TestServer t(report_env());
    const KnownCases known = build_cases(t);
    HttpClient head = t.client_as("head-urban", "department_head", "urban");
    const json::object report = get_report(head, period_query("department,community"));
    const Millis now = epoch_millis(text(report.at("as_of")));
    std::vector<Stored> cases = stored_cases(t);
    std::vector<const Stored*> urban;
    for (const Stored& s : cases) {
      if (s.department == "urban") urban.push_back(&s);
    }
    REQUIRE(urban.size() < cases.size());
    REQUIRE_FALSE(urban.empty());
    for (const json::value& g : report.at("groups").as_array()) {
      CHECK(text(g.at("key").at("department")) == "urban");
    }
    check_figures(report.at("totals").at("figures").as_object(),
                  expected_figures(urban, now, shanghai_date(now), known.ack_deadlines),
                  "department head");

    for (const auto& [user, role] : {std::pair{"handler-1", "handler"}, {"desk-1", "desk"}}) {
      HttpClient other = t.client_as(user, role, "urban");
      auto r = other.get(period_query(""));
      CHECK_MESSAGE(r.status == 403, role, ": ", r.body);
    }
  }

  TEST_CASE("bad report parameters are 422 naming the parameter") {
    TestServer t;
    const auto refused = [&](const std::string& query, const std::string& field) {
      auto r = t.client.get("/api/v1/reports/kpis?" + query);
      INFO(query, " -> ", r.body);
      REQUIRE(r.status == 422);
      CHECK(r.header("content-type").find("application/problem+json") != std::string::npos);
      std::set<std::string> fields;
      const json::value problem = r.json();
      for (const auto& e : problem.at("errors").as_array()) fields.insert(text(e.at("field")));
      CHECK(fields == std::set<std::string>{field});
    };
    refused("from=2026-07-01&to=2026-09-30&group_by=street", "group_by");
    refused("from=2026-07-01&to=2026-09-30&group_by=community,colour", "group_by");
    refused("from=2026-09-30&to=2026-07-01", "to");
    refused("from=2024-07-01&to=2026-07-01", "to");
    refused("from=2026-13-01&to=2026-12-31", "from");
    refused("from=2026-07-01", "to");
    refused("from=2026-07-01&to=2026-9-30", "to");
    refused("from=2026-07-01&to=2026-09-30&kind=dispute", "kind");
    auto longest = t.client.get("/api/v1/reports/kpis?from=2024-07-01&to=2026-06-30");
    CHECK_MESSAGE(longest.status == 200, longest.body);
    CHECK(t.db.query_int("SELECT count(*) FROM cases") == 0);
  }
}
