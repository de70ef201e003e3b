// The figures' arithmetic with plain values: the nearest-rank percentile,
// working hours on the working-day calendar, the report query's rules, the
// grouping and the totals, and that docs/REPORTS.md names every figure.
#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "engine/reports/kpi.hpp"

namespace {

using namespace outpost;

constexpr Millis kHour = kHourMs;

// 09:00–12:00 and 14:00–18:00, Monday to Friday, 国庆节 2026-10-01..07 off.
WorkingCalendar office_calendar() {
  CalendarRules rules;
  rules.working_hours = {{9 * kHour, 12 * kHour}, {14 * kHour, 18 * kHour}};
  rules.weekend = {false, false, false, false, false, true, true};
  rules.holidays = {{{2026, 10, 1}, {2026, 10, 7}, "国庆节"}};
  return WorkingCalendar(rules);
}

std::vector<std::string> field_names(const Error& e) {
  std::vector<std::string> names;
  for (const FieldError& f : e.fields) names.push_back(f.field);
  return names;
}

const FigureValue& figure(const KpiGroup& g, std::string_view id) {
  const auto defs = kpi_definitions();
  for (std::size_t i = 0; i < defs.size(); ++i) {
    if (defs[i].id == id) return g.figures.at(i);
  }
  FAIL("no figure " << id);
  return g.figures.front();
}

}  // namespace

TEST_SUITE("reports_kpi") {
  TEST_CASE("nearest-rank percentile: the ceil(p*n)-th smallest value") {
    std::vector<double> none;
    CHECK_FALSE(nearest_rank(none, 0.5).has_value());
    std::vector<double> one{7};
    CHECK(nearest_rank(one, 0.5) == 7);
    CHECK(nearest_rank(one, 0.9) == 7);
    std::vector<double> four{4, 1, 3, 2};
    CHECK(nearest_rank(four, 0.5) == 2);  // the lower middle of an even count
    CHECK(nearest_rank(four, 0.9) == 4);
    std::vector<double> ten{10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    CHECK(nearest_rank(ten, 0.5) == 5);
    CHECK(nearest_rank(ten, 0.9) == 9);  // ceil(9.0) = 9, not 10
    std::vector<double> five{5, 1, 4, 2, 3};
    CHECK(nearest_rank(five, 0.5) == 3);
    CHECK(nearest_rank(five, 0.9) == 5);
  }

  TEST_CASE("working hours count only the working periods of working days") {
    const WorkingCalendar cal = office_calendar();
    const auto at = [&](LocalDate d, int h, int m = 0) { return cal.local_time(d, h, m); };
    // Mon 16:00 → Tue 10:00: 16–18 and 09–10.
    CHECK(working_hours_between(cal, at({2026, 11, 23}, 16), at({2026, 11, 24}, 10)) == 3.0);
    // Across the lunch break: 11:00 → 15:00 is 1 + 1.
    CHECK(working_hours_between(cal, at({2026, 11, 24}, 11), at({2026, 11, 24}, 15)) == 2.0);
    // Fri 17:30 → Mon 09:30 over the weekend.
    CHECK(working_hours_between(cal, at({2026, 11, 27}, 17, 30), at({2026, 11, 30}, 9, 30)) == 1.0);
    // Wed 2026-09-30 17:00 → Thu 2026-10-08 10:00 over 国庆节.
    CHECK(working_hours_between(cal, at({2026, 9, 30}, 17), at({2026, 10, 8}, 10)) == 2.0);
    // Received at night, handled the next morning; an end before the start is 0.
    CHECK(working_hours_between(cal, at({2026, 11, 23}, 22), at({2026, 11, 24}, 9, 45)) == 0.75);
    CHECK(working_hours_between(cal, at({2026, 11, 24}, 10), at({2026, 11, 23}, 10)) == 0.0);
  }

  TEST_CASE("a report query: dates, period and groups, each problem naming its parameter") {
    auto ok = make_kpi_query("2026-07-01", "2026-09-30", {"community", "month", "community"});
    REQUIRE(ok);
    CHECK(ok.value().from == LocalDate{2026, 7, 1});
    CHECK(ok.value().group_by == std::vector{ReportGroup::community, ReportGroup::month});
    CHECK(make_kpi_query("2024-07-01", "2026-06-30", {}));  // two years exactly
    CHECK(make_kpi_query("2026-07-01", "2026-07-01", {}));  // one day

    const auto problem = [](std::string_view from, std::string_view to,
                            std::vector<std::string> groups) {
      auto q = make_kpi_query(from, to, groups);
      REQUIRE_FALSE(q);
      CHECK(q.error().kind == ErrorKind::invalid);
      return field_names(q.error());
    };
    using V = std::vector<std::string>;
    CHECK(problem("2026-09-30", "2026-07-01", {}) == V{"to"});
    CHECK(problem("2024-07-01", "2026-07-01", {}) == V{"to"});
    CHECK(problem("2026-02-30", "2026-03-01", {}) == V{"from"});
    CHECK(problem("", "2026-03-01", {}) == V{"from"});
    CHECK(problem("2026-01-01", "26-03-01", {}) == V{"to"});
    CHECK(problem("2026-01-01", "2026-03-01", {"street"}) == V{"group_by"});
  }

  TEST_CASE("the cohort is the local days of the period, both ends included") {
    const WorkingCalendar cal = office_calendar();
    auto q = make_kpi_query("2026-07-01", "2026-09-30", {"staff", "quarter", "month"});
    REQUIRE(q);
    const Millis now = cal.local_time({2026, 12, 1}, 0, 30);
    const ReportScan scan = scan_of(q.value(), ReportScope{}, cal, now);
    CHECK(scan.created_from == cal.local_time({2026, 7, 1}, 0, 0));
    CHECK(scan.created_to == cal.local_time({2026, 10, 1}, 0, 0));
    CHECK(scan.today == "2026-12-01");  // local, though still 11-30 in UTC
    CHECK(scan.keys == std::vector{ReportGroup::staff, ReportGroup::month});
  }

  TEST_CASE("classes count weight times, amounts as summed, quarters merge months") {
    const WorkingCalendar cal = office_calendar();
    auto q = make_kpi_query("2026-06-01", "2026-12-31", {"quarter"});
    REQUIRE(q);
    KpiReport report(q.value(), cal);

    ReportClass a;  // 3 requests received in June, signed for in time, returned 4 times in all
    a.keys.month = "2026-06";
    a.kind = CaseKind::request;
    a.weight = 3;
    a.returns = 4;
    a.milestones.acknowledged_in_time = true;
    report.add_class(a);
    ReportClass july;  // 2 mediated disputes in July, overdue
    july.keys.month = "2026-07";
    july.weight = 2;
    july.overdue = true;
    july.milestones.mediated = true;
    report.add_class(july);
    ReportClass august = july;  // 1 in August with an agreement, due
    august.keys.month = "2026-08";
    august.weight = 1;
    august.performance_due = true;
    august.milestones.agreement = true;
    report.add_class(august);
    for (const ReportClass* c : {&a, &july, &august}) report.add_total_class(*c);

    // Received Tue 2026-06-30 23:30, dispatched 07-01 10:00: 1 working hour.
    ReportSpan s;
    s.id = 1;
    s.keys.month = "2026-06";
    s.created_at = cal.local_time({2026, 6, 30}, 23, 30);
    s.dispatched_at = cal.local_time({2026, 7, 1}, 10, 0);
    report.add_span(s);
    // 09:00 → 15:00 the same day: 3 + 1 working hours.
    s.id = 2;
    s.keys.month = "2026-07";
    s.created_at = cal.local_time({2026, 7, 2}, 9, 0);
    s.dispatched_at = cal.local_time({2026, 7, 2}, 15, 0);
    report.add_span(s);

    KpiResult r = report.finish();
    REQUIRE(r.groups.size() == 2);
    CHECK(r.groups[0].key ==
          std::vector<std::pair<std::string, std::string>>{{"quarter", "2026-Q2"}});
    CHECK(r.groups[1].key[0].second == "2026-Q3");
    CHECK(figure(r.groups[0], "received").numerator == 3);
    CHECK(figure(r.groups[0], "returns").numerator == 4);  // summed, not 3 × 4
    CHECK(figure(r.groups[0], "response_rate").value == 1.0);
    CHECK(figure(r.groups[1], "received").numerator == 3);
    CHECK(figure(r.groups[1], "overdue_now").numerator == 3);
    CHECK(figure(r.groups[1], "mediation_success_rate").numerator == 1);
    CHECK(figure(r.groups[1], "mediation_success_rate").denominator == 3);
    CHECK(figure(r.groups[1], "agreements_due").numerator == 1);
    CHECK(figure(r.groups[1], "performance_rate").value == 0.0);
    CHECK_FALSE(figure(r.totals, "resolution_rate").value.has_value());  // nobody visited
    CHECK(figure(r.totals, "received").numerator == 6);
    CHECK(figure(r.totals, "hours_to_dispatch_median").value == 1.0);
    CHECK(figure(r.totals, "hours_to_dispatch_p90").value == 4.0);
    CHECK(figure(r.totals, "hours_to_dispatch_p90").denominator == 2);
  }

  TEST_CASE("a case of several staff is in each staff group and once in the totals") {
    const WorkingCalendar cal = office_calendar();
    auto q = make_kpi_query("2026-06-01", "2026-12-31", {"staff"});
    REQUIRE(q);
    KpiReport report(q.value(), cal);
    ReportSpan s;
    s.id = 7;
    s.created_at = cal.local_time({2026, 7, 1}, 9, 0);
    s.closed_at = cal.local_time({2026, 7, 1}, 11, 0);
    for (const char* staff : {"li", "wang"}) {
      s.keys.staff = staff;
      report.add_span(s);
    }
    KpiResult r = report.finish();
    REQUIRE(r.groups.size() == 2);
    CHECK(figure(r.groups[0], "hours_to_closure_median").denominator == 1);
    CHECK(figure(r.groups[1], "hours_to_closure_median").value == 2.0);
    CHECK(figure(r.totals, "hours_to_closure_median").denominator == 1);
  }

  TEST_CASE("every figure is defined once, with names, and docs/REPORTS.md names it") {
    std::ifstream doc(std::string(OUTPOST_SOURCE_DIR) + "/docs/REPORTS.md");
    REQUIRE(doc);
    std::stringstream text;
    text << doc.rdbuf();
    std::set<std::string_view> ids;
    for (const FigureDefinition& d : kpi_definitions()) {
      INFO(d.id);
      CHECK(ids.insert(d.id).second);
      CHECK_FALSE(d.name_zh.empty());
      CHECK_FALSE(d.name_en.empty());
      CHECK_FALSE(d.numerator.empty());
      CHECK(d.denominator.empty() == (d.unit == FigureUnit::count));
      CHECK(text.str().find("| `" + std::string(d.id) + "` | " + std::string(d.name_zh)) !=
            std::string::npos);
    }
  }
}
