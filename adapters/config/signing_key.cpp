#include "adapters/config/signing_key.hpp"

#include <filesystem>

#include "adapters/config/secret_file.hpp"

namespace outpost::config {
namespace {

Error key_error(std::string message) {
  return Error::make(ErrorKind::invalid, "checkpoint signing key: " + std::move(message));
}

Result<LoadedSigningKey> read_key_file(const std::string& path) {
  auto text = read_secret_file(path);
  if (!text) return key_error(text.error().message);
  auto key = proof::SigningKey::from_text(text.value());
  if (!key) return key_error(path + ": " + key.error().message);
  return LoadedSigningKey{key.value(), path, false};
}

}  // namespace

Result<LoadedSigningKey> generate_signing_key_file(const std::string& path,
                                                   const std::string& origin) {
  if (origin.empty() || origin.find('+') != std::string::npos ||
      origin.find_first_of(" \n\t") != std::string::npos) {
    return key_error("the origin must be non-empty, without '+' or spaces");
  }
  const proof::SigningKey key = proof::SigningKey::generate(origin);
  if (Status made = create_secret_file(path, key.to_text() + "\n"); !made) {
    return key_error(made.error().message);
  }
  return LoadedSigningKey{key, path, true};
}

Result<LoadedSigningKey> load_signing_key(const Settings& s) {
  if (!s.audit_signing_key_file.empty()) return read_key_file(s.audit_signing_key_file);
  if (s.database.rfind("sqlite:", 0) != 0) {
    return key_error(
        "PostgreSQL needs a key: run `outpost audit generate-key FILE` once, set [audit] "
        "signing_key_file or OUTPOST_AUDIT_SIGNING_KEY_FILE to FILE, and keep a copy with the "
        "database backups");
  }
  const std::string path = s.database.substr(7) + ".signing-key";
  if (std::filesystem::exists(path)) return read_key_file(path);
  return generate_signing_key_file(path, s.audit_origin);
}

}  // namespace outpost::config
