#include "engine/cases/agreements.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace outpost {
namespace json = boost::json;

namespace {

std::int64_t fact_int(const Case& c, std::string_view key) {
  const json::value* v = c.facts.if_contains(key);
  return v != nullptr && v->is_int64() ? v->get_int64() : 0;
}

bool has_confirmed(const Case& c, std::int64_t party) {
  const json::value* v = c.facts.if_contains("agreement_confirmed");
  if (v == nullptr || !v->is_array()) return false;
  const json::array& done = v->get_array();
  return std::any_of(done.begin(), done.end(), [party](const json::value& p) {
    return p.is_int64() && p.get_int64() == party;
  });
}

Status check_party(const Case& c, std::int64_t party) {
  const std::int64_t parties = fact_int(c, "agreement_parties");
  if (party > parties) {
    return Error::invalid_field("party", "must be the number of one of the agreement's " +
                                             std::to_string(parties) + " parties (1 to " +
                                             std::to_string(parties) + ", as the case lists them)");
  }
  if (has_confirmed(c, party)) {
    return Error::invalid_field(
        "party", "party " + std::to_string(party) + " has already confirmed the agreement");
  }
  return Ok{};
}

Status check_attachment(const Case& c, std::int64_t seq, CaseStore& store) {
  auto rows = store.history(c.id);
  if (!rows) return rows.error();
  const bool found = std::any_of(rows.value().begin(), rows.value().end(), [seq](const auto& e) {
    // The scan of a generated agreement's signed paper counts like any attachment.
    return e.seq == seq && (e.event == "add_attachment" || e.event == "attach_signed_document");
  });
  if (!found) {
    return Error::invalid_field("attachment_seq",
                                "must be the seq of an attachment of this case (the signed page)");
  }
  return Ok{};
}

}  // namespace

Status complete_agreement_event(const Case& current, std::string_view event, EventPayload& payload,
                                CaseStore& store) {
  if (event == "reach_agreement") {
    std::vector<std::string> roles;
    for (const Party& p : current.parties) roles.push_back(p.role);
    payload.set("parties", std::move(roles));
  } else if (event == "confirm_agreement") {
    const std::int64_t* party = payload.integer("party");
    const std::int64_t* seq = payload.integer("attachment_seq");
    if (party == nullptr || seq == nullptr) return Ok{};  // the workflow refused it already
    if (Status s = check_party(current, *party); !s) return s;
    return check_attachment(current, *seq, store);
  }
  return Ok{};
}

}  // namespace outpost
