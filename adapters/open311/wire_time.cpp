#include "adapters/open311/wire_time.hpp"

#include <chrono>
#include <cstdio>

#include "adapters/http/case_json.hpp"

namespace outpost::open311 {
namespace {

constexpr std::int64_t kCstOffsetMinutes = 8 * 60;

}  // namespace

std::string format_cst(Millis at) {
  using namespace std::chrono;
  const sys_seconds t{seconds(at / 1000 + kCstOffsetMinutes * 60)};
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d+08:00", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                int(hms.minutes().count()), int(hms.seconds().count()));
  return buf;
}

// RFC 3339 (http::parse_rfc3339) is W3C's full form; W3C also allows a bare
// date and a time without seconds.
std::optional<Millis> parse_w3c(std::string_view s) {
  if (s.size() == 10) return http::parse_rfc3339(std::string(s) + "T00:00:00+08:00");
  if (s.size() > 16 && s[16] != ':') {
    return http::parse_rfc3339(std::string(s.substr(0, 16)) + ":00" + std::string(s.substr(16)));
  }
  return http::parse_rfc3339(s);
}

}  // namespace outpost::open311
