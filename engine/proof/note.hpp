// File: engine/proof/note.hpp
//
// Signed checkpoints of the history log as C2SP tlog-checkpoint text inside a
// C2SP signed note (the format of golang.org/x/mod/sumdb/note), so that
// existing transparency-log tools read them:
//
//   outpost.pinganlongfengqiao/history      ← origin (the key's name)
//   1234                                    ← tree size
//   qs2b...base64 root hash...=             ← RFC 9162 root
//   time 1790000000000                      ← extension line: signing time, epoch ms
//                                           ← blank line
//   — outpost.pinganlongfengqiao/history AbCd...base64(key id ‖ Ed25519 signature)
//
// The signature covers the body (the first lines up to and including the
// newline before the blank line). key id = the first 4 bytes (big-endian) of
// SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key), 0x01 being Ed25519's algorithm byte.
// Keys travel as the note package's text: the verifier key is
// "name+<8 hex key id>+base64(0x01 ‖ public key)", the signing key
// "PRIVATE+KEY+name+<key id>+base64(0x01 ‖ 32-byte seed)".
//
//   SigningKey key = SigningKey::generate("outpost.pinganlongfengqiao/history");
//   std::string note = sign_checkpoint({key.name(), size, root, now}, key);
//   auto cp = open_checkpoint(note, key.verifier());   // checks the signature
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/core/clock.hpp"
#include "engine/core/error.hpp"
#include "engine/proof/merkle.hpp"

namespace outpost::proof {

inline constexpr std::string_view kDefaultOrigin = "outpost.pinganlongfengqiao/history";

struct VerifierKey {
  std::string name;
  std::uint32_t key_id = 0;
  std::array<unsigned char, 32> public_key{};

  static Result<VerifierKey> from_text(std::string_view text);
  std::string to_text() const;
};

class SigningKey {
 public:
  static SigningKey generate(std::string name);
  static Result<SigningKey> from_text(std::string_view text);
  std::string to_text() const;

  const std::string& name() const { return name_; }
  VerifierKey verifier() const;
  // base64(key id ‖ Ed25519 signature of `message`).
  std::string signature_of(std::string_view message) const;

 private:
  std::string name_;
  std::array<unsigned char, 32> seed_{};
  std::array<unsigned char, 64> secret_{};
  std::array<unsigned char, 32> public_{};
};

std::uint32_t key_id(std::string_view name, const std::array<unsigned char, 32>& public_key);

struct Checkpoint {
  std::string origin;
  std::int64_t size = 0;
  Hash root{};
  Millis at = 0;
};

// The checkpoint body (origin, size, root, time lines).
std::string checkpoint_body(const Checkpoint& cp);

// The whole signed note: body, blank line, one signature line.
std::string sign_checkpoint(const Checkpoint& cp, const SigningKey& key);

// Parses a signed note and checks its signature by `key` (a line with the
// key's name and id must verify). `invalid` naming what failed otherwise.
Result<Checkpoint> open_checkpoint(std::string_view note, const VerifierKey& key);

}  // namespace outpost::proof
