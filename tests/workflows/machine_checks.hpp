// File: tests/workflows/machine_checks.hpp
//
// Checks shared by the machine tests (dispute, request): what "refused and
// unchanged", "applied", "invalid naming these fields" and "this (state,
// event) pair behaves as the expected table says" mean for any Workflow.
//
//   check_pair(*wf, c, "accept", payload, std::optional<std::string>("accepted"), allowed);
//   check_invalid(*wf, make_case("accepted"), "assign", payload, {"assignees"});
#pragma once

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "adapters/http/case_request.hpp"
#include "engine/cases/case.hpp"
#include "engine/cases/workflow.hpp"
#include "engine/core/error.hpp"

namespace outpost::testing {

// A payload as a client's JSON, read the way the HTTP adapter reads it.
inline EventPayload typed(const boost::json::object& payload) {
  return http::read_event_payload(payload);
}

inline void check_unchanged(const Case& before, const Case& after) {
  CHECK(after.state == before.state);
  CHECK(after.facts == before.facts);
  CHECK(after.assignment.department == before.assignment.department);
  CHECK(after.assignment.assignees == before.assignment.assignees);
}

inline void apply_ok(const Workflow& wf, Case& c, const std::string& event,
                     const boost::json::object& payload) {
  INFO("applying ", event, " in ", c.state);
  const Status s = wf.apply(c, event, typed(payload));
  REQUIRE_MESSAGE(s.ok(), (s.ok() ? std::string() : s.error().message));
}

inline std::vector<std::string> field_names(const Error& e) {
  std::vector<std::string> names;
  for (const auto& f : e.fields) names.push_back(f.field);
  return names;
}

// Expects `event` with `payload` on `c` to be refused as invalid, naming
// exactly `fields`, and `c` unchanged.
inline Error check_invalid(const Workflow& wf, Case c, const std::string& event,
                           const boost::json::object& payload,
                           const std::vector<std::string>& fields) {
  INFO(event, " in ", c.state, " with ", boost::json::serialize(payload));
  const Case before = c;
  const Status s = wf.apply(c, event, typed(payload));
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().kind == ErrorKind::invalid);
  CHECK(field_names(s.error()) == fields);
  for (const auto& f : s.error().fields) CHECK_FALSE(f.message.empty());
  check_unchanged(before, c);
  return s.error();
}

// One (state, event) pair of the expected table: the case offers `allowed`;
// with a valid payload the event lands in `target`, or, when the table has no
// such transition, it is refused as not allowed and changes nothing.
inline void check_pair(const Workflow& wf, Case c, const std::string& event,
                       const boost::json::object& payload, const std::optional<std::string>& target,
                       const std::vector<std::string>& allowed) {
  const Case before = c;
  CHECK(wf.allowed_events(c) == allowed);
  const Status s = wf.apply(c, event, typed(payload));
  if (target) {
    REQUIRE_MESSAGE(s.ok(), (s.ok() ? std::string() : s.error().message));
    CHECK(c.state == *target);
  } else {
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().kind == ErrorKind::not_allowed_in_state);
    CHECK(s.error().state == before.state);
    CHECK(s.error().allowed_events == allowed);
    CHECK_FALSE(s.error().message.empty());
    check_unchanged(before, c);
  }
}

}  // namespace outpost::testing
