// File: engine/core/sha256.hpp
//
// SHA-256 for every hash the engine computes: the history chain, the list and
// export ETags, the Merkle tree of the history log and the key ids of signed
// checkpoints. It is OpenSSL's libcrypto, which uses the CPU's SHA
// instructions where there are some (libsodium's SHA-256 is portable C: a
// list page's ETag over 50 kB cost about 1 M instructions with it).
//
//   Sha256 h;
//   h.update(prefix).update(bytes);
//   std::array<unsigned char, 32> digest = h.finish();
//   std::array<unsigned char, 32> same = sha256(whole);
#pragma once

#include <array>
#include <string_view>

namespace outpost {

using Sha256Digest = std::array<unsigned char, 32>;

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  Sha256& update(std::string_view bytes);
  Sha256& update(const unsigned char* bytes, std::size_t size);
  // The digest; the object is spent afterwards.
  Sha256Digest finish();

 private:
  void* ctx_;  // EVP_MD_CTX, kept out of this header
};

Sha256Digest sha256(std::string_view bytes);

}  // namespace outpost
