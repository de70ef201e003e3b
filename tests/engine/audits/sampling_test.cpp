#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/audits/sampling.hpp"

using namespace outpost;

namespace {

// `n` cases spread over communities × categories with uneven sizes; every
// 7th is high risk, every 11th overdue, every 13th returned twice.
std::vector<PopulationCase> population(int n, int communities = 3, int categories = 2) {
  std::vector<PopulationCase> out;
  for (int i = 1; i <= n; ++i) {
    PopulationCase c;
    c.id = 1000 + i;
    c.community = "c" + std::to_string((i * i) % communities);
    c.category = "k" + std::to_string(i % categories);
    c.kind = i % 2 ? "dispute" : "request";
    c.high_risk = i % 7 == 0;
    c.overdue = i % 11 == 0;
    c.returns = i % 13 == 0 ? 2 : 0;
    c.dissatisfied = i % 17 == 0;
    out.push_back(c);
  }
  return out;
}

SampleDraw must_draw(const std::vector<PopulationCase>& pop, const SampleRules& rules) {
  auto r = draw_sample(pop, rules);
  REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
  return r.value();
}

// The reference allocation, computed differently from the engine: by
// fractional quotas in long double, largest first.
std::map<std::pair<std::string, std::string>, std::int64_t> expected_allocation(
    const std::vector<PopulationCase>& pop, const std::set<CaseId>& forced, std::int64_t seats) {
  std::map<std::pair<std::string, std::string>, std::int64_t> sizes;
  for (const auto& c : pop) {
    if (!forced.count(c.id)) ++sizes[{c.community, c.category}];
  }
  std::int64_t total = 0;
  for (const auto& [k, n] : sizes) total += n;
  std::map<std::pair<std::string, std::string>, std::int64_t> out;
  std::vector<std::pair<long double, std::pair<std::string, std::string>>> fractions;
  std::int64_t given = 0;
  for (const auto& [k, n] : sizes) {
    const long double quota = static_cast<long double>(seats) * n / total;
    out[k] = static_cast<std::int64_t>(quota);
    given += out[k];
    fractions.push_back({quota - out[k], k});
  }
  std::stable_sort(fractions.begin(), fractions.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first + 1e-12L; });
  for (std::size_t i = 0; given < seats; ++i, ++given) ++out[fractions[i].second];
  return out;
}

}  // namespace

TEST_SUITE("audit_sampling") {
  TEST_CASE("the same seed over the same population draws the same list, in any input order") {
    auto pop = population(200);
    const SampleRules rules{.seed = 42, .size = 25, .share = {}, .force_in = {}};
    const SampleDraw a = must_draw(pop, rules);
    std::reverse(pop.begin(), pop.end());
    const SampleDraw b = must_draw(pop, rules);
    CHECK(a.case_ids.size() == 25);
    CHECK(a.case_ids == b.case_ids);
    CHECK(std::is_sorted(a.case_ids.begin(), a.case_ids.end()));
  }

  TEST_CASE("a different seed draws a different list of the same size") {
    const auto pop = population(200);
    const SampleDraw a = must_draw(pop, {.seed = 42, .size = 25, .share = {}, .force_in = {}});
    const SampleDraw b = must_draw(pop, {.seed = 43, .size = 25, .share = {}, .force_in = {}});
    CHECK(b.case_ids.size() == 25);
    CHECK(a.case_ids != b.case_ids);
  }

  TEST_CASE("the rank is SHA-256 of '<seed>:<id>', so a reviewer can recompute it") {
    // printf '7:1001' | sha256sum
    CHECK(sample_rank(7, 1001) ==
          "0f7ae748ef9a14fb61d995f627d46e3cd8c185152c57a6284ce2ef2855bb07df");
  }

  TEST_CASE("each stratum gives its largest-remainder share, forced cases are all in") {
    for (int n : {37, 120, 301}) {
      for (std::int64_t seed : {1, 99, 123456789}) {
        const auto pop = population(n, 4, 3);
        const SampleRules rules{.seed = seed,
                                .size = n / 5 + 8,
                                .share = {},
                                .force_in = {ForceIn::high_risk, ForceIn::returned_twice}};
        const SampleDraw d = must_draw(pop, rules);
        std::set<CaseId> forced;
        for (const auto& c : pop) {
          if (c.high_risk || c.returns >= 2) forced.insert(c.id);
        }
        CHECK(std::set<CaseId>(d.forced.begin(), d.forced.end()) == forced);
        const std::set<CaseId> drawn(d.case_ids.begin(), d.case_ids.end());
        CHECK(drawn.size() == d.case_ids.size());
        CHECK(std::includes(drawn.begin(), drawn.end(), forced.begin(), forced.end()));
        CHECK(static_cast<std::int64_t>(drawn.size()) == rules.size.value());

        const auto expected = expected_allocation(
            pop, forced, *rules.size - static_cast<std::int64_t>(forced.size()));
        std::map<std::pair<std::string, std::string>, std::int64_t> got;
        for (const auto& c : pop) {
          if (drawn.count(c.id) && !forced.count(c.id)) ++got[{c.community, c.category}];
        }
        for (const auto& [k, count] : expected) {
          CHECK_MESSAGE(got[k] == count, k.first << "/" << k.second << " n=" << n);
        }
        // Within a stratum the lowest ranks are taken.
        for (const auto& c : pop) {
          if (forced.count(c.id) || drawn.count(c.id)) continue;
          for (CaseId id : d.case_ids) {
            const auto& o =
                *std::find_if(pop.begin(), pop.end(), [id](const auto& p) { return p.id == id; });
            if (forced.count(id) || o.community != c.community || o.category != c.category)
              continue;
            CHECK(sample_rank(seed, id) < sample_rank(seed, c.id));
          }
        }
      }
    }
  }

  TEST_CASE("a share is ceil(share × population)") {
    const auto pop = population(30);
    CHECK(must_draw(pop, {.seed = 5, .size = {}, .share = 0.1, .force_in = {}}).case_ids.size() ==
          3);
    CHECK(must_draw(pop, {.seed = 5, .size = {}, .share = 0.25, .force_in = {}}).case_ids.size() ==
          8);
    CHECK(must_draw(pop, {.seed = 5, .size = {}, .share = 1.0, .force_in = {}}).case_ids.size() ==
          30);
  }

  TEST_CASE("more forced cases than the size: all forced, nothing drawn") {
    const auto pop = population(70);
    const SampleDraw d =
        must_draw(pop, {.seed = 5, .size = 3, .share = {}, .force_in = {ForceIn::high_risk}});
    CHECK(d.case_ids.size() == 10);  // ids 1007, 1014, … 1070
    CHECK(d.case_ids == d.forced);
  }

  TEST_CASE("bad rules are refused, naming the field") {
    const auto pop = population(10);
    const auto field_of = [&](const SampleRules& r) {
      auto d = draw_sample(pop, r);
      REQUIRE_FALSE(d.ok());
      CHECK(d.error().kind == ErrorKind::invalid);
      return d.error().fields.at(0).field;
    };
    CHECK(field_of({.seed = 1, .size = 0, .share = {}, .force_in = {}}) == "size");
    CHECK(field_of({.seed = 1, .size = 11, .share = {}, .force_in = {}}) == "size");
    CHECK(field_of({.seed = 1, .size = {}, .share = 0.0, .force_in = {}}) == "share");
    CHECK(field_of({.seed = 1, .size = {}, .share = 1.5, .force_in = {}}) == "share");
    CHECK(field_of({.seed = 1, .size = 2, .share = 0.5, .force_in = {}}) == "size");
    CHECK(field_of({.seed = -1, .size = 2, .share = {}, .force_in = {}}) == "seed");
    auto empty = draw_sample({}, {.seed = 1, .size = 1, .share = {}, .force_in = {}});
    REQUIRE_FALSE(empty.ok());
    CHECK(empty.error().fields.at(0).field == "period");
  }
}
