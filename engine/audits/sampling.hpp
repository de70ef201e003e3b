// File: engine/audits/sampling.hpp
//
// The reproducible, stratified sample of a quarterly audit (docs/AUDITS.md
// states the algorithm so that a reviewer can redo it by hand). A pure
// function: the same population, seed and rules give the same list on every
// platform and with every library version, because the only randomness is
// SHA-256 over text (no std::uniform_int_distribution, whose output the C++
// standard leaves to the library).
//
//   SampleRules rules{.seed = 20261001, .size = 30, .force_in = {ForceIn::high_risk}};
//   Result<SampleDraw> draw = draw_sample(population, rules);
//   if (!draw) return draw.error();  // invalid: size 0 or over the population, …
//   store(draw.value().case_ids);     // sorted ascending
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/cases/case.hpp"
#include "engine/core/error.hpp"

namespace outpost {

// One case of the period as the sample sees it.
struct PopulationCase {
  CaseId id = 0;
  std::string community;
  std::string category;
  std::string kind;  // dispute | request
  bool high_risk = false;
  bool overdue = false;       // its step clock breached or escalated (督办)
  std::int64_t returns = 0;   // times it was handed back (退单)
  bool dissatisfied = false;  // its latest follow-up visit was dissatisfied
};

// Which cases enter the sample whatever the draw.
enum class ForceIn { high_risk, overdue, returned_twice, dissatisfied };
std::string_view to_string(ForceIn rule);
std::optional<ForceIn> parse_force_in(std::string_view name);
bool forced_by(const PopulationCase& c, ForceIn rule);

struct SampleRules {
  std::int64_t seed = 0;             // 0 … 2^63-1, recorded with the audit
  std::optional<std::int64_t> size;  // exactly one of size and share
  std::optional<double> share;       // in (0, 1]: ceil(share × population)
  std::vector<ForceIn> force_in;
};

// How many cases one stratum (community × category) had and gave.
struct StratumCount {
  std::string community;
  std::string category;
  std::int64_t population = 0;  // non-forced cases of the stratum
  std::int64_t drawn = 0;       // drawn by rank (forced cases not counted)
};

struct SampleDraw {
  std::vector<CaseId> case_ids;  // forced and drawn, ascending
  std::vector<CaseId> forced;    // ascending
  std::vector<StratumCount> strata;
  std::int64_t population = 0;
  std::int64_t target = 0;  // the size asked for (size, or ceil(share × population))
};

// The rank key of a case under a seed: SHA-256 of "<seed>:<case id>" (both
// in decimal), hex. Lower draws first.
std::string sample_rank(std::int64_t seed, CaseId id);

// invalid (field named) when: the population is empty, size is 0 or over the
// population, share is outside (0, 1], both or neither of size and share are
// given, the seed is negative.
Result<SampleDraw> draw_sample(std::vector<PopulationCase> population, const SampleRules& rules);

}  // namespace outpost
