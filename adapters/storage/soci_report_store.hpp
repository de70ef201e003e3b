// File: adapters/storage/soci_report_store.hpp
//
// The reports' port (engine/reports/report_store.hpp) on the shared Database,
// over the cases' kpi_* milestone columns (migration 11), the cohort found by
// the cases_created_at index: the classes in one GROUP BY, the spans streamed
// row by row. The month of receipt is computed in SQL (strftime in SQLite,
// to_char in PostgreSQL) with the calendar's fixed offset. The staff key joins
// case_assignees (people only, not "dept:" entries): one row per case and
// person, a case without one once with staff "".
// Threads and errors: as Database.
#pragma once

#include "adapters/storage/database.hpp"
#include "engine/reports/report_store.hpp"

namespace outpost {

class SociReportStore final : public ReportStore {
 public:
  explicit SociReportStore(Database& db) : db_(db) {}

  Status scan_report_classes(const ReportScan& scan,
                             const std::function<void(const ReportClass&)>& each) override;
  Status scan_report_spans(const ReportScan& scan,
                           const std::function<void(const ReportSpan&)>& each) override;

 private:
  Database& db_;
};

}  // namespace outpost
