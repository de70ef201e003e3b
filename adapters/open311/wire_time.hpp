// File: adapters/open311/wire_time.hpp
//
// Open311's times: W3C datetimes (ISO 8601 with an offset). Answers use
// China Standard Time, "2026-12-06T19:17:05+08:00"; filters accept any
// offset or Z, and a bare date (midnight +08:00).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/core/clock.hpp"

namespace outpost::open311 {

std::string format_cst(Millis at);
std::optional<Millis> parse_w3c(std::string_view text);

}  // namespace outpost::open311
