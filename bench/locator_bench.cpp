// The location resolver's cost per point (issue 22): the shipped
// config/boundaries.geojson (155 micro-grids) loaded as the server loads it,
// then Locator::at() on N random WGS84 points (default 1,000,000) drawn
// uniformly from the micro-grids' bounding box grown by 10 % on each side, so
// that some points fall in no micro-grid, as on the Open311 path. Also the
// GCJ-02 -> WGS84 conversion followed by at(), and by_address() on an
// address naming a building.
//
//   build/default/bench/outpost_locator_bench [points] [config_dir]
//
// Prints the time to load and validate the configuration, ns per point for
// each operation (this thread's CPU time, and wall time), and how many points
// fell in a micro-grid. One thread: at() is
// const and shares nothing mutable, so request threads do not contend.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "adapters/config/config_loader.hpp"
#include "engine/directory/locator.hpp"

namespace {

namespace json = boost::json;
using outpost::directory::GeoPoint;
using Clock = std::chrono::steady_clock;

// This thread's CPU time: on a shared machine the wall clock also counts the
// time other processes had the core.
struct CpuClock {
  using duration = std::chrono::nanoseconds;
  static duration now() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return std::chrono::seconds(t.tv_sec) + std::chrono::nanoseconds(t.tv_nsec);
  }
};

// Wall and CPU time of one timed loop.
struct Timer {
  Clock::time_point wall = Clock::now();
  CpuClock::duration cpu = CpuClock::now();
  // "W ns/point wall, C ns/point CPU" for n items.
  std::string per(std::size_t n, const char* unit) const {
    const double wall_ns = static_cast<double>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - wall).count());
    const double cpu_ns = static_cast<double>((CpuClock::now() - cpu).count());
    char text[96];
    std::snprintf(text, sizeof text, "%.0f ns/%s CPU (%.0f wall)", cpu_ns / static_cast<double>(n),
                  unit, wall_ns / static_cast<double>(n));
    return text;
  }
};

// Every position in the coordinates of the micro-grid features.
void extent(const json::value& v, GeoPoint& lo, GeoPoint& hi) {
  const json::array* a = v.if_array();
  if (a == nullptr) return;
  if (a->size() >= 2 && (*a)[0].is_number()) {
    const double lon = (*a)[0].to_number<double>(), lat = (*a)[1].to_number<double>();
    lo = {std::min(lo.lat, lat), std::min(lo.lon, lon)};
    hi = {std::max(hi.lat, lat), std::max(hi.lon, lon)};
    return;
  }
  for (const auto& x : *a) extent(x, lo, hi);
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
  const std::string dir = argc > 2 ? argv[2] : outpost::config::default_config_dir();
  if (n == 0) return 2;

  const auto load_start = Clock::now();
  auto domain = outpost::config::load_domain_config(dir);
  const auto load_time = Clock::now() - load_start;
  if (!domain) {
    std::fprintf(stderr, "%s\n", domain.error().message.c_str());
    return 1;
  }
  const auto& locator = domain.value().locator;

  std::ifstream in(dir + "/boundaries.geojson", std::ios::binary);
  const json::value doc = json::parse(std::string(std::istreambuf_iterator<char>(in), {}));
  GeoPoint lo{std::numeric_limits<double>::max(), std::numeric_limits<double>::max()};
  GeoPoint hi{-lo.lat, -lo.lon};
  for (const auto& f : doc.at("features").as_array()) {
    if (f.at("properties").at("level").as_string() == "micro_grid")
      extent(f.at("geometry").at("coordinates"), lo, hi);
  }
  const double dlat = (hi.lat - lo.lat) * 0.1, dlon = (hi.lon - lo.lon) * 0.1;
  std::mt19937_64 rng(22);
  std::uniform_real_distribution<double> lat(lo.lat - dlat, hi.lat + dlat);
  std::uniform_real_distribution<double> lon(lo.lon - dlon, hi.lon + dlon);
  std::vector<GeoPoint> points(n);
  for (auto& p : points) p = {lat(rng), lon(rng)};
  std::vector<GeoPoint> gcj(n);
  std::transform(points.begin(), points.end(), gcj.begin(), outpost::directory::wgs84_to_gcj02);

  std::size_t found = 0;
  Timer timer;
  for (const auto& p : points) found += locator.at(p).has_value();
  const std::string at_time = timer.per(n, "point");

  std::size_t found_gcj = 0;
  timer = Timer{};
  for (const auto& p : gcj)
    found_gcj += locator.at(outpost::directory::gcj02_to_wgs84(p)).has_value();
  const std::string gcj_time = timer.per(n, "point");

  const std::size_t addresses = std::min<std::size_t>(n, 100'000);
  std::size_t named = 0;
  timer = Timer{};
  for (std::size_t i = 0; i < addresses; ++i)
    named += locator.by_address("重庆市北碚区龙凤桥街道西山坪家属区3栋2单元501").has_value();
  const std::string address_time = timer.per(addresses, "address");

  std::printf("micro-grids: %zu; load and validate the configuration: %.1f ms\n",
              locator.micro_grid_count(),
              std::chrono::duration<double, std::milli>(load_time).count());
  std::printf("at(), WGS84:             %zu points, %s, %.1f %% in a micro-grid\n", n,
              at_time.c_str(), 100.0 * static_cast<double>(found) / static_cast<double>(n));
  std::printf("gcj02_to_wgs84() + at(): %zu points, %s, %.1f %% in a micro-grid\n", n,
              gcj_time.c_str(), 100.0 * static_cast<double>(found_gcj) / static_cast<double>(n));
  std::printf("by_address():            %zu addresses, %s (%zu resolved)\n", addresses,
              address_time.c_str(), named);
  return 0;
}
