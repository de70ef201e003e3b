// File: adapters/http/import_report_json.hpp
//
// An import's report (engine/cases/ledger_import.hpp) as JSON, for the HTTP
// answer and `outpost import`:
// {"dry_run", "ledger", "file_sha256", "rows", "accepted", "imported",
//  "rejected", "problems": [{"row", "column", "field", "code", "reason"}]}.
#pragma once

#include <boost/json/object.hpp>

#include "engine/cases/ledger_import.hpp"

namespace outpost::http {

boost::json::object import_report_json(const ImportReport& report);

}  // namespace outpost::http
