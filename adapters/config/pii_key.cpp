#include "adapters/config/pii_key.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace outpost::config {
namespace {

Error key_error(std::string message) {
  return Error::make(ErrorKind::invalid, "personal-data key: " + std::move(message));
}

Result<LoadedPiiKey> read_key_file(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return key_error(path + " does not exist");
  if ((info.st_mode & 077) != 0) {
    return key_error(path + " may be read by others: chmod 600 " + path);
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return key_error("cannot read " + path);
  auto key = PiiKey::from_text(text.str());
  if (!key) return key_error(path + ": " + key.error().message);
  return LoadedPiiKey{key.value(), path, false};
}

// Writes a new key with mode 0600 from the start (O_EXCL: never over a file
// that appeared meanwhile).
Result<LoadedPiiKey> create_key_file(const std::string& path) {
  const std::filesystem::path file(path);
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return key_error("cannot create " + path);
  const PiiKey key = PiiKey::generate();
  const std::string text = key.to_text() + "\n";
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                       ::fsync(fd) == 0;
  ::close(fd);
  if (!written) return key_error("cannot write " + path);
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
