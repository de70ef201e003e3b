#include "adapters/http/problem.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace outpost::http {
namespace {

struct Kind {
  int status;
  const char* slug;
  const char* title;
};

Kind describe(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::malformed:
      return {400, "bad-request", "Bad request"};
    case ErrorKind::unauthenticated:
      return {401, "unauthenticated", "Authentication required"};
    case ErrorKind::forbidden:
      return {403, "forbidden", "Forbidden"};
    case ErrorKind::not_found:
      return {404, "not-found", "Not found"};
    case ErrorKind::not_allowed_in_state:
      return {409, "event-not-allowed", "Event not allowed in the current state"};
    case ErrorKind::stale_version:
      return {412, "precondition-failed", "The case has changed (If-Match is stale)"};
    case ErrorKind::too_large:
      return {413, "payload-too-large", "Request body too large"};
    case ErrorKind::invalid:
      return {422, "validation", "The request is not valid"};
    case ErrorKind::rate_limited:
      return {429, "rate-limited", "Too many requests"};
    case ErrorKind::unavailable:
      return {503, "unavailable", "Service unavailable"};
    case ErrorKind::version_conflict:
      return {409, "version-conflict", "The case was changed concurrently"};
    case ErrorKind::idempotency_race:
      return {409, "idempotency-in-progress", "A request with this Idempotency-Key is in progress"};
    case ErrorKind::already_exists:
      return {409, "already-exists", "The resource already exists"};
    case ErrorKind::internal:
      break;
  }
  return {500, "internal", "Internal error"};
}

Kind describe(HttpRefusal refusal) {
  switch (refusal) {
    case HttpRefusal::unsupported_media_type:
      return {415, "unsupported-media-type", "Unsupported media type"};
    case HttpRefusal::method_not_allowed:
      return {405, "method-not-allowed", "Method not allowed"};
    case HttpRefusal::payload_too_large:
      return {413, "payload-too-large", "Request body too large"};
    case HttpRefusal::headers_too_large:
      return {431, "headers-too-large", "Request header fields too large"};
    case HttpRefusal::csrf_rejected:
      return {403, "csrf", "Missing or wrong CSRF token"};
    case HttpRefusal::session_expired:
      return {401, "session-expired", "The session has expired"};
    case HttpRefusal::malformed_request:
      break;
  }
  return {400, "bad-request", "Bad request"};
}

boost::json::object problem_body(const Kind& k, const std::string& detail) {
  return {{"type", std::string("/problems/") + k.slug},
          {"title", k.title},
          {"status", k.status},
          {"detail", detail}};
}

}  // namespace

int status_of(ErrorKind kind) {
  return describe(kind).status;
}

HttpResponse problem(const Error& e) {
  const Kind k = describe(e.kind);
  boost::json::object body = problem_body(k, e.message);
  if (!e.fields.empty()) {
    boost::json::array errors;
    for (const auto& f : e.fields) errors.push_back({{"field", f.field}, {"message", f.message}});
    body["errors"] = std::move(errors);
  }
  if (e.kind == ErrorKind::not_allowed_in_state) {
    body["state"] = e.state;
    boost::json::array allowed;
    for (const auto& a : e.allowed_events) allowed.push_back(boost::json::string(a));
    body["allowed_events"] = std::move(allowed);
  }
  HttpResponse res{k.status, "application/problem+json", {}, boost::json::serialize(body)};
  if (e.kind == ErrorKind::unavailable) res.with_header("Retry-After", "5");
  if (e.kind == ErrorKind::unauthenticated) res.with_header("WWW-Authenticate", "Bearer");
  return res;
}

HttpResponse problem(HttpRefusal r, std::string detail) {
  const Kind k = describe(r);
  return {
      k.status, "application/problem+json", {}, boost::json::serialize(problem_body(k, detail))};
}

HttpResponse problem(const HttpProblem& p) {
  if (const Error* e = p.domain()) return problem(*e);
  const auto& r = std::get<HttpProblem::Refusal>(p.v_);
  return problem(r.kind, r.detail);
}

}  // namespace outpost::http
