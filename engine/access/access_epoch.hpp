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

}  // namespace outpost::access_epoch
