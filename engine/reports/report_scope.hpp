// File: engine/reports/report_scope.hpp
//
// What a caller's reports may count (Permissions::report_scope decides it,
// engine/reports/kpi.hpp counts within it): every case, or the cases led by
// one department; confidential cases only when `confidential`.
#pragma once

#include <optional>
#include <string>

namespace outpost {

struct ReportScope {
  std::optional<std::string> department;  // nullopt: every department
  bool confidential = true;
};

}  // namespace outpost
