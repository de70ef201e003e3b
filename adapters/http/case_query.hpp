// File: adapters/http/case_query.hpp
//
// The filters of GET /api/v1/cases read from query parameters into a
// CaseFilter, with the list's validation (every bad parameter named in one
// invalid error). The list, the exports and `outpost export` read their
// filters here, so they accept exactly the same ones.
//
//   auto filter = case_filter_of(req.query);  // kind, state, …, limit, cursor
//   if (!filter) return problem(filter.error());
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "engine/cases/case_store.hpp"
#include "engine/core/error.hpp"

namespace outpost::http {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// kind, state, category, community, grid, department, assignee, q, phone,
// overdue (true|false), created_from / created_to (RFC 3339), limit, cursor.
Result<CaseFilter> case_filter_of(const QueryParams& query);

}  // namespace outpost::http
