// File: engine/core/error.hpp
//
// The one error type of the domain. Every failure that can reach a user is an
// `Error` value: a kind (which each adapter maps to its own wire format in
// exactly one place), a human message, and for validation the offending fields
// named as domain fields. Nothing in engine/ or workflows/ throws across its
// public functions.
//
//   Result<Case> r = service.get(id);
//   if (!r) return report(r.error());
//   use(r.value());
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace outpost {

enum class ErrorKind {
  malformed,             // input that cannot be read at all (not the expected shape)
  unauthenticated,       // no or bad credentials
  forbidden,             // known caller, but the role or scope does not allow it
  not_found,             // unknown case or resource (or one out of the caller's scope)
  not_allowed_in_state,  // the event is not allowed in the case's current state
  stale_version,         // the caller named a version of the case that is no longer current
  too_large,             // a value over a configured size limit (an attachment)
  invalid,               // missing field, wrong type, unknown code or event
  rate_limited,          // too many attempts; try again later
  unavailable,           // the database does not answer
  internal,              // a bug or an unexpected failure
  version_conflict,      // store: the case changed since it was read; the service retries
  idempotency_race,      // store: the same idempotency key committed concurrently; replay it
  already_exists,        // a resource with this id or code exists already
};

struct FieldError {
  std::string field;
  std::string message;
};

// The path of `member` inside the value at `parent`, as FieldError names it:
// "a.b", or "b" when `parent` is empty (the root).
inline std::string field_path(std::string_view parent, std::string_view member) {
  if (parent.empty()) return std::string(member);
  return std::string(parent) + "." + std::string(member);
}

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
  static Error invalid_fields(std::vector<FieldError> fields, std::string message) {
    Error e{ErrorKind::invalid, std::move(message)};
    e.fields = std::move(fields);
    return e;
  }
};

// A value or an error (the domain's Error unless an adapter names its own).
// Small on purpose: `ok()`, `value()`, `error()`.
template <class T, class E = Error>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(E error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const E& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, E> v_;
};

struct Ok {};
using Status = Result<Ok>;

}  // namespace outpost
