// File: adapters/cli/logging.hpp
//
// Process-wide spdlog set-up: human-readable lines by default, or one JSON
// object per line ({"time","level","msg"}) for log collectors. Messages never
// carry personal data: handlers log method, path, status and timing only.
#pragma once

#include <string>

#include "engine/core/error.hpp"

namespace outpost::cli {

Status setup_logging(const std::string& format, const std::string& level);

}  // namespace outpost::cli
