// File: adapters/cli/document_commands.hpp
//
//   outpost audit verify-document FILE.pdf
// Recomputes the file's SHA-256, finds the stored document with it and its
// `generate_document` history entry, checks the case's chain, and — when a
// checkpoint is signed — the entry's inclusion under the signed root
// (docs/PROOF.md). Exit 0: verified; 1: not an Outpost document or the
// record does not prove it (the reason in zh-CN and English); 2: unreadable
// file or configuration.
#pragma once

#include <string>

#include "adapters/storage/stores.hpp"
#include "engine/proof/history_proofs.hpp"

namespace outpost::cli {

int verify_document(Stores& stores, HistoryProofs& proofs, const std::string& file);

}  // namespace outpost::cli
