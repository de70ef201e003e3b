// File: adapters/config/secret_file.hpp
//
// Key files (the personal-data key, the checkpoint signing key): read only
// when no one but the owner may read them (mode 0600 or stricter), created
// with mode 0600 from the start and never over an existing file.
//
//   auto text = config::read_secret_file(path);       // error says chmod 600 …
//   auto made = config::create_secret_file(path, key.to_text() + "\n");
#pragma once

#include <string>

#include "engine/core/error.hpp"

namespace outpost::config {

Result<std::string> read_secret_file(const std::string& path);
Status create_secret_file(const std::string& path, const std::string& text);

}  // namespace outpost::config
