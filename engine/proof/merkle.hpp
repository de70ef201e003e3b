// File: engine/proof/merkle.hpp
//
// The Merkle tree of RFC 9162 (Certificate Transparency v2, §2.1) as pure
// functions over a source of stored subtree hashes, so a log of millions of
// entries never has to be held in memory:
//
//   leaf hash  = SHA-256(0x00 || d)
//   node hash  = SHA-256(0x01 || left || right)
//   MTH({})    = SHA-256("")
//
// A `NodeSource` answers the hash of any *complete* subtree: level L, index i
// covers the leaves [i·2^L, (i+1)·2^L). Every other hash the algorithms need
// (the root of n leaves, the right edge of an incomplete tree) is combined
// from O(log n) of them, which is why storage keeps only complete subtrees.
//
//   MemoryTree t;                       // or the store's source
//   t.append(leaf_hash(d));
//   auto proof = inclusion_proof(t, 0, t.size());
//   bool ok = verify_inclusion(leaf_hash(d), 0, t.size(), proof, tree_root(t, t.size()));
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace outpost::proof {

using Hash = std::array<unsigned char, 32>;

Hash leaf_hash(std::string_view data);
Hash node_hash(const Hash& left, const Hash& right);
Hash empty_root();

std::string to_hex(const Hash& h);
std::string to_base64(const Hash& h);
std::optional<Hash> hash_from_hex(std::string_view hex);
std::optional<Hash> hash_from_base64(std::string_view b64);

class NodeSource {
 public:
  virtual ~NodeSource() = default;
  // The hash of the complete subtree at `level` and `index`; the caller asks
  // only for subtrees whose leaves all exist.
  virtual Hash complete_subtree(int level, std::int64_t index) const = 0;
};

// MTH(D[begin:end]) for any range that the RFC's recursion visits (begin is
// a multiple of the largest power of two below end - begin, or of the range
// size itself when that is a power of two).
Hash range_hash(const NodeSource& source, std::int64_t begin, std::int64_t end);

// The root of the first `size` leaves.
Hash tree_root(const NodeSource& source, std::int64_t size);

// PATH(index, D[0:size]) of RFC 9162 §2.1.3.1; requires index < size.
std::vector<Hash> inclusion_proof(const NodeSource& source, std::int64_t index, std::int64_t size);

// RFC 9162 §2.1.3.2.
bool verify_inclusion(const Hash& leaf, std::int64_t index, std::int64_t size,
                      const std::vector<Hash>& proof, const Hash& root);

// PROOF(old_size, D[0:new_size]) of RFC 9162 §2.1.4.1; requires
// 0 < old_size <= new_size (empty when equal).
std::vector<Hash> consistency_proof(const NodeSource& source, std::int64_t old_size,
                                    std::int64_t new_size);

// RFC 9162 §2.1.4.2.
bool verify_consistency(std::int64_t old_size, std::int64_t new_size,
                        const std::vector<Hash>& proof, const Hash& old_root, const Hash& new_root);

// The complete subtrees that appending leaf `index` completes: (level 0,
// index) and every parent whose right edge it closes. `source` must already
// answer the left siblings (the subtrees completed by earlier leaves).
struct StoredNode {
  int level = 0;
  std::int64_t index = 0;
  Hash hash{};
};
std::vector<StoredNode> nodes_completed_by(const NodeSource& source, std::int64_t index,
                                           const Hash& leaf);

// All of a small tree in memory: tests, bundles, and a batch's new nodes on
// top of a stored tree (`below`, when given, answers what the map lacks).
class MemoryTree : public NodeSource {
 public:
  explicit MemoryTree(const NodeSource* below = nullptr, std::int64_t size = 0)
      : below_(below), size_(size) {}
  void append(const Hash& leaf);
  std::int64_t size() const { return size_; }
  Hash complete_subtree(int level, std::int64_t index) const override;
  // The nodes appended since construction, in the order they completed.
  const std::vector<StoredNode>& added() const { return added_; }

 private:
  const NodeSource* below_;
  std::int64_t size_;
  std::map<std::pair<int, std::int64_t>, Hash> nodes_;
  std::vector<StoredNode> added_;
};

}  // namespace outpost::proof
