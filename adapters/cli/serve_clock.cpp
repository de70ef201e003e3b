#include "adapters/cli/serve_clock.hpp"

#include <cstdlib>
#include <fstream>

namespace outpost::cli {

ServeClock::ServeClock() {
  if (const char* file = std::getenv("OUTPOST_TEST_CLOCK_FILE"); file && *file) {
    offset_file_ = file;
  }
}

Millis ServeClock::now() const {
  if (offset_file_.empty()) return system_.now();
  std::ifstream in(offset_file_);
  long long offset = 0;
  if (!(in >> offset)) offset = 0;
  return system_.now() + offset;
}

}  // namespace outpost::cli
