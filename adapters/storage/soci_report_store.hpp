// File: adapters/storage/soci_report_store.hpp
//
// The reports' port (engine/reports/report_store.hpp) on the shared Database:
// one SELECT over the cohort's cases and their kpi_* milestone columns
// (migration 11), filtered by the cases_created_at index, streamed row by row.
// With per_staff it joins case_assignees (people only, not "dept:" entries),
// one row per case and person, a case without one once with staff "".
// Threads and errors: as Database.
#pragma once

#include "adapters/storage/database.hpp"
#include "engine/reports/report_store.hpp"

namespace outpost {

class SociReportStore final : public ReportStore {
 public:
  explicit SociReportStore(Database& db) : db_(db) {}

  Status scan_report_cases(const ReportScan& scan,
                           const std::function<void(const ReportCase&)>& each) override;

 private:
  Database& db_;
};

}  // namespace outpost
