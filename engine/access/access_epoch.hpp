// File: engine/access/access_epoch.hpp
//
// The access generation: a number the database raises in the same
// transaction as any change to a token or a user (a revocation, a disabled
// user, a changed role, department or grid; migration 22's triggers, so the
// CLI and every other process raise it too). The statements that look up a
// token and those that read cases return it beside their rows, and the store
// reports what it read here, on the request's own thread. A token cache can
// then tell, after a GET has run, whether the credentials it trusted were
// still current when the case was read: the same generation means no token or
// user changed in between (adapters/http/auth.hpp).
//
//   access_epoch::reset();                 // before the request's reads
//   ... store reads call access_epoch::observe(generation) ...
//   if (access_epoch::observed() == cached_generation) { /* still current */ }
//
// A write cannot be checked after it ran; it is checked before it writes:
//
//   access_epoch::Requirement requirement(cached_generation);
//   ... find_case observes; if (!access_epoch::confirm()) refuse, write nothing ...
//   if (!requirement.confirmed()) { /* look the token up, handle it again */ }
#pragma once

#include <algorithm>
#include <cstdint>

namespace outpost::access_epoch {

// -1: nothing read on this thread since reset().
inline thread_local std::int64_t last_observed = -1;

inline void reset() {
  last_observed = -1;
}
// The greatest generation read on this thread since reset().
inline void observe(std::int64_t generation) {
  last_observed = std::max(last_observed, generation);
}
inline std::int64_t observed() {
  return last_observed;
}

// A change of a case made with cached credentials (adapters/http/
// handler_support.hpp, authenticated_change) requires the generation they
// were read at: the change reads its case, and the generation beside it,
// before it writes anything (engine/cases/case_commit.cpp), and goes on only
// if it is still the same. -1: nothing required (credentials looked up now).
inline thread_local std::int64_t required = -1;
inline thread_local bool confirmed_required = false;

// After a change read its case: whether it may write. True when nothing is
// required; otherwise the generation read since reset() must be the one
// required. The last answer is kept for Requirement::confirmed().
inline bool confirm() {
  if (required < 0) return true;
  confirmed_required = last_observed == required;
  return confirmed_required;
}

// True while a change made with cached credentials has not confirmed them:
// the request will be handled again with its token looked up, so whatever
// this attempt answers is not the request's outcome (nothing to count).
inline bool handled_again() {
  return required >= 0 && !confirmed_required;
}

// Requires `generation` of the changes made on this thread while it lives.
class Requirement {
 public:
  explicit Requirement(std::int64_t generation) {
    required = generation;
    confirmed_required = false;
  }
  ~Requirement() {
    required = -1;
    confirmed_required = false;
  }
  Requirement(const Requirement&) = delete;
  Requirement& operator=(const Requirement&) = delete;

  // True when a change confirmed the generation and nothing refused it since:
  // whatever the request wrote, it wrote with credentials that were current.
  bool confirmed() const { return confirmed_required; }
};

}  // namespace outpost::access_epoch
