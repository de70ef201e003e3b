#include "engine/core/sha256.hpp"

#include <openssl/evp.h>

#include <new>
#include <stdexcept>

namespace outpost {
namespace {

// Fetched once: an implicit fetch on every digest costs a provider lookup.
const EVP_MD* sha256_md() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (md == nullptr) throw std::runtime_error("SHA-256: libcrypto has no SHA256");
  return md;
}

EVP_MD_CTX* ctx_of(void* p) {
  return static_cast<EVP_MD_CTX*>(p);
}

}  // namespace

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr) throw std::bad_alloc();
  if (EVP_DigestInit_ex2(ctx_of(ctx_), sha256_md(), nullptr) != 1) {
    EVP_MD_CTX_free(ctx_of(ctx_));
    throw std::runtime_error("SHA-256: libcrypto refused to start a digest");
  }
}

Sha256::~Sha256() {
  EVP_MD_CTX_free(ctx_of(ctx_));
}

Sha256& Sha256::update(const unsigned char* bytes, std::size_t size) {
  if (size > 0 && EVP_DigestUpdate(ctx_of(ctx_), bytes, size) != 1) {
    throw std::runtime_error("SHA-256: libcrypto refused the input");
  }
  return *this;
}

Sha256& Sha256::update(std::string_view bytes) {
  return update(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

Sha256Digest Sha256::finish() {
  Sha256Digest out{};
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(ctx_of(ctx_), out.data(), &size) != 1 || size != out.size()) {
    throw std::runtime_error("SHA-256: libcrypto did not finish the digest");
  }
  return out;
}

Sha256Digest sha256(std::string_view bytes) {
  return Sha256().update(bytes).finish();
}

}  // namespace outpost
