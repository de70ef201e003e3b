#include "adapters/http/handler_support.hpp"

#include <charconv>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "engine/cases/annotations.hpp"

namespace outpost::http {
namespace json = boost::json;

HttpResponse json_response(int status, const json::value& body) {
  return HttpResponse{status, "application/json", {}, json::serialize(body)};
}

std::optional<std::int64_t> parse_int(std::string_view s) {
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

bool read_paging(std::string_view name, std::string_view value, Paging& paging, Error& err) {
  if (name != "limit" && name != "cursor") return false;
  const auto n = parse_int(value);
  if (name == "limit") {
    if (!n || *n < 1 || *n > kMaxPageSize) {
      err.fields.push_back({std::string(name), "must be 1 to 500"});
    } else {
      paging.limit = static_cast<int>(*n);
    }
  } else if (!n || *n <= 0) {
    err.fields.push_back({std::string(name), "is not a cursor from next_cursor"});
  } else {
    paging.cursor = *n;
  }
  return true;
}

namespace {

// Whether a string or key anywhere in `v` holds U+0000: PostgreSQL's text
// cannot store it, so a document with one is refused before it reaches a
// store on either backend. Iterative, so depth costs no stack.
bool holds_nul(const json::value& root) {
  const auto has_nul = [](json::string_view s) { return s.find('\0') != json::string_view::npos; };
  std::vector<const json::value*> pending{&root};
  while (!pending.empty()) {
    const json::value* v = pending.back();
    pending.pop_back();
    if (v->is_string() && has_nul(v->get_string())) return true;
    if (v->is_array()) {
      for (const auto& item : v->get_array()) pending.push_back(&item);
    } else if (v->is_object()) {
      for (const auto& [key, item] : v->get_object()) {
        if (has_nul(key)) return true;
        pending.push_back(&item);
      }
    }
  }
  return false;
}

}  // namespace

HttpResult<json::value> parse_json_body(const HttpRequest& req) {
  const auto type = req.header("content-type");
  if (!type || media_type_essence(*type) != "application/json") {
    return HttpProblem(HttpRefusal::unsupported_media_type, "send Content-Type: application/json");
  }
  boost::system::error_code ec;
  json::value v = json::parse(req.body, ec);
  if (ec)
    return HttpProblem(HttpRefusal::malformed_request,
                       "the body is not valid JSON: " + ec.message());
  // JSON spells U+0000 only as the escape \u0000 (a raw NUL is invalid), so
  // a body without that text needs no walk.
  if (req.body.find("\\u0000") != std::string::npos && holds_nul(v)) {
    return HttpProblem(HttpRefusal::malformed_request, "the body holds a U+0000 character");
  }
  return v;
}

bool same_caller(const Actor& a, const Actor& b) {
  return a.user_id == b.user_id && a.username == b.username && a.role == b.role &&
         a.department == b.department && a.grid == b.grid;
}

Result<CaseId> case_id_of(const PathParams& params) {
  auto id = parse_int(params.get("id"));
  if (!id || *id <= 0) return Error::make(ErrorKind::not_found, "no case with this id");
  return *id;
}

}  // namespace outpost::http
