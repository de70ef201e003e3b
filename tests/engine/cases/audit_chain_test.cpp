#include <doctest/doctest.h>

#include <boost/json/parse.hpp>

#include "engine/cases/audit_chain.hpp"

using namespace outpost;

namespace {

std::vector<HistoryEntry> chain_of(int n) {
  std::vector<HistoryEntry> entries;
  std::string prev(kGenesisHash);
  for (int i = 1; i <= n; ++i) {
    HistoryEntry e;
    e.case_id = 42;
    e.seq = i;
    e.at = 1'790'000'000'000 + i;
    e.actor = "desk01";
    e.event = i == 1 ? "register" : "record_session";
    e.from_state = i == 1 ? "" : "mediating";
    e.to_state = "mediating";
    e.data = {{"summary", "第" + std::to_string(i) + "次"}, {"b", 1}, {"a", {{"z", 1}, {"y", 2}}}};
    seal(e, prev);
    prev = e.hash;
    entries.push_back(e);
  }
  return entries;
}

}  // namespace

TEST_SUITE("audit_chain") {
  TEST_CASE("canonical JSON sorts keys at every depth and has no white space") {
    auto v = boost::json::parse(R"({ "b": [ {"y": 1, "x": 2} ], "a": "é", "c": null })");
    CHECK(canonical_json(v) == R"({"a":"é","b":[{"x":2,"y":1}],"c":null})");
  }

  TEST_CASE("a history row's canonical form is the sorted object canonical_row builds") {
    auto entries = chain_of(2);
    HistoryEntry odd = entries[1];
    odd.actor = "带\"引号\"的\\用户\n";
    odd.at = -5;
    odd.event = "\u0001";
    odd.to_state = "é/😀";
    odd.data = {{"z", boost::json::array{1, "two", nullptr, true, 2.5}},
                {"A", boost::json::object{{"y", -1}, {"b", boost::json::object{}}}},
                {"é", "\t"}};
    HistoryEntry empty = entries[0];
    empty.data = {};
    for (const HistoryEntry& e : {entries[0], entries[1], odd, empty}) {
      CHECK(canonical_form(e) == canonical_row("case_id", e.case_id, e));
    }
    CHECK(
        canonical_form(entries[0]) ==
        R"({"actor":"desk01","at":1790000000001,"case_id":42,"data":{"a":{"y":2,"z":1},"b":1,)"
        R"("summary":"第1次"},"event":"register","from_state":null,"seq":1,"to_state":"mediating"})");
  }

  TEST_CASE("SHA-256 matches the standard test vector") {
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  TEST_CASE("the creating row hashes from_state as null") {
    auto entries = chain_of(1);
    CHECK(canonical_form(entries[0]).find("\"from_state\":null") != std::string::npos);
    CHECK(entries[0].prev_hash == kGenesisHash);
  }

  TEST_CASE("an intact chain verifies and any change is found at its row") {
    auto entries = chain_of(4);
    CHECK(first_broken_link(entries) == 0);
    for (std::size_t i = 1; i < entries.size(); ++i)
      CHECK(entries[i].prev_hash == entries[i - 1].hash);

    SUBCASE("edited data") {
      entries[2].data["summary"] = "改过的内容";
      CHECK(first_broken_link(entries) == 3);
    }
    SUBCASE("edited actor") {
      entries[1].actor = "someone-else";
      CHECK(first_broken_link(entries) == 2);
    }
    SUBCASE("a removed row") {
      entries.erase(entries.begin() + 1);
      CHECK(first_broken_link(entries) == 3);
    }
    SUBCASE("a row re-sealed after editing breaks the next link") {
      entries[1].event = "close";
      seal(entries[1], entries[0].hash);
      CHECK(first_broken_link(entries) == 3);
    }
  }
}
