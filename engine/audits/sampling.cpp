#include "engine/audits/sampling.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <tuple>
#include <utility>

#include "engine/cases/audit_chain.hpp"

namespace outpost {
namespace {

constexpr std::array<std::pair<ForceIn, std::string_view>, 4> kForceInNames{{
    {ForceIn::high_risk, "high_risk"},
    {ForceIn::overdue, "overdue"},
    {ForceIn::returned_twice, "returned_twice"},
    {ForceIn::dissatisfied, "dissatisfied"},
}};

using StratumKey = std::pair<std::string, std::string>;  // community, category

Status check_rules(const SampleRules& rules, std::int64_t population) {
  if (rules.seed < 0) return Error::invalid_field("seed", "must be an integer of at least 0");
  if (rules.size.has_value() == rules.share.has_value()) {
    return Error::invalid_field("size", "give exactly one of size and share");
  }
  if (population == 0) {
    return Error::invalid_field("period", "no case of the scope was received in the period");
  }
  if (rules.size && (*rules.size < 1 || *rules.size > population)) {
    return Error::invalid_field("size", "must be from 1 to the population of the period (" +
                                            std::to_string(population) + ")");
  }
  if (rules.share && !(*rules.share > 0.0 && *rules.share <= 1.0)) {
    return Error::invalid_field("share", "must be greater than 0 and at most 1");
  }
  return Ok{};
}

bool is_forced(const PopulationCase& c, const std::vector<ForceIn>& rules) {
  return std::any_of(rules.begin(), rules.end(), [&c](ForceIn r) { return forced_by(c, r); });
}

// Largest-remainder (Hamilton) allocation of `seats` over the strata, in
// exact integer arithmetic: quota_i = seats × n_i / total; each stratum gets
// floor(quota_i), and the seats left go one each to the largest remainders
// (seats × n_i mod total), ties to the earlier stratum key.
std::vector<std::int64_t> allocate(const std::vector<std::int64_t>& sizes, std::int64_t seats) {
  std::int64_t total = 0;
  for (std::int64_t n : sizes) total += n;
  std::vector<std::int64_t> out(sizes.size(), 0);
  if (total == 0 || seats <= 0) return out;
  std::vector<std::pair<std::int64_t, std::size_t>> remainders;
  std::int64_t given = 0;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    out[i] = seats * sizes[i] / total;
    given += out[i];
    remainders.emplace_back(seats * sizes[i] % total, i);
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t k = 0; given < seats; ++k, ++given) ++out[remainders[k].second];
  return out;
}

}  // namespace

std::string_view to_string(ForceIn rule) {
  for (const auto& [r, name] : kForceInNames) {
    if (r == rule) return name;
  }
  return {};
}

std::optional<ForceIn> parse_force_in(std::string_view name) {
  for (const auto& [r, n] : kForceInNames) {
    if (n == name) return r;
  }
  return std::nullopt;
}

bool forced_by(const PopulationCase& c, ForceIn rule) {
  switch (rule) {
    case ForceIn::high_risk:
      return c.high_risk;
    case ForceIn::overdue:
      return c.overdue;
    case ForceIn::returned_twice:
      return c.returns >= 2;
    case ForceIn::dissatisfied:
      return c.dissatisfied;
  }
  return false;
}

std::string sample_rank(std::int64_t seed, CaseId id) {
  return sha256_hex(std::to_string(seed) + ":" + std::to_string(id));
}

Result<SampleDraw> draw_sample(std::vector<PopulationCase> population, const SampleRules& rules) {
  std::sort(population.begin(), population.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  population.erase(std::unique(population.begin(), population.end(),
                               [](const auto& a, const auto& b) { return a.id == b.id; }),
                   population.end());
  const auto total = static_cast<std::int64_t>(population.size());
  if (Status s = check_rules(rules, total); !s) return s.error();

  SampleDraw draw;
  draw.population = total;
  // The 1e-9 keeps 0.1 × 30 at 3 although the product is 3.0000000000000004.
  draw.target = rules.size
                    ? *rules.size
                    : std::max<std::int64_t>(
                          1, static_cast<std::int64_t>(std::ceil(*rules.share * total - 1e-9)));
  std::map<StratumKey, std::vector<std::pair<std::string, CaseId>>> strata;
  for (const PopulationCase& c : population) {
    if (is_forced(c, rules.force_in)) {
      draw.forced.push_back(c.id);
    } else {
      strata[{c.community, c.category}].emplace_back(sample_rank(rules.seed, c.id), c.id);
    }
  }
  std::vector<std::int64_t> sizes;
  for (const auto& [key, members] : strata)
    sizes.push_back(static_cast<std::int64_t>(members.size()));
  const std::vector<std::int64_t> seats =
      allocate(sizes, draw.target - static_cast<std::int64_t>(draw.forced.size()));

  draw.case_ids = draw.forced;
  std::size_t i = 0;
  for (auto& [key, members] : strata) {
    std::sort(members.begin(), members.end());
    for (std::int64_t k = 0; k < seats[i]; ++k) draw.case_ids.push_back(members[k].second);
    draw.strata.push_back({key.first, key.second, sizes[i], seats[i]});
    ++i;
  }
  std::sort(draw.case_ids.begin(), draw.case_ids.end());
  return draw;
}

}  // namespace outpost
