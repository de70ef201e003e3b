// File: adapters/http/proof_json.hpp
//
// JSON shapes of the history proofs (docs/PROOF.md, openapi.json): a case's
// verification, a signed checkpoint, and the audit bundle, which is also read
// back (`outpost audit verify-export`). Tree hashes are base64 (as in the
// signed note), chain hashes hex (as in the history API). A history entry in
// a bundle keeps `at` as epoch milliseconds, so its canonical form
// (audit_chain.hpp) is recomputed byte for byte.
//
//   std::string text = boost::json::serialize(bundle_to_json(bundle));
//   auto again = bundle_from_json(boost::json::parse(text));
#pragma once

#include <boost/json/value.hpp>

#include "engine/proof/audit_bundle.hpp"
#include "engine/proof/history_proofs.hpp"

namespace outpost::http {

boost::json::object verification_to_json(const CaseVerification& v);
boost::json::object checkpoint_to_json(const StoredCheckpoint& cp, const proof::VerifierKey& key);
boost::json::array hashes_to_json(const std::vector<proof::Hash>& hashes);

boost::json::object bundle_to_json(const AuditBundle& bundle, const proof::VerifierKey& key);
// `invalid` naming the first field that does not fit.
Result<AuditBundle> bundle_from_json(const boost::json::value& doc);

}  // namespace outpost::http
