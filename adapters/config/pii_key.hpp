// File: adapters/config/pii_key.hpp
//
// Where the personal-data key (engine/access/pii.hpp) comes from, in this order:
//   1. OUTPOST_PII_KEY: 64 hex digits;
//   2. the key file of `[pii] key_file` (OUTPOST_PII_KEY_FILE): 64 hex digits,
//      readable by its owner only (mode 0600 or stricter), else refused;
//   3. with the embedded SQLite default and no key file setting:
//      "<database file>.key", created with mode 0600 on first run.
// PostgreSQL without 1 or 2 is refused: a production database never gets an
// invented key that nobody has backed up.
//
//   auto key = config::load_pii_key(settings);   // error message says what to do
#pragma once

#include "adapters/config/settings.hpp"
#include "engine/access/pii.hpp"
#include "engine/core/error.hpp"

namespace outpost::config {

struct LoadedPiiKey {
  PiiKey key;
  std::string source;  // "OUTPOST_PII_KEY", or the file's path
  bool created = false;
};

Result<LoadedPiiKey> load_pii_key(const Settings& s);

}  // namespace outpost::config
