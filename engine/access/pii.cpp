#include "engine/access/pii.hpp"

#include <openssl/evp.h>
#include <sodium.h>

#include <cctype>
#include <vector>

namespace outpost {
namespace {

constexpr std::string_view kPrefix = "x1:";
constexpr char kContext[crypto_kdf_CONTEXTBYTES + 1] = "outpostP";  // 8 bytes
constexpr std::uint64_t kSealSubkey = 1;
constexpr std::uint64_t kIndexSubkey = 2;
constexpr int kBase64 = sodium_base64_VARIANT_ORIGINAL;

// The stored box (nonce, ciphertext, tag) from its padded base64. The box is
// not secret, so this is OpenSSL's table-driven decoder rather than
// libsodium's constant-time one, which cost a list page about 1 M
// instructions (every party of every row is opened to be masked). A box
// changed in storage still fails the AEAD's tag.
std::optional<std::vector<unsigned char>> box_from_base64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0 || text.size() > 1'000'000'000) return std::nullopt;
  std::vector<unsigned char> box(text.size() / 4 * 3);
  const int n = EVP_DecodeBlock(box.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  // EVP_DecodeBlock counts the padding as zero bytes, and skips blanks at the ends.
  const std::size_t padding = (text.back() == '=') + (text[text.size() - 2] == '=');
  if (n < 0 || static_cast<std::size_t>(n) != box.size() ||
      std::isspace(static_cast<unsigned char>(text.front())) ||
      std::isspace(static_cast<unsigned char>(text.back()))) {
    return std::nullopt;
  }
  box.resize(box.size() - padding);
  return box;
}

}  // namespace

Result<PiiKey> PiiKey::from_text(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  PiiKey key;
  std::size_t written = 0;
  if (text.size() != 2 * kBytes ||
      sodium_hex2bin(key.bytes_.data(), key.bytes_.size(), text.data(), text.size(), nullptr,
                     &written, nullptr) != 0 ||
      written != kBytes) {
    return Error::make(ErrorKind::invalid,
                       "the personal-data key must be 64 hexadecimal digits (32 bytes)");
  }
  return key;
}

PiiKey PiiKey::generate() {
  PiiKey key;
  randombytes_buf(key.bytes_.data(), key.bytes_.size());
  return key;
}

std::string PiiKey::to_text() const {
  std::string hex(2 * kBytes + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes_.data(), bytes_.size());
  hex.pop_back();
  return hex;
}

PiiCipher::PiiCipher(const PiiKey& master) {
  crypto_kdf_derive_from_key(seal_key_.data(), seal_key_.size(), kSealSubkey, kContext,
                             master.bytes().data());
  crypto_kdf_derive_from_key(index_key_.data(), index_key_.size(), kIndexSubkey, kContext,
                             master.bytes().data());
}

bool PiiCipher::is_sealed(std::string_view text) {
  return text.starts_with(kPrefix);
}

std::string PiiCipher::seal(std::string_view plaintext) const {
  const std::size_t nonce_bytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  std::vector<unsigned char> box(nonce_bytes + plaintext.size() +
                                 crypto_aead_xchacha20poly1305_ietf_ABYTES);
  randombytes_buf(box.data(), nonce_bytes);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      box.data() + nonce_bytes, &written, reinterpret_cast<const unsigned char*>(plaintext.data()),
      plaintext.size(), reinterpret_cast<const unsigned char*>(kPrefix.data()), kPrefix.size(),
      nullptr, box.data(), seal_key_.data());
  box.resize(nonce_bytes + written);
  std::string out(kPrefix);
  std::string b64(sodium_base64_ENCODED_LEN(box.size(), kBase64), '\0');
  sodium_bin2base64(b64.data(), b64.size(), box.data(), box.size(), kBase64);
  b64.pop_back();  // the terminating NUL
  out += b64;
  return out;
}

std::optional<std::string> PiiCipher::open(std::string_view sealed) const {
  if (!is_sealed(sealed)) return std::nullopt;
  sealed.remove_prefix(kPrefix.size());
  const std::optional<std::vector<unsigned char>> decoded = box_from_base64(sealed);
  if (!decoded) return std::nullopt;
  const std::vector<unsigned char>& box = *decoded;
  const std::size_t box_len = box.size();
  const std::size_t nonce_bytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  if (box_len < nonce_bytes + crypto_aead_xchacha20poly1305_ietf_ABYTES) return std::nullopt;
  std::string clear(box_len - nonce_bytes - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(clear.data()), &written, nullptr,
          box.data() + nonce_bytes, box_len - nonce_bytes,
          reinterpret_cast<const unsigned char*>(kPrefix.data()), kPrefix.size(), box.data(),
          seal_key_.data()) != 0) {
    return std::nullopt;
  }
  clear.resize(written);
  return clear;
}

std::string normalized_phone(std::string_view phone) {
  std::string digits;
  for (char ch : phone) {
    if (std::isdigit(static_cast<unsigned char>(ch))) digits += ch;
  }
  if (digits.size() == 13 && digits.starts_with("86") &&
      (phone.find('+') != std::string_view::npos)) {
    digits.erase(0, 2);
  }
  return digits;
}

std::string PiiCipher::phone_index(std::string_view phone) const {
  const std::string digits = normalized_phone(phone);
  if (digits.empty()) return {};
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, index_key_.data(), index_key_.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(digits.data()),
                                digits.size());
  crypto_auth_hmacsha256_final(&st, mac.data());
  std::string hex(2 * mac.size() + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), mac.data(), mac.size());
  hex.pop_back();
  return hex;
}

}  // namespace outpost
