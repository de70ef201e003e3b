// File: engine/proof/checkpoint_ref.hpp
//
// The port between the audits (engine/audits) and the signed history
// checkpoints (engine/proof): an audit's sign-off binds it to the checkpoint
// that covers its period, so a reviewer can later prove that no history of
// the period was rewritten after the sign-off.
//
//   auto ref = checkpoints.checkpoint_covering(period_end);
//   if (!ref) return ref.error();
//   audit.checkpoint = ref.value();  // tree size, root hash, signed note
#pragma once

#include <cstdint>
#include <string>

#include "engine/core/clock.hpp"
#include "engine/core/error.hpp"

namespace outpost {

// One signed checkpoint of the history log (RFC 9162 tree, C2SP
// tlog-checkpoint signed note).
struct CheckpointRef {
  std::int64_t tree_size = 0;
  std::string root_hash;  // base64 of the 32-byte root, as in the note
  Millis signed_at = 0;
  std::string note;  // the whole signed note text, exactly as signed
};

class CheckpointIssuer {
 public:
  virtual ~CheckpointIssuer() = default;

  // The first checkpoint signed at or after `until` (every history entry
  // committed before `until` is in it); when `until` has passed and none has
  // been signed since, one is signed now. Refused (not_allowed_in_state)
  // while `until` is still in the future.
  virtual Result<CheckpointRef> checkpoint_covering(Millis until) = 0;
};

}  // namespace outpost
