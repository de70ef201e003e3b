#include "engine/core/metrics.hpp"

namespace outpost {

Metrics& no_metrics() {
  static Metrics none;
  return none;
}

}  // namespace outpost
