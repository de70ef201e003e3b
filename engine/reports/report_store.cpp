#include "engine/reports/report_store.hpp"

#include "engine/access/permissions.hpp"

namespace outpost {

Result<KpiResult> ReportService::kpis(const Actor& actor, const KpiQuery& query) const {
  Result<ReportScope> scope = permissions_.report_scope(actor);
  if (!scope) return scope.error();
  KpiReport report(query, calendar_, clock_.now());
  Status scanned = store_.scan_report_cases(scan_of(query, scope.value(), calendar_),
                                            [&](const ReportCase& c) { report.add(c); });
  if (!scanned) return scanned.error();
  return report.finish();
}

}  // namespace outpost
