#include "engine/proof/note.hpp"

#include <sodium.h>

#include <charconv>
#include <vector>

#include "engine/core/sha256.hpp"

namespace outpost::proof {
namespace {

constexpr int kBase64 = sodium_base64_VARIANT_ORIGINAL;
constexpr unsigned char kEd25519 = 0x01;
constexpr std::string_view kDash = "\xE2\x80\x94 ";  // U+2014 EM DASH, then a space
constexpr std::string_view kPrivatePrefix = "PRIVATE+KEY+";

std::string base64_of(const unsigned char* data, std::size_t size) {
  std::string b64(sodium_base64_ENCODED_LEN(size, kBase64), '\0');
  sodium_bin2base64(b64.data(), b64.size(), data, size, kBase64);
  b64.pop_back();
  return b64;
}

std::vector<unsigned char> bytes_of_base64(std::string_view b64) {
  // libsodium's buffers are declared non-null; an empty vector's data() may be null.
  if (b64.empty()) return {};
  std::vector<unsigned char> out(b64.size());
  std::size_t len = 0;
  if (sodium_base642bin(out.data(), out.size(), b64.data(), b64.size(), nullptr, &len, nullptr,
                        kBase64) != 0) {
    return {};
  }
  out.resize(len);
  return out;
}

std::string hex8(std::uint32_t id) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(8, '0');
  for (int i = 7; i >= 0; --i, id >>= 4) out[static_cast<std::size_t>(i)] = kHex[id & 0xF];
  return out;
}

template <typename Int>
bool parse_int(std::string_view text, Int& out, int base = 10) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out, base);
  return ec == std::errc{} && end == text.data() + text.size();
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  for (std::size_t at = text.find(sep); at != std::string_view::npos; at = text.find(sep)) {
    parts.push_back(text.substr(0, at));
    text.remove_prefix(at + 1);
  }
  parts.push_back(text);
  return parts;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// "name+hash+base64(0x01 ‖ 32 bytes)" → name, id and the 32 bytes.
Result<VerifierKey> parse_key_text(std::string_view text, std::string_view what) {
  // name + hash + key; the base64 key may itself contain '+'.
  std::vector<std::string_view> parts = split(trimmed(text), '+');
  if (parts.size() > 3) {
    const std::string_view all = trimmed(text);
    parts[2] = all.substr(parts[0].size() + parts[1].size() + 2);
    parts.resize(3);
  }
  std::uint32_t id = 0;
  if (parts.size() != 3 || parts[0].empty() || parts[1].size() != 8 ||
      !parse_int(parts[1], id, 16)) {
    return Error(ErrorKind::invalid, std::string(what) + ": expected name+hash+key");
  }
  const auto raw = bytes_of_base64(parts[2]);
  if (raw.size() != 33 || raw[0] != kEd25519) {
    return Error(ErrorKind::invalid, std::string(what) + ": not an Ed25519 key");
  }
  VerifierKey key;
  key.name = std::string(parts[0]);
  key.key_id = id;
  std::copy(raw.begin() + 1, raw.end(), key.public_key.begin());
  return key;
}

}  // namespace

std::uint32_t key_id(std::string_view name, const std::array<unsigned char, 32>& public_key) {
  const unsigned char sep[] = {'\n', kEd25519};
  const Sha256Digest digest = Sha256()
                                  .update(name)
                                  .update(sep, sizeof sep)
                                  .update(public_key.data(), public_key.size())
                                  .finish();
  return (std::uint32_t{digest[0]} << 24) | (std::uint32_t{digest[1]} << 16) |
         (std::uint32_t{digest[2]} << 8) | std::uint32_t{digest[3]};
}

Result<VerifierKey> VerifierKey::from_text(std::string_view text) {
  auto key = parse_key_text(text, "verifier key");
  if (key && key.value().key_id != proof::key_id(key.value().name, key.value().public_key)) {
    return Error(ErrorKind::invalid, "verifier key: the key id does not match the key");
  }
  return key;
}

std::string VerifierKey::to_text() const {
  std::array<unsigned char, 33> raw{};
  raw[0] = kEd25519;
  std::copy(public_key.begin(), public_key.end(), raw.begin() + 1);
  return name + "+" + hex8(key_id) + "+" + base64_of(raw.data(), raw.size());
}

SigningKey SigningKey::generate(std::string name) {
  SigningKey key;
  key.name_ = std::move(name);
  randombytes_buf(key.seed_.data(), key.seed_.size());
  crypto_sign_seed_keypair(key.public_.data(), key.secret_.data(), key.seed_.data());
  return key;
}

Result<SigningKey> SigningKey::from_text(std::string_view text) {
  text = trimmed(text);
  if (!text.starts_with(kPrivatePrefix)) {
    return Error(ErrorKind::invalid, "signing key: expected PRIVATE+KEY+name+hash+key");
  }
  auto parsed = parse_key_text(text.substr(kPrivatePrefix.size()), "signing key");
  if (!parsed) return parsed.error();
  SigningKey key;
  key.name_ = parsed.value().name;
  key.seed_ = parsed.value().public_key;  // the 32 bytes are the seed here
  crypto_sign_seed_keypair(key.public_.data(), key.secret_.data(), key.seed_.data());
  if (key_id(key.name_, key.public_) != parsed.value().key_id) {
    return Error(ErrorKind::invalid, "signing key: the key id does not match the key");
  }
  return key;
}

std::string SigningKey::to_text() const {
  std::array<unsigned char, 33> raw{};
  raw[0] = kEd25519;
  std::copy(seed_.begin(), seed_.end(), raw.begin() + 1);
  return std::string(kPrivatePrefix) + name_ + "+" + hex8(key_id(name_, public_)) + "+" +
         base64_of(raw.data(), raw.size());
}

VerifierKey SigningKey::verifier() const {
  return {name_, key_id(name_, public_), public_};
}

std::string SigningKey::signature_of(std::string_view message) const {
  std::array<unsigned char, 4 + crypto_sign_BYTES> out{};
  const std::uint32_t id = key_id(name_, public_);
  for (int i = 0; i < 4; ++i) out[static_cast<std::size_t>(i)] = (id >> (24 - 8 * i)) & 0xFF;
  crypto_sign_detached(out.data() + 4, nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       secret_.data());
  return base64_of(out.data(), out.size());
}

std::string checkpoint_body(const Checkpoint& cp) {
  return cp.origin + "\n" + std::to_string(cp.size) + "\n" + to_base64(cp.root) + "\ntime " +
         std::to_string(cp.at) + "\n";
}

std::string sign_checkpoint(const Checkpoint& cp, const SigningKey& key) {
  const std::string body = checkpoint_body(cp);
  return body + "\n" + std::string(kDash) + key.name() + " " + key.signature_of(body) + "\n";
}

namespace {

bool signature_line_verifies(std::string_view line, std::string_view body, const VerifierKey& key) {
  if (!line.starts_with(kDash)) return false;
  line.remove_prefix(kDash.size());
  const auto space = line.rfind(' ');
  if (space == std::string_view::npos || line.substr(0, space) != key.name) return false;
  const auto raw = bytes_of_base64(line.substr(space + 1));
  if (raw.size() != 4 + crypto_sign_BYTES) return false;
  const std::uint32_t id = (std::uint32_t{raw[0]} << 24) | (std::uint32_t{raw[1]} << 16) |
                           (std::uint32_t{raw[2]} << 8) | std::uint32_t{raw[3]};
  return id == key.key_id &&
         crypto_sign_verify_detached(raw.data() + 4,
                                     reinterpret_cast<const unsigned char*>(body.data()),
                                     body.size(), key.public_key.data()) == 0;
}

Result<Checkpoint> parse_body(std::string_view body) {
  auto lines = split(body, '\n');
  lines.pop_back();  // the body ends with a newline
  Checkpoint cp;
  std::optional<Hash> root;
  if (lines.size() < 3 || lines[0].empty() || !parse_int(lines[1], cp.size) || cp.size < 0 ||
      !(root = hash_from_base64(lines[2]))) {
    return Error(ErrorKind::invalid, "checkpoint: expected origin, tree size and root hash lines");
  }
  cp.origin = std::string(lines[0]);
  cp.root = *root;
  for (std::size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].starts_with("time ")) parse_int(lines[i].substr(5), cp.at);
  }
  return cp;
}

}  // namespace

Result<Checkpoint> open_checkpoint(std::string_view note, const VerifierKey& key) {
  const auto blank = note.find("\n\n");
  if (blank == std::string_view::npos || !note.ends_with('\n')) {
    return Error(ErrorKind::invalid, "checkpoint: not a signed note (no blank line)");
  }
  const std::string_view body = note.substr(0, blank + 1);
  auto cp = parse_body(body);
  if (!cp) return cp;
  bool signed_by_key = false;
  for (std::string_view line : split(note.substr(blank + 2), '\n')) {
    if (!line.empty() && signature_line_verifies(line, body, key)) signed_by_key = true;
  }
  if (!signed_by_key) {
    return Error(ErrorKind::invalid,
                 "checkpoint: no valid signature by " + key.name + "+" + hex8(key.key_id));
  }
  if (cp.value().origin != key.name) {
    return Error(ErrorKind::invalid,
                 "checkpoint: origin " + cp.value().origin + " is not the key's name " + key.name);
  }
  return cp;
}

}  // namespace outpost::proof
