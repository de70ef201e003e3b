#include "engine/reports/report_store.hpp"

#include "engine/access/permissions.hpp"

namespace outpost {

Result<KpiResult> ReportService::kpis(const Actor& actor, const KpiQuery& query) const {
  Result<ReportScope> scope = permissions_.report_scope(actor);
  if (!scope) return scope.error();
  const ReportScan scan = scan_of(query, scope.value(), calendar_, clock_.now());
  KpiReport report(query, calendar_);
  const auto add = [&](const ReportClass& c) { report.add_class(c); };
  const auto add_total = [&](const ReportClass& c) { report.add_total_class(c); };
  Status done = store_.scan_report_classes(scan, add);
  if (done && !scan.keys.empty()) {
    ReportScan totals = scan;
    totals.keys.clear();
    done = store_.scan_report_classes(totals, add_total);
  }
  if (done) done = store_.scan_report_spans(scan, [&](const ReportSpan& s) { report.add_span(s); });
  if (!done) return done.error();
  KpiResult result = report.finish();
  result.as_of = scan.now;
  return result;
}

}  // namespace outpost
