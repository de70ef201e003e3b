#include "adapters/http/import_report_json.hpp"

#include <boost/json/array.hpp>

namespace outpost::http {

boost::json::object import_report_json(const ImportReport& report) {
  boost::json::array problems;
  for (const RowProblem& p : report.problems) {
    problems.push_back(boost::json::object{{"row", p.row},
                                           {"column", p.column},
                                           {"field", p.field},
                                           {"code", p.code},
                                           {"reason", p.reason}});
  }
  return boost::json::object{{"dry_run", report.dry_run},
                             {"ledger", report.ledger},
                             {"file_sha256", report.file_sha256},
                             {"rows", report.rows},
                             {"accepted", report.accepted},
                             {"imported", report.imported},
                             {"rejected", static_cast<std::int64_t>(report.problems.size())},
                             {"problems", std::move(problems)}};
}

}  // namespace outpost::http
