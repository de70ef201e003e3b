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

// What GET /api/v1/cases reads beyond the filters: whether to count
// (count=true|false). Its sort (sort=created_at, -created_at, updated_at,
// -updated_at, deadline, -deadline) goes into the filter.
struct CaseListOptions {
  bool count = false;
};

// kind, state, category, community, grid, department, assignee, q, phone,
// overdue / returned / arbitration (true|false), created_from / created_to
// (RFC 3339), limit, cursor; with `list` also sort and count.
Result<CaseFilter> case_filter_of(const QueryParams& query, CaseListOptions* list = nullptr);

// The next_cursor of a page in `filter`'s order after case `id` with sort key `key`.
std::string cursor_text(const CaseFilter& filter, CaseId id, std::optional<Millis> key);

}  // namespace outpost::http
