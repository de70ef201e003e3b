// File: adapters/config/signing_key.hpp
//
// Where the history checkpoints' Ed25519 signing key (engine/proof/note.hpp)
// comes from, by the same rules as the personal-data key (pii_key.hpp):
//   1. the key file of `[audit] signing_key_file` (OUTPOST_AUDIT_SIGNING_KEY_FILE),
//      readable by its owner only (mode 0600 or stricter), else refused;
//   2. with the embedded SQLite default and no setting:
//      "<database file>.signing-key", created with mode 0600 on first run,
//      named `[audit] origin` (default "outpost.pinganlongfengqiao/history").
// PostgreSQL without 1 is refused. The file holds the note package's signer
// text, "PRIVATE+KEY+<name>+<key id>+<base64>"; `outpost audit generate-key
// FILE` writes one.
//
//   auto key = config::load_signing_key(settings);
//   std::cout << key.value().key.verifier().to_text();   // what reviewers get
#pragma once

#include "adapters/config/settings.hpp"
#include "engine/core/error.hpp"
#include "engine/proof/note.hpp"

namespace outpost::config {

struct LoadedSigningKey {
  proof::SigningKey key;
  std::string source;  // the file's path
  bool created = false;
};

Result<LoadedSigningKey> load_signing_key(const Settings& s);

// Writes a new key named `origin` to `path` (mode 0600; never over a file).
Result<LoadedSigningKey> generate_signing_key_file(const std::string& path,
                                                   const std::string& origin);

}  // namespace outpost::config
