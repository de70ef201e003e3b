// File: engine/core/error.hpp
//
// The one error type of the domain. Every failure that can reach a user is an
// `Error` value: a kind (which the HTTP adapter maps to a status in exactly one
// place), a human message, and for validation the offending fields. Nothing in
// engine/ or workflows/ throws across its public functions.
//
//   Result<Case> r = service.get(id);
//   if (!r) return problem_response(r.error());
//   use(r.value());
#pragma once

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace outpost {

enum class ErrorKind {
  bad_request,             // malformed input that is not JSON or not the right shape (400)
  unsupported_media_type,  // wrong Content-Type (415)
  unauthenticated,         // no or bad token (401)
  forbidden,               // token valid, role or scope does not allow it (403)
  not_found,               // unknown case or resource (404)
  method_not_allowed,      // known path, wrong method (405)
  not_allowed_in_state,    // event not allowed in the case's current state (409)
  precondition_failed,     // If-Match given and stale (412)
  payload_too_large,       // body over the limit (413)
  invalid,                 // missing field, wrong type, unknown code or event (422)
  rate_limited,            // too many requests (429)
  headers_too_large,       // request header block over the limit (431)
  unavailable,             // database unavailable (503)
  internal,                // a bug or an unexpected failure (500)
  version_conflict,        // store: the case changed since it was read; the service retries
  idempotency_race,        // store: the same Idempotency-Key committed concurrently; replay it
  already_exists,          // a resource with this id or code exists already (409)
};

struct FieldError {
  std::string field;
  std::string message;
};

struct Error {
  Error() = default;
  Error(ErrorKind k, std::string m) : kind(k), message(std::move(m)) {}

  ErrorKind kind = ErrorKind::internal;
  std::string message;
  std::vector<FieldError> fields;           // for `invalid`
  std::string state;                        // for `not_allowed_in_state`
  std::vector<std::string> allowed_events;  // for `not_allowed_in_state`

  static Error make(ErrorKind kind, std::string message) { return Error{kind, std::move(message)}; }
  static Error invalid_field(std::string field, std::string message) {
    Error e{ErrorKind::invalid, "the request has invalid fields"};
    e.fields.push_back({std::move(field), std::move(message)});
    return e;
  }
};

// A value or an Error. Small on purpose: `ok()`, `value()`, `error()`.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

struct Ok {};
using Status = Result<Ok>;

}  // namespace outpost
