#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "engine/proof/merkle.hpp"

using namespace outpost::proof;

namespace {

// The eight leaves of the Certificate Transparency reference tests
// (RFC 6962 implementation, merkle_tree_test); the expected roots and proofs
// below are the published values of those tests.
const std::vector<std::string> kLeavesHex = {"",
                                             "00",
                                             "10",
                                             "2021",
                                             "3031",
                                             "40414243",
                                             "5051525354555657",
                                             "606162636465666768696a6b6c6d6e6f"};

std::string unhex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

MemoryTree reference_tree(std::size_t n) {
  MemoryTree t;
  for (std::size_t i = 0; i < n; ++i) t.append(leaf_hash(unhex(kLeavesHex[i])));
  return t;
}

std::vector<std::string> hexes(const std::vector<Hash>& hashes) {
  std::vector<std::string> out;
  for (const Hash& x : hashes) out.push_back(to_hex(x));
  return out;
}

MemoryTree numbered_tree(int n) {
  MemoryTree t;
  for (int i = 0; i < n; ++i) t.append(leaf_hash("entry " + std::to_string(i)));
  return t;
}

}  // namespace

TEST_SUITE("proof_merkle") {
  TEST_CASE("roots match the RFC 6962 reference vectors") {
    CHECK(to_hex(empty_root()) ==
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const char* roots[] = {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                           "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
                           "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
                           "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                           "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
                           "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
                           "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
                           "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};
    const MemoryTree all = reference_tree(8);
    for (int n = 1; n <= 8; ++n) {
      CAPTURE(n);
      CHECK(to_hex(tree_root(all, n)) == roots[n - 1]);
      CHECK(to_hex(tree_root(reference_tree(static_cast<std::size_t>(n)), n)) == roots[n - 1]);
    }
  }

  TEST_CASE("inclusion proofs match the reference vectors and verify") {
    const MemoryTree t = reference_tree(8);
    struct Vector {
      std::int64_t index, size;
      std::vector<std::string> path;
    };
    const std::vector<Vector> vectors = {
        {0, 1, {}},
        {0,
         8,
         {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
          "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
        {5,
         8,
         {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
          "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
          "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
        {2, 3, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
        {1,
         5,
         {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
          "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
    };
    for (const Vector& v : vectors) {
      CAPTURE(v.index);
      CAPTURE(v.size);
      const auto proof = inclusion_proof(t, v.index, v.size);
      CHECK(hexes(proof) == v.path);
      const Hash leaf = t.complete_subtree(0, v.index);
      CHECK(verify_inclusion(leaf, v.index, v.size, proof, tree_root(t, v.size)));
    }
  }

  TEST_CASE("consistency proofs match the reference vectors and verify") {
    const MemoryTree t = reference_tree(8);
    struct Vector {
      std::int64_t from, to;
      std::vector<std::string> path;
    };
    const std::vector<Vector> vectors = {
        {1, 1, {}},
        {1,
         8,
         {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
          "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
        {6,
         8,
         {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
          "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
          "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
        {2,
         5,
         {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
    };
    for (const Vector& v : vectors) {
      CAPTURE(v.from);
      CAPTURE(v.to);
      const auto proof = consistency_proof(t, v.from, v.to);
      CHECK(hexes(proof) == v.path);
      CHECK(verify_consistency(v.from, v.to, proof, tree_root(t, v.from), tree_root(t, v.to)));
    }
  }

  TEST_CASE("every proof of trees up to 40 leaves verifies, and a changed leaf or root fails") {
    const MemoryTree t = numbered_tree(40);
    for (std::int64_t n = 1; n <= 40; ++n) {
      const Hash root = tree_root(t, n);
      for (std::int64_t i = 0; i < n; ++i) {
        const auto proof = inclusion_proof(t, i, n);
        const Hash leaf = t.complete_subtree(0, i);
        REQUIRE(verify_inclusion(leaf, i, n, proof, root));
        CHECK_FALSE(verify_inclusion(leaf_hash("forged"), i, n, proof, root));
        if (n > 1) CHECK_FALSE(verify_inclusion(leaf, (i + 1) % n, n, proof, root));
      }
      for (std::int64_t m = 1; m <= n; ++m) {
        const auto proof = consistency_proof(t, m, n);
        const Hash old_root = tree_root(t, m);
        REQUIRE(verify_consistency(m, n, proof, old_root, root));
        if (m < n) CHECK_FALSE(verify_consistency(m, n, proof, leaf_hash("forged"), root));
      }
    }
  }

  TEST_CASE("a tree stacked on a stored one gives the same roots and reports its new nodes") {
    const MemoryTree whole = numbered_tree(13);
    MemoryTree base = numbered_tree(7);
    MemoryTree batch(&base, 7);
    for (int i = 7; i < 13; ++i) batch.append(leaf_hash("entry " + std::to_string(i)));
    CHECK(tree_root(batch, 13) == tree_root(whole, 13));
    // Leaves 7..12 complete 6 leaf nodes and the subtrees (1,3) (2,1) (3,0) (1,4) (1,5) (2,2).
    CHECK(batch.added().size() == 12);
  }

  TEST_CASE("proofs of a bad index or size are refused") {
    const MemoryTree t = numbered_tree(4);
    CHECK(inclusion_proof(t, 4, 4).empty());
    CHECK_FALSE(verify_inclusion(t.complete_subtree(0, 0), 4, 4, {}, tree_root(t, 4)));
    CHECK_FALSE(verify_consistency(3, 2, {}, tree_root(t, 3), tree_root(t, 2)));
    CHECK_FALSE(verify_consistency(2, 4, {}, tree_root(t, 2), tree_root(t, 4)));
  }

  TEST_CASE("a hash's base64 is 32 bytes or refused, an empty one too") {
    const Hash h = leaf_hash("a");
    CHECK(hash_from_base64(to_base64(h)) == h);
    CHECK_FALSE(hash_from_base64(""));
    CHECK_FALSE(hash_from_base64(std::string_view{}));  // data() is null: not passed on
    CHECK_FALSE(hash_from_base64(to_base64(h).substr(0, 40)));
  }
}
