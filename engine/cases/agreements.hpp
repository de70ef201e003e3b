// File: engine/cases/agreements.hpp
//
// What the case service checks and adds for a dispute's agreement events
// beyond the workflow's payload fields, because it needs the case's parties
// or its attachments (People's Mediation Law Art. 28–30):
//   reach_agreement    the history row records the agreement's parties: the
//                      case's parties' roles in order ("parties"; no names, the
//                      party numbers of confirm_agreement count from 1 in it).
//   confirm_agreement  `party` is one of those parties that has not confirmed
//                      yet; `attachment_seq` is an attachment of this case (the
//                      signed page): invalid with the field named otherwise.
//
//   if (Status s = complete_agreement_event(current, "confirm_agreement", payload, store); !s) …
#pragma once

#include <string_view>

#include "engine/cases/case.hpp"
#include "engine/cases/case_store.hpp"
#include "engine/cases/event_payload.hpp"
#include "engine/core/error.hpp"

namespace outpost {

// For other events: Ok and nothing changed.
Status complete_agreement_event(const Case& current, std::string_view event, EventPayload& payload,
                                CaseStore& store);

}  // namespace outpost
