#include "adapters/config/secret_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace outpost::config {

Result<std::string> read_secret_file(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    return Error::make(ErrorKind::invalid, path + " does not exist");
  }
  if ((info.st_mode & 077) != 0) {
    return Error::make(ErrorKind::invalid, path + " may be read by others: chmod 600 " + path);
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return Error::make(ErrorKind::invalid, "cannot read " + path);
  return text.str();
}

Status create_secret_file(const std::string& path, const std::string& text) {
  const std::filesystem::path file(path);
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Error::make(ErrorKind::invalid, "cannot create " + path);
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                       ::fsync(fd) == 0;
  ::close(fd);
  if (!written) return Error::make(ErrorKind::invalid, "cannot write " + path);
  return Ok{};
}

}  // namespace outpost::config
