// File: engine/cases/new_case.hpp
//
// The command that registers a case, as typed values an adapter fills from its
// request (a JSON body, an Open311 form, a ledger row), and the domain's rules
// for it: the choices a field allows, codes that must exist in the catalogue
// and the jurisdiction, the parties a kind needs, sizes. Every broken rule is
// reported at once, each as a FieldError naming the domain field
// ("category", "location.grid", "parties[1].phone").
//
//   NewCase cmd;
//   cmd.kind = "dispute"; cmd.category = "neighbour"; cmd.title = "楼上漏水"; ...
//   Result<Case> draft = draft_case(cmd, catalogue, jurisdiction, workflows);
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/cases/case.hpp"
#include "engine/cases/workflow.hpp"
#include "engine/core/error.hpp"
#include "engine/directory/catalogue.hpp"
#include "engine/directory/jurisdiction.hpp"

namespace outpost {

struct NewCase {
  std::string kind;  // dispute | request
  std::string category;
  std::string title;
  std::string description;  // may be empty
  std::string channel;      // desk | phone | visit | patrol | online | hotline | meeting
  Location location;
  std::vector<Party> parties;
  std::string urgency;     // normal | urgent; empty: normal
  std::string risk_level;  // low | medium | high; empty: low
  bool confidential = false;
};

// Limits of a case's texts, in bytes of UTF-8.
inline constexpr std::size_t kMaxTitleBytes = 600;          // ~200 CJK characters
inline constexpr std::size_t kMaxDescriptionBytes = 30000;  // ~10,000 CJK characters
inline constexpr std::size_t kMaxParties = 50;

// The format rules of a party's numbers (digits, spaces, dashes and +, 5–20
// characters; a resident ID of 18 characters, the last a digit or X, or 15 digits).
bool valid_phone(std::string_view phone);
bool valid_id_number(std::string_view id);

// The case the command describes, not yet stored (no id, number, state or
// times), or `invalid` with every broken rule.
Result<Case> draft_case(const NewCase& cmd, const Catalogue& catalogue,
                        const Jurisdiction& jurisdiction, const WorkflowRegistry& workflows);

}  // namespace outpost
