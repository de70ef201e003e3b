// File: engine/access/pii.hpp
//
// Personal data at rest (PIPL): the parties of a case (names, phone numbers,
// ID numbers) are stored encrypted with an AEAD cipher (libsodium
// XChaCha20-Poly1305, a fresh random 192-bit nonce per value), and phone
// numbers are looked up through a keyed hash (a blind index, HMAC-SHA256), so
// that neither the database file nor a dump holds them in clear. Pure
// computation; the key comes from adapters/config (a 0600 file or an
// environment variable).
//
//   auto key = PiiKey::from_text(text);           // 64 hex digits
//   PiiCipher cipher(key.value());
//   std::string sealed = cipher.seal(R"([{"name":"张三"}])");   // "x1:<base64>"
//   auto clear = cipher.open(sealed);             // integrity-checked
//   std::string idx = cipher.phone_index("138 0013 8000");   // same as for "13800138000"
//
// The master key is never used directly: libsodium's KDF derives one subkey
// for encryption and one for the blind index, so neither reveals the other.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "engine/core/error.hpp"

namespace outpost {

class PiiKey {
 public:
  static constexpr std::size_t kBytes = 32;
  // 64 hexadecimal digits (surrounding whitespace ignored).
  static Result<PiiKey> from_text(std::string_view text);
  // A new random key.
  static PiiKey generate();
  // 64 lowercase hex digits, for the key file.
  std::string to_text() const;
  const std::array<unsigned char, kBytes>& bytes() const { return bytes_; }

 private:
  std::array<unsigned char, kBytes> bytes_{};
};

class PiiCipher {
 public:
  explicit PiiCipher(const PiiKey& master);

  // "x1:" + base64(nonce ‖ ciphertext ‖ tag).
  std::string seal(std::string_view plaintext) const;
  // nullopt when `sealed` is not ours or was altered.
  std::optional<std::string> open(std::string_view sealed) const;
  static bool is_sealed(std::string_view text);

  // 64 hex digits: HMAC-SHA256 of the phone number's digits (spaces, dashes
  // and a leading +86 dropped). Empty for a value without digits.
  std::string phone_index(std::string_view phone) const;

 private:
  std::array<unsigned char, 32> seal_key_{};
  std::array<unsigned char, 32> index_key_{};
};

// The digits a phone number is compared by: "+86 138-0013-8000" → "13800138000".
std::string normalized_phone(std::string_view phone);

}  // namespace outpost
