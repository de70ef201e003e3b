#include "adapters/config/pii_key.hpp"

#include <cstdlib>
#include <filesystem>

#include "adapters/config/secret_file.hpp"

namespace outpost::config {
namespace {

Error key_error(std::string message) {
  return Error::make(ErrorKind::invalid, "personal-data key: " + std::move(message));
}

Result<LoadedPiiKey> read_key_file(const std::string& path) {
  auto text = read_secret_file(path);
  if (!text) return key_error(text.error().message);
  auto key = PiiKey::from_text(text.value());
  if (!key) return key_error(path + ": " + key.error().message);
  return LoadedPiiKey{key.value(), path, false};
}

Result<LoadedPiiKey> create_key_file(const std::string& path) {
  const PiiKey key = PiiKey::generate();
  if (Status made = create_secret_file(path, key.to_text() + "\n"); !made) {
    return key_error(made.error().message);
  }
  return LoadedPiiKey{key, path, true};
}

}  // namespace

Result<LoadedPiiKey> load_pii_key(const Settings& s) {
  if (const char* env = std::getenv("OUTPOST_PII_KEY"); env && *env) {
    auto key = PiiKey::from_text(env);
    if (!key) return key_error("OUTPOST_PII_KEY: " + key.error().message);
    return LoadedPiiKey{key.value(), "OUTPOST_PII_KEY", false};
  }
  if (!s.pii_key_file.empty()) return read_key_file(s.pii_key_file);
  if (s.database.rfind("sqlite:", 0) != 0) {
    return key_error(
        "PostgreSQL needs a key: set OUTPOST_PII_KEY or [pii] key_file to a file holding 64 hex "
        "digits (e.g. `od -An -tx1 -N32 /dev/urandom | tr -d ' \\n' > key; chmod 600 key`), and "
        "keep a copy with the database backups");
  }
  const std::string path = s.database.substr(7) + ".key";
  if (std::filesystem::exists(path)) return read_key_file(path);
  return create_key_file(path);
}

}  // namespace outpost::config
