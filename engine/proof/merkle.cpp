#include "engine/proof/merkle.hpp"

#include <sodium.h>

#include <bit>
#include <stdexcept>

#include "engine/core/sha256.hpp"

namespace outpost::proof {
namespace {

constexpr int kBase64 = sodium_base64_VARIANT_ORIGINAL;

Hash sha256_of(unsigned char prefix, std::string_view a, std::string_view b = {}) {
  return Sha256().update(&prefix, 1).update(a).update(b).finish();
}

std::string_view bytes_of(const Hash& h) {
  return {reinterpret_cast<const char*>(h.data()), h.size()};
}

// The largest power of two strictly below n (n >= 2).
std::int64_t split_point(std::int64_t n) {
  return static_cast<std::int64_t>(std::bit_floor(static_cast<std::uint64_t>(n - 1)));
}

bool is_power_of_two(std::int64_t n) {
  return n > 0 && std::has_single_bit(static_cast<std::uint64_t>(n));
}

// PATH(m, D[begin:end]) appended to `out`, deepest sibling first.
void path(const NodeSource& source, std::int64_t m, std::int64_t begin, std::int64_t end,
          std::vector<Hash>& out) {
  const std::int64_t n = end - begin;
  if (n <= 1) return;
  const std::int64_t k = split_point(n);
  if (m < k) {
    path(source, m, begin, begin + k, out);
    out.push_back(range_hash(source, begin + k, end));
  } else {
    path(source, m - k, begin + k, end, out);
    out.push_back(range_hash(source, begin, begin + k));
  }
}

// SUBPROOF(m, D[begin:end], whole) appended to `out`.
void subproof(const NodeSource& source, std::int64_t m, std::int64_t begin, std::int64_t end,
              bool whole, std::vector<Hash>& out) {
  const std::int64_t n = end - begin;
  if (m == n) {
    if (!whole) out.push_back(range_hash(source, begin, end));
    return;
  }
  const std::int64_t k = split_point(n);
  if (m <= k) {
    subproof(source, m, begin, begin + k, whole, out);
    out.push_back(range_hash(source, begin + k, end));
  } else {
    subproof(source, m - k, begin + k, end, false, out);
    out.push_back(range_hash(source, begin, begin + k));
  }
}

void shift_while_even(std::int64_t& fn, std::int64_t& sn) {
  while ((fn & 1) == 0 && fn != 0) {
    fn >>= 1;
    sn >>= 1;
  }
}

}  // namespace

Hash leaf_hash(std::string_view data) {
  return sha256_of(0x00, data);
}

Hash node_hash(const Hash& left, const Hash& right) {
  return sha256_of(0x01, bytes_of(left), bytes_of(right));
}

Hash empty_root() {
  Hash out{};
  crypto_hash_sha256(out.data(), nullptr, 0);
  return out;
}

std::string to_hex(const Hash& h) {
  std::string hex(h.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), h.data(), h.size());
  hex.pop_back();
  return hex;
}

std::string to_base64(const Hash& h) {
  std::string b64(sodium_base64_ENCODED_LEN(h.size(), kBase64), '\0');
  sodium_bin2base64(b64.data(), b64.size(), h.data(), h.size(), kBase64);
  b64.pop_back();
  return b64;
}

std::optional<Hash> hash_from_hex(std::string_view hex) {
  Hash h{};
  std::size_t len = 0;
  if (hex.size() != 64 ||
      sodium_hex2bin(h.data(), h.size(), hex.data(), hex.size(), nullptr, &len, nullptr) != 0 ||
      len != h.size()) {
    return std::nullopt;
  }
  return h;
}

std::optional<Hash> hash_from_base64(std::string_view b64) {
  if (b64.empty()) return std::nullopt;  // a default string_view's data() is null
  Hash h{};
  std::size_t len = 0;
  if (sodium_base642bin(h.data(), h.size(), b64.data(), b64.size(), nullptr, &len, nullptr,
                        kBase64) != 0 ||
      len != h.size()) {
    return std::nullopt;
  }
  return h;
}

Hash range_hash(const NodeSource& source, std::int64_t begin, std::int64_t end) {
  const std::int64_t n = end - begin;
  if (n <= 0) return empty_root();
  if (is_power_of_two(n) && begin % n == 0) {
    const int level = std::countr_zero(static_cast<std::uint64_t>(n));
    return source.complete_subtree(level, begin >> level);
  }
  const std::int64_t k = split_point(n);
  return node_hash(range_hash(source, begin, begin + k), range_hash(source, begin + k, end));
}

Hash tree_root(const NodeSource& source, std::int64_t size) {
  return range_hash(source, 0, size);
}

std::vector<Hash> inclusion_proof(const NodeSource& source, std::int64_t index, std::int64_t size) {
  std::vector<Hash> out;
  if (index < 0 || index >= size) return out;
  path(source, index, 0, size, out);
  return out;
}

bool verify_inclusion(const Hash& leaf, std::int64_t index, std::int64_t size,
                      const std::vector<Hash>& proof, const Hash& root) {
  if (index < 0 || index >= size) return false;
  std::int64_t fn = index;
  std::int64_t sn = size - 1;
  Hash r = leaf;
  for (const Hash& p : proof) {
    if (sn == 0) return false;
    if ((fn & 1) == 1 || fn == sn) {
      r = node_hash(p, r);
      shift_while_even(fn, sn);
    } else {
      r = node_hash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

std::vector<Hash> consistency_proof(const NodeSource& source, std::int64_t old_size,
                                    std::int64_t new_size) {
  std::vector<Hash> out;
  if (old_size <= 0 || old_size >= new_size) return out;
  subproof(source, old_size, 0, new_size, true, out);
  return out;
}

bool verify_consistency(std::int64_t old_size, std::int64_t new_size,
                        const std::vector<Hash>& proof, const Hash& old_root,
                        const Hash& new_root) {
  if (old_size < 0 || old_size > new_size) return false;
  if (old_size == new_size) return proof.empty() && old_root == new_root;
  if (old_size == 0) return proof.empty();
  if (proof.empty()) return false;
  std::vector<Hash> path_hashes;
  if (is_power_of_two(old_size)) path_hashes.push_back(old_root);
  path_hashes.insert(path_hashes.end(), proof.begin(), proof.end());
  std::int64_t fn = old_size - 1;
  std::int64_t sn = new_size - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path_hashes.front();
  Hash sr = path_hashes.front();
  for (std::size_t i = 1; i < path_hashes.size(); ++i) {
    const Hash& c = path_hashes[i];
    if (sn == 0) return false;
    if ((fn & 1) == 1 || fn == sn) {
      fr = node_hash(c, fr);
      sr = node_hash(c, sr);
      shift_while_even(fn, sn);
    } else {
      sr = node_hash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && fr == old_root && sr == new_root;
}

std::vector<StoredNode> nodes_completed_by(const NodeSource& source, std::int64_t index,
                                           const Hash& leaf) {
  std::vector<StoredNode> out{{0, index, leaf}};
  Hash h = leaf;
  std::int64_t i = index;
  int level = 0;
  while ((i & 1) == 1) {
    h = node_hash(source.complete_subtree(level, i - 1), h);
    i >>= 1;
    ++level;
    out.push_back({level, i, h});
  }
  return out;
}

void MemoryTree::append(const Hash& leaf) {
  for (const StoredNode& node : nodes_completed_by(*this, size_, leaf)) {
    nodes_[{node.level, node.index}] = node.hash;
    added_.push_back(node);
  }
  ++size_;
}

Hash MemoryTree::complete_subtree(int level, std::int64_t index) const {
  if (auto it = nodes_.find({level, index}); it != nodes_.end()) return it->second;
  if (below_ != nullptr) return below_->complete_subtree(level, index);
  throw std::out_of_range("MemoryTree: no subtree at level " + std::to_string(level) + " index " +
                          std::to_string(index));
}

}  // namespace outpost::proof
