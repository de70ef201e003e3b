// File: adapters/http/case_request.hpp
//
// Reads the JSON bodies of the case API into the engine's typed commands:
// a create-case body into NewCase (engine/cases/new_case.hpp), an event body's
// members into an EventPayload (engine/cases/event_payload.hpp). Only the
// JSON's shape is judged here — members of the wrong JSON type, members a case
// does not have; the domain's rules (codes, choices, sizes, parties) are the
// engine's. Both kinds of error name the same fields, so a client gets every
// problem of a body in one 422.
//
//   CaseRequest req = read_new_case(body);
//   if (!req.errors.empty()) { /* merge with draft_case's, answer 422 */ }
//   service.create(req.command, actor, idem);
#pragma once

#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "adapters/http/case_location.hpp"
#include "engine/cases/annotations.hpp"
#include "engine/cases/event_payload.hpp"
#include "engine/cases/new_case.hpp"
#include "engine/core/error.hpp"

namespace outpost::http {

struct CaseRequest {
  NewCase command;                 // what could be read; unreadable members are left empty
  std::vector<FieldError> errors;  // the body's shape errors
  // location.lat/long/datum/building: resolved by locate_case (case_location.hpp).
  LocationHint hint;
};

CaseRequest read_new_case(const boost::json::value& body);

// The engine's errors for `command` added to the shape errors of its body, leaving
// out those about a field (or a part of one) the body already got wrong:
// a client is told once per field, about what it sent.
Error merged_case_errors(std::vector<FieldError> shape_errors, const Error& domain);

// A note body {"body", "visibility"?}: the JSON's shape and the engine's
// rules for a note (note_errors), every problem at once.
Result<NoteDraft> read_note(const boost::json::value& body);

// The members of an event body other than "event", as typed values: strings,
// integers, true/false and lists of strings; anything else is an
// UnreadableValue that the engine refuses with the field's name.
EventPayload read_event_payload(const boost::json::object& body);

}  // namespace outpost::http
