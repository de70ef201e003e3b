// File: engine/cases/case.hpp
//
// The case model: what a dispute (矛盾纠纷) or a resident request (居民诉求) is,
// independent of storage and transport. A `Case` is a plain value; the case
// service loads one, lets its workflow apply one event to a copy, and hands the
// copy and one `HistoryEntry` to the store to persist atomically.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "engine/cases/milestones.hpp"
#include "engine/core/clock.hpp"

namespace outpost {

using CaseId = std::int64_t;

// The two kinds of case: a dispute (矛盾纠纷) and a resident request (居民诉求).
// Stored and sent as their names, "dispute" and "request": to_string and
// parse_case_kind are the only conversions, used at the edges.
enum class CaseKind : std::uint8_t { dispute, request };
inline constexpr std::array<CaseKind, 2> kCaseKinds{CaseKind::dispute, CaseKind::request};
std::string_view to_string(CaseKind kind);
std::optional<CaseKind> parse_case_kind(std::string_view name);

struct Party {
  std::string role;  // applicant | respondent | other
  std::string name;
  std::string phone;      // empty when not given
  std::string id_number;  // empty when not given
};

struct Location {
  std::string community;
  std::string grid;
  std::string micro_grid;  // empty when not given
  std::string address;     // empty when not given
};

struct Assignment {
  std::string department;  // empty until assigned
  std::vector<std::string> assignees;
};

// The clock of the case's current step (engine/deadlines/deadlines.hpp): which step's
// time limit runs, since when, and what has been fired for it. Case::deadline
// is the clock's due time; it is empty while no clock runs or the clock is
// held (on_hold), and then `paused_remaining` keeps the time that was left.
struct StepClock {
  std::string step;      // e.g. "acknowledge", "resolve"; empty: no clock runs
  std::string duration;  // the step's limit as configured, e.g. "5wd"
  Millis started_at = 0;
  std::optional<Millis> paused_remaining;  // set while held
  // Bumped whenever the due time changes; timers carry the generation they
  // were made for, so a timer of an older generation fires nothing.
  std::int64_t generation = 0;
  std::int64_t extended_days = 0;  // working days added by approved extensions
  bool warned = false, breached = false, escalated = false;

  bool running() const { return !step.empty() && !paused_remaining; }
  friend bool operator==(const StepClock&, const StepClock&) = default;
};

// The original of a free text whose personal numbers are masked
// (engine/access/free_text.hpp): `seq` 0 for the case's own title,
// description or address, else the history row whose data `field` it is (or
// the note added by that row). Sealed at rest; shown only by a logged reveal.
struct ClearText {
  std::int64_t seq = 0;
  std::string field;
  std::string text;
  friend bool operator==(const ClearText&, const ClearText&) = default;
};

struct Case {
  CaseId id = 0;
  std::string number;  // JF-2026-000123 (dispute) or SQ-2026-000123 (request)
  CaseKind kind = CaseKind::dispute;
  std::string state;  // a state name of the kind's workflow
  std::int64_t version = 0;
  std::string category;
  std::string title;
  std::string description;
  std::string channel;
  Location location;
  std::vector<Party> parties;
  std::string urgency = "normal";  // normal | urgent
  std::string risk_level = "low";  // low | medium | high
  bool confidential = false;
  Assignment assignment;
  std::optional<Millis> deadline;  // the current step's due time
  StepClock clock;
  Millis created_at = 0;
  Millis updated_at = 0;
  // What the workflow remembers between events (e.g. "risk_reported",
  // "follow_up_recorded", counters). Owned by the workflow; stored as JSON.
  boost::json::object facts;
  std::string last_hash;  // hash of the newest history row: the chain's head
  Milestones milestones;  // what the history has reached (milestones.hpp)
  // The originals of the masked free text of the case and its history.
  std::vector<ClearText> clear_texts;
};

// One row of a case's append-only, hash-chained history.
struct HistoryEntry {
  CaseId case_id = 0;
  std::int64_t seq = 0;  // 1 for the creating event; equals the case version it produced
  Millis at = 0;
  std::string actor;  // username, or "system" for the engine itself
  std::string event;
  std::string from_state;  // empty for the creating event
  std::string to_state;
  boost::json::object data;
  std::string prev_hash;  // 64 hex digits; all zeros for seq 1
  std::string hash;       // see audit_chain.hpp
};

// Who is acting: the authenticated user as engine/access/permissions.hpp needs it
// (role, and for a handler the department and grid that scope what they see).
// The username is what the history records.
// The actor the history names for what the engine does by itself.
inline constexpr std::string_view kSystemActor = "system";

struct Actor {
  std::int64_t user_id = 0;
  std::string username;
  std::string role;
  std::string department;
  std::string grid;  // grid staff only; empty otherwise
};

bool case_is_overdue(const Case& c, Millis now);
// Updates next.milestones for the history row `entry` that takes `before` to
// `next` (milestones.hpp).
void record_milestones(const Case& before, Case& next, const HistoryEntry& entry);
// True when the case's facts hold `key: true`.
bool fact_flag(const Case& c, std::string_view key);
// The integer the case's facts hold at `key`; 0 when absent.
std::int64_t fact_count(const Case& c, std::string_view key);

// "2026-11-26T13:58:57.123Z"
std::string format_rfc3339(Millis at);

}  // namespace outpost
