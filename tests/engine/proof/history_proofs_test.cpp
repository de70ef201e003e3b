#include <doctest/doctest.h>

#include "engine/cases/audit_chain.hpp"
#include "engine/proof/history_proofs.hpp"

using namespace outpost;

TEST_SUITE("proof_history") {
  TEST_CASE(
      "a day ends at midnight Asia/Shanghai (16:00 UTC), quarters end with Mar, Jun, Sep, Dec") {
    constexpr Millis kHour = 3'600'000;
    // 2026-04-01T00:00+08:00 = 2026-03-31T16:00Z = 1774972800000.
    constexpr Millis kApril1 = 1'774'972'800'000;
    CHECK(last_day_end(kApril1) == kApril1);
    CHECK(last_day_end(kApril1 + 5 * kHour) == kApril1);
    CHECK(last_day_end(kApril1 - 1) == kApril1 - 24 * kHour);
    CHECK(ends_quarter(kApril1));  // 31 March was the quarter's last day
    CHECK_FALSE(ends_quarter(kApril1 + 24 * kHour));
    CHECK_FALSE(ends_quarter(kApril1 - 24 * kHour));
    // 2027-01-01T00:00+08:00.
    CHECK(ends_quarter(1'798'732'800'000));
  }

  TEST_CASE("first_bad_link names the entry, the field and both hashes") {
    std::vector<HistoryEntry> entries(3);
    std::string prev(kGenesisHash);
    for (int i = 0; i < 3; ++i) {
      entries[static_cast<std::size_t>(i)] = {7, i + 1, 1000 + i, "desk", "e", "", "s", {}, "", ""};
      seal(entries[static_cast<std::size_t>(i)], prev);
      prev = entries[static_cast<std::size_t>(i)].hash;
    }
    CHECK_FALSE(first_bad_link(entries));
    const std::string sealed = entries[1].hash;
    entries[1].actor = "mallory";
    auto bad = first_bad_link(entries);
    REQUIRE(bad);
    CHECK(bad->case_id == 7);
    CHECK(bad->seq == 2);
    CHECK(bad->field == "hash");
    CHECK(bad->found == sealed);
    CHECK(bad->expected == sha256_hex(entries[1].prev_hash + canonical_form(entries[1])));
  }
}
