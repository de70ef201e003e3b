#include "adapters/http/case_query.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>

#include "adapters/http/case_json.hpp"
#include "adapters/http/handler_support.hpp"

namespace outpost::http {

namespace {

std::optional<std::string>& text_field(CaseFilter& f, std::string_view name) {
  if (name == "kind") return f.kind;
  if (name == "state") return f.state;
  if (name == "category") return f.category;
  if (name == "community") return f.community;
  if (name == "grid") return f.grid;
  if (name == "department") return f.department;
  if (name == "assignee") return f.assignee;
  if (name == "phone") return f.phone;  // by the blind index, never in clear
  return f.q;
}

}  // namespace

Result<CaseFilter> case_filter_of(const QueryParams& query) {
  static constexpr std::array kText{"kind",       "state",    "category", "community", "grid",
                                    "department", "assignee", "q",        "phone"};
  CaseFilter f;
  Paging paging;
  Error err{ErrorKind::invalid, "the query has invalid parameters"};
  for (const auto& [name, value] : query) {
    if (std::find(kText.begin(), kText.end(), name) != kText.end()) {
      text_field(f, name) = value;
    } else if (name == "overdue") {
      if (value == "true" || value == "false")
        f.overdue = value == "true";
      else
        err.fields.push_back({name, "must be true or false"});
    } else if (name == "created_from" || name == "created_to") {
      auto t = parse_rfc3339(value);
      if (!t)
        err.fields.push_back({name, "must be an RFC 3339 time such as 2026-01-31T08:00:00Z"});
      else
        (name == "created_from" ? f.created_from : f.created_to) = *t;
    } else if (read_paging(name, value, paging, err)) {
      // limit and cursor
    } else {
      err.fields.push_back({name, "is not a filter of this list"});
    }
  }
  if (!err.fields.empty()) return err;
  f.limit = paging.limit;
  f.cursor = paging.cursor;
  return f;
}

}  // namespace outpost::http
