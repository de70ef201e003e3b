// File: engine/cases/milestones.hpp
//
// What a case's history has reached so far, kept on the case itself so that
// the reports (engine/reports) count cases without replaying histories: when
// it was first dispatched, first handled and last closed, whether it was
// signed for in time, how its latest 回访 went, what became of a dispute's
// mediation and agreement, and how often it was returned to arbitration,
// extended or escalated. record_milestones() updates them for every history
// row a change appends (case_commit.cpp calls it for every writer), so they
// are stored in the same transaction as the row; the store keeps them as
// plain columns of the case (migration 11), which a GROUP BY can read.
//
//   Case next = current;   // ... the workflow applies the event ...
//   record_milestones(current, next, entry);
//   next.milestones.dispatched_at;  // set by the first dispatch or assign
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/core/clock.hpp"

namespace outpost {

struct Milestones {
  // The first routing event (dispatch 派单 / assign 分派).
  std::optional<Millis> dispatched_at;
  // The first handling: a request signed for (acknowledge 签收), a dispute's
  // mediation started (start_mediation 开始调解).
  std::optional<Millis> first_handled_at;
  // The latest entry into closed or rejected; cleared by reopen.
  std::optional<Millis> closed_at;
  // A request's first 签收 came before the deadline of its acknowledge step
  // (true), or after it / the step's breach was recorded first (false);
  // empty while undecided.
  std::optional<bool> acknowledged_in_time;
  std::int64_t arbitrations = 0;  // times the case was flagged for arbitration (派单异议)
  std::int64_t extensions = 0;    // extension requests (申请延期)
  std::int64_t extensions_approved = 0;
  // 督办: a step's clock escalated, or a dispute's dissatisfied 回访 after its
  // rework rounds (engine/cases/rework_policy.hpp).
  std::int64_t escalations = 0;
  // Dissatisfied 回访 that sent the case back to work: a request's 重办, a
  // dispute's 重新调解 (facts.rework_count rose).
  std::int64_t reworks = 0;
  // The latest 回访: satisfied | basically_satisfied | dissatisfied; empty
  // when never visited. Resolved as the visit recorded it (`outcome`), or,
  // when the visit did not say, unless the resident was dissatisfied.
  std::string visit_satisfaction;
  std::optional<bool> visit_resolved;
  // Disputes: at least once in mediation, an agreement reached, mediation
  // failed (fail_mediation, or escalated after the rework rounds), refused
  // (declined 不予受理, withdrawn 撤回, or a party refused mediation), performance
  // confirmed, judicial confirmation applied for / confirmed.
  bool mediated = false, agreement = false, mediation_failed = false, refused = false;
  bool performed = false, judicial_applied = false, judicial_confirmed = false;
  std::string performance_due;  // YYYY-MM-DD of the latest agreement; empty: none

  friend bool operator==(const Milestones&, const Milestones&) = default;
};

}  // namespace outpost
