#include "adapters/http/idempotency.hpp"

#include <boost/json/parse.hpp>

#include "adapters/http/handler_support.hpp"

namespace outpost::http {
namespace json = boost::json;

Result<std::optional<std::int64_t>> if_match_of(const HttpRequest& req) {
  auto h = req.header("if-match");
  if (!h || *h == "*") return std::optional<std::int64_t>{};
  std::string_view v = *h;
  if (v.substr(0, 2) == "W/") v.remove_prefix(2);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  auto version = parse_int(v);
  if (!version) return Error::make(ErrorKind::malformed, "If-Match must be an ETag such as \"3\"");
  return std::optional<std::int64_t>{*version};
}

HttpResponse versioned_response(int status, std::int64_t id, std::int64_t version, std::string body,
                                std::string_view location_prefix) {
  HttpResponse res{status, "application/json", {}, std::move(body)};
  res.with_header("ETag", "\"" + std::to_string(version) + "\"");
  if (status == 201) res.with_header("Location", std::string(location_prefix) + std::to_string(id));
  return res;
}

std::string encode_answer(int status, std::string_view body) {
  return std::to_string(status) + "\n" + std::string(body);
}

std::optional<std::pair<int, std::string>> decode_answer(std::string_view answer) {
  const std::size_t lf = answer.find('\n');
  if (lf == std::string_view::npos) return std::nullopt;
  auto status = parse_int(answer.substr(0, lf));
  if (!status) return std::nullopt;
  return std::pair{static_cast<int>(*status), std::string(answer.substr(lf + 1))};
}

HttpResponse replayed_response(int status, std::string body, std::string_view location_prefix) {
  boost::system::error_code ec;
  const json::value parsed = json::parse(body, ec);
  const json::object* o = ec ? nullptr : parsed.if_object();
  if (!o || !o->contains("version") || !o->contains("id")) {
    return HttpResponse{status, "application/json", {}, std::move(body)};
  }
  return versioned_response(status, o->at("id").to_number<std::int64_t>(),
                            o->at("version").to_number<std::int64_t>(), std::move(body),
                            location_prefix);
}

}  // namespace outpost::http
