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

struct SortName {
  std::string_view name;
  CaseSort sort;
  bool ascending;
};
constexpr std::array kSorts{SortName{"created_at", CaseSort::created_at, true},
                            SortName{"-created_at", CaseSort::created_at, false},
                            SortName{"updated_at", CaseSort::updated_at, true},
                            SortName{"-updated_at", CaseSort::updated_at, false},
                            SortName{"deadline", CaseSort::deadline, true},
                            SortName{"-deadline", CaseSort::deadline, false}};

std::optional<bool> flag_of(std::string_view value) {
  if (value == "true" || value == "false") return value == "true";
  return std::nullopt;
}

// "<id>" for the id order; "<key>_<id>" for a time sort ("none_<id>": no deadline).
bool read_cursor(std::string_view text, CaseFilter& f) {
  if (f.sort != CaseSort::id) {
    const auto sep = text.find('_');
    if (sep == std::string_view::npos) return false;
    const std::string_view key = text.substr(0, sep);
    if (key == "none") {
      if (f.sort != CaseSort::deadline) return false;
    } else {
      const auto k = parse_int(key);
      if (!k) return false;
      f.cursor_key = *k;
    }
    text = text.substr(sep + 1);
  }
  const auto id = parse_int(text);
  if (!id || *id <= 0) return false;
  f.cursor = *id;
  return true;
}

}  // namespace

std::string cursor_text(const CaseFilter& filter, CaseId id, std::optional<Millis> key) {
  if (filter.sort == CaseSort::id) return std::to_string(id);
  return (key ? std::to_string(*key) : std::string("none")) + "_" + std::to_string(id);
}

Result<CaseFilter> case_filter_of(const QueryParams& query, CaseListOptions* list) {
  static constexpr std::array kText{"kind",       "state",    "category", "community", "grid",
                                    "department", "assignee", "q",        "phone"};
  CaseFilter f;
  Paging paging;
  std::optional<std::string> cursor;  // read once the sort is known
  Error err{ErrorKind::invalid, "the query has invalid parameters"};
  for (const auto& [name, value] : query) {
    if (std::find(kText.begin(), kText.end(), name) != kText.end()) {
      text_field(f, name) = value;
    } else if (name == "overdue" || name == "returned" || name == "arbitration") {
      const auto flag = flag_of(value);
      if (!flag)
        err.fields.push_back({name, "must be true or false"});
      else
        (name == "overdue" ? f.overdue : name == "returned" ? f.returned : f.arbitration) = flag;
    } else if (list != nullptr && name == "count") {
      const auto flag = flag_of(value);
      if (!flag)
        err.fields.push_back({name, "must be true or false"});
      else
        list->count = *flag;
    } else if (list != nullptr && name == "sort") {
      const auto* known = std::find_if(kSorts.begin(), kSorts.end(),
                                       [&](const SortName& s) { return s.name == value; });
      if (known == kSorts.end()) {
        err.fields.push_back({name,
                              "must be one of created_at, -created_at, updated_at, -updated_at,"
                              " deadline, -deadline"});
      } else {
        f.sort = known->sort;
        f.oldest_first = known->ascending;
      }
    } else if (name == "cursor") {
      cursor = value;
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
  if (cursor && !read_cursor(*cursor, f)) {
    err.fields.push_back({"cursor", "is not a cursor from next_cursor of this sort"});
  }
  if (!err.fields.empty()) return err;
  f.limit = paging.limit;
  return f;
}

}  // namespace outpost::http
