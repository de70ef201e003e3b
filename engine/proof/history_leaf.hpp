// File: engine/proof/history_leaf.hpp
//
// A history entry as the signed log sees it. Its leaf data is its canonical
// form (audit_chain.hpp: canonical_form), so the tree commits to the content
// of every entry, not only to its chain hash; and the chain check that names
// the first bad entry.
//
//   proof::Hash leaf = history_leaf_hash(entry);          // SHA-256(0x00 || canonical)
//   if (auto bad = first_bad_link(entries)) report(bad->seq, bad->expected, bad->found);
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/cases/case.hpp"
#include "engine/proof/merkle.hpp"

namespace outpost {

std::string history_leaf_data(const HistoryEntry& e);
proof::Hash history_leaf_hash(const HistoryEntry& e);

// The first entry that does not verify: its chain hash (`field` "hash") or
// its link to the previous entry (`field` "prev_hash"), or, against the
// signed checkpoint, its leaf (`field` "leaf": expected = the leaf hash
// recomputed from the row, found = what the log holds or "" when the proof
// fails).
struct BadEntry {
  CaseId case_id = 0;
  std::int64_t seq = 0;
  std::string field;
  std::string expected;
  std::string found;
};

// The chain check with the first bad entry named (audit_chain.hpp).
std::optional<BadEntry> first_bad_link(const std::vector<HistoryEntry>& entries);

}  // namespace outpost
