#include "adapters/http/proof_json.hpp"

#include "adapters/http/case_json.hpp"

namespace outpost::http {
namespace json = boost::json;

namespace {

json::value bad_entry_json(const std::optional<BadEntry>& bad) {
  if (!bad) return nullptr;
  return json::object{{"case_id", bad->case_id},
                      {"seq", bad->seq},
                      {"field", bad->field},
                      {"expected_hash", bad->expected},
                      {"found_hash", bad->found}};
}

json::object entry_json(const BundleEntry& be) {
  const HistoryEntry& e = be.entry;
  json::object o{
      {"case_id", e.case_id},
      {"seq", e.seq},
      {"at", e.at},
      {"actor", e.actor},
      {"event", e.event},
      {"from_state", e.from_state.empty() ? json::value(nullptr) : json::value(e.from_state)},
      {"to_state", e.to_state},
      {"data", e.data},
      {"prev_hash", e.prev_hash},
      {"hash", e.hash},
      {"leaf_index", be.leaf_index},
      {"inclusion_proof", hashes_to_json(be.proof)}};
  return o;
}

const json::value* member(const json::object& o, std::string_view key, json::kind kind) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return nullptr;
  if (kind == json::kind::int64) return v->is_int64() ? v : nullptr;
  return v->kind() == kind ? v : nullptr;
}

std::string text_of(const json::object& o, std::string_view key) {
  const json::value* v = member(o, key, json::kind::string);
  return v ? std::string(v->get_string()) : std::string();
}

Result<BundleEntry> entry_from_json(const json::value& v, const std::string& at) {
  const json::object* o = v.if_object();
  const auto bad = [&](std::string_view field) {
    return Error::invalid_field(at + "." + std::string(field), "is missing or has the wrong type");
  };
  if (!o) return Error::invalid_field(at, "must be an object");
  BundleEntry be;
  HistoryEntry& e = be.entry;
  for (auto [key, out] : {std::pair{"case_id", &e.case_id}, std::pair{"seq", &e.seq},
                          std::pair{"at", &e.at}, std::pair{"leaf_index", &be.leaf_index}}) {
    const json::value* n = member(*o, key, json::kind::int64);
    if (!n) return bad(key);
    *out = n->get_int64();
  }
  for (auto [key, out] : {std::pair{"actor", &e.actor}, std::pair{"event", &e.event},
                          std::pair{"to_state", &e.to_state}, std::pair{"prev_hash", &e.prev_hash},
                          std::pair{"hash", &e.hash}}) {
    if (!member(*o, key, json::kind::string)) return bad(key);
    *out = text_of(*o, key);
  }
  e.from_state = text_of(*o, "from_state");
  const json::value* data = member(*o, "data", json::kind::object);
  const json::value* path = member(*o, "inclusion_proof", json::kind::array);
  if (!data) return bad("data");
  if (!path) return bad("inclusion_proof");
  e.data = data->get_object();
  for (const json::value& h : path->get_array()) {
    auto hash = h.is_string() ? proof::hash_from_base64(h.get_string()) : std::nullopt;
    if (!hash) return bad("inclusion_proof");
    be.proof.push_back(*hash);
  }
  return be;
}

Result<BundleCase> case_from_json(const json::value& v, const std::string& at) {
  const json::object* o = v.if_object();
  if (!o) return Error::invalid_field(at, "must be an object");
  BundleCase c;
  const json::value* id = member(*o, "id", json::kind::int64);
  const json::value* history = member(*o, "history", json::kind::array);
  if (!id || !history) return Error::invalid_field(at, "needs id and history");
  c.id = id->get_int64();
  c.number = text_of(*o, "number");
  c.kind = text_of(*o, "kind");
  c.state = text_of(*o, "state");
  c.category = text_of(*o, "category");
  c.community = text_of(*o, "community");
  c.grid = text_of(*o, "grid");
  for (std::size_t i = 0; i < history->get_array().size(); ++i) {
    auto be = entry_from_json(history->get_array()[i], at + ".history[" + std::to_string(i) + "]");
    if (!be) return be.error();
    c.entries.push_back(std::move(be.value()));
  }
  return c;
}

}  // namespace

json::array hashes_to_json(const std::vector<proof::Hash>& hashes) {
  json::array out;
  for (const proof::Hash& h : hashes) out.emplace_back(proof::to_base64(h));
  return out;
}

json::object verification_to_json(const CaseVerification& v) {
  json::object out{{"case_id", v.case_id},
                   {"ok", v.ok()},
                   {"entries_checked", v.entries_checked},
                   {"first_bad_entry", bad_entry_json(v.first_bad)}};
  if (!v.checkpoint) {
    out["checkpoint"] = nullptr;
    return out;
  }
  out["checkpoint"] = json::object{{"tree_size", v.checkpoint->tree_size},
                                   {"root_hash", proof::to_base64(v.checkpoint->root)},
                                   {"signed_at", format_rfc3339(v.checkpoint->signed_at)},
                                   {"signature_ok", v.signature_ok},
                                   {"entries_included", v.entries_in_checkpoint},
                                   {"entries_after_checkpoint", v.entries_after_checkpoint},
                                   {"all_included", v.signature_ok && !v.first_not_proven},
                                   {"first_not_proven", bad_entry_json(v.first_not_proven)}};
  return out;
}

json::object checkpoint_to_json(const StoredCheckpoint& cp, const proof::VerifierKey& key) {
  return {
      {"tree_size", cp.tree_size},
      {"root_hash", proof::to_base64(cp.root)},
      {"signed_at", format_rfc3339(cp.signed_at)},
      {"boundary", cp.boundary ? json::value(format_rfc3339(*cp.boundary)) : json::value(nullptr)},
      {"note", cp.note},
      {"verifier_key", key.to_text()}};
}

json::object bundle_to_json(const AuditBundle& bundle, const proof::VerifierKey& key) {
  json::array cases;
  for (const BundleCase& c : bundle.cases) {
    json::array parties, history;
    for (const auto& [role, name] : c.parties) {
      parties.push_back(json::object{{"role", role}, {"name", name}});
    }
    for (const BundleEntry& be : c.entries) history.push_back(entry_json(be));
    cases.push_back(json::object{{"id", c.id},
                                 {"number", c.number},
                                 {"kind", c.kind},
                                 {"state", c.state},
                                 {"category", c.category},
                                 {"community", c.community},
                                 {"grid", c.grid},
                                 {"created_at", format_rfc3339(c.created_at)},
                                 {"parties_masked", std::move(parties)},
                                 {"history", std::move(history)}});
  }
  return {{"format", "outpost-audit-bundle/1"},
          {"checkpoint", bundle.checkpoint_note},
          {"verifier_key", key.to_text()},
          {"cases", std::move(cases)}};
}

Result<AuditBundle> bundle_from_json(const json::value& doc) {
  const json::object* o = doc.if_object();
  if (!o || text_of(*o, "format") != "outpost-audit-bundle/1") {
    return Error::invalid_field("format", "is not outpost-audit-bundle/1");
  }
  const json::value* cases = member(*o, "cases", json::kind::array);
  if (!cases || !member(*o, "checkpoint", json::kind::string)) {
    return Error::invalid_field("cases", "needs checkpoint and cases");
  }
  AuditBundle bundle;
  bundle.checkpoint_note = text_of(*o, "checkpoint");
  for (std::size_t i = 0; i < cases->get_array().size(); ++i) {
    auto c = case_from_json(cases->get_array()[i], "cases[" + std::to_string(i) + "]");
    if (!c) return c.error();
    bundle.cases.push_back(std::move(c.value()));
  }
  return bundle;
}

}  // namespace outpost::http
