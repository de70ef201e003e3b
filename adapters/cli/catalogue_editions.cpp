#include "adapters/cli/catalogue_editions.hpp"

#include <optional>

#include <spdlog/spdlog.h>
#include <boost/json/serialize.hpp>

namespace outpost::cli {
namespace {

constexpr Millis kCataloguePace = 2'000;

}  // namespace

Status start_catalogue(CatalogueService& catalogue, const boost::json::value& seed,
                       Deadlines& deadlines, DirectoryStore& directory) {
  catalogue.on_change([&deadlines, &directory](const CatalogueState& state) {
    deadlines.use_policy(state.policy);
    // Existing departments keep their directory entry (and its active flag).
    if (auto added = directory.seed_directory(departments_of(*state.catalogue), {}); !added) {
      spdlog::warn("catalogue: directory: {}", added.error().message);
    }
    spdlog::info("catalogue: edition {} in force (by {})", state.edition.version,
                 state.edition.updated_by);
  });
  return catalogue.start(boost::json::serialize(seed));
}

std::function<void()> catalogue_refresh_chore(CatalogueService& catalogue, const Clock& clock) {
  return [&catalogue, &clock, last = std::optional<Millis>()]() mutable {
    const Millis now = clock.now();
    if (last && now - *last < kCataloguePace) return;
    last = now;
    if (Status s = catalogue.refresh(); !s) spdlog::warn("catalogue: {}", s.error().message);
  };
}

}  // namespace outpost::cli
