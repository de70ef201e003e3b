// File: engine/cases/audit_chain.hpp
//
// The tamper-evident history. Each case's history rows form a hash chain:
//
//   hash(n) = SHA-256( prev_hash(n) || canonical(entry n) ), hex-encoded,
//   prev_hash(1) = 64 × "0", prev_hash(n) = hash(n-1).
//
// canonical(entry) is the compact JSON object with keys sorted by code point
// and no insignificant white space:
//   {"actor":…,"at":<epoch ms>,"case_id":…,"data":{…},"event":…,
//    "from_state":…,"seq":…,"to_state":…}
// `from_state` is null for the creating row. Objects inside `data` are sorted
// the same way, so any verifier that can sort JSON keys can recompute a chain
// from the history API alone (converting `at` back to epoch milliseconds).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "engine/cases/case.hpp"

namespace outpost {

inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// Compact JSON with object keys sorted recursively.
std::string canonical_json(const boost::json::value& v);

std::string sha256_hex(std::string_view bytes);

std::string canonical_form(const HistoryEntry& e);

// The canonical form of any chained row, its owner named by `owner_key`
// ("case_id" for cases, "audit_id" for audits): the keys of canonical_form.
template <class Entry>
std::string canonical_row(std::string_view owner_key, std::int64_t owner, const Entry& e) {
  boost::json::object o;
  o["actor"] = e.actor;
  o["at"] = e.at;
  o[owner_key] = owner;
  o["data"] = e.data;
  o["event"] = e.event;
  // The creating row has no previous state: null, exactly as the history API shows it.
  if (e.from_state.empty()) {
    o["from_state"] = nullptr;
  } else {
    o["from_state"] = e.from_state;
  }
  o["seq"] = e.seq;
  o["to_state"] = e.to_state;
  return canonical_json(o);
}

// Sets e.prev_hash and e.hash of any chained row with a canonical_form(e).
template <class Entry>
void seal_row(Entry& e, std::string_view prev_hash) {
  e.prev_hash = std::string(prev_hash);
  e.hash = sha256_hex(e.prev_hash + canonical_form(e));
}

// Sets e.prev_hash and e.hash.
void seal(HistoryEntry& e, std::string_view prev_hash);

// The seq of the first row that does not verify, or 0 when the chain is intact.
std::int64_t first_broken_link(const std::vector<HistoryEntry>& entries);

// The same walk for any chain whose rows have seq, prev_hash and hash and a
// canonical_form(row) (the audits' history, engine/audits/audit.hpp).
template <class Entry>
std::int64_t first_broken_link_of(const std::vector<Entry>& entries) {
  std::string expected_prev(kGenesisHash);
  for (const auto& e : entries) {
    if (e.prev_hash != expected_prev || sha256_hex(e.prev_hash + canonical_form(e)) != e.hash) {
      return e.seq;
    }
    expected_prev = e.hash;
  }
  return 0;
}

}  // namespace outpost
