#include "engine/cases/audit_chain.hpp"

#include <algorithm>
#include <array>

#include <boost/json/serialize.hpp>

#include "engine/core/sha256.hpp"

namespace outpost {
namespace {

void append_canonical(const boost::json::value& v, std::string& out);

void append_canonical(const boost::json::object& obj, std::string& out) {
  std::vector<const boost::json::key_value_pair*> members;
  members.reserve(obj.size());
  for (const auto& kv : obj) members.push_back(&kv);
  std::sort(members.begin(), members.end(),
            [](const auto* a, const auto* b) { return a->key() < b->key(); });
  out.push_back('{');
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (i) out.push_back(',');
    out += boost::json::serialize(boost::json::string_view(members[i]->key()));
    out.push_back(':');
    append_canonical(members[i]->value(), out);
  }
  out.push_back('}');
}

void append_canonical(const boost::json::value& v, std::string& out) {
  if (const auto* obj = v.if_object()) {
    append_canonical(*obj, out);
  } else if (const auto* arr = v.if_array()) {
    out.push_back('[');
    for (std::size_t i = 0; i < arr->size(); ++i) {
      if (i) out.push_back(',');
      append_canonical((*arr)[i], out);
    }
    out.push_back(']');
  } else {
    out += boost::json::serialize(v);
  }
}

void append_string(std::string_view s, std::string& out) {
  out += boost::json::serialize(boost::json::string_view(s.data(), s.size()));
}

}  // namespace

std::string canonical_json(const boost::json::value& v) {
  std::string out;
  append_canonical(v, out);
  return out;
}

std::string sha256_hex(std::string_view bytes) {
  const Sha256Digest digest = sha256(bytes);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(digest.size() * 2, '0');
  for (std::size_t i = 0; i < digest.size(); ++i) {
    hex[2 * i] = kHex[digest[i] >> 4];
    hex[2 * i + 1] = kHex[digest[i] & 0xF];
  }
  return hex;
}

// canonical_row("case_id", e.case_id, e) written out directly, its keys in
// their sorted order: no object is built and `data` is not copied (a case's
// every write seals one row, and the sequencer hashes it again).
std::string canonical_form(const HistoryEntry& e) {
  std::string out = "{\"actor\":";
  append_string(e.actor, out);
  out += ",\"at\":";
  out += std::to_string(e.at);
  out += ",\"case_id\":";
  out += std::to_string(e.case_id);
  out += ",\"data\":";
  append_canonical(e.data, out);
  out += ",\"event\":";
  append_string(e.event, out);
  out += ",\"from_state\":";
  if (e.from_state.empty()) {
    out += "null";
  } else {
    append_string(e.from_state, out);
  }
  out += ",\"seq\":";
  out += std::to_string(e.seq);
  out += ",\"to_state\":";
  append_string(e.to_state, out);
  out += '}';
  return out;
}

void seal(HistoryEntry& e, std::string_view prev_hash) {
  seal_row(e, prev_hash);
}

std::int64_t first_broken_link(const std::vector<HistoryEntry>& entries) {
  return first_broken_link_of(entries);
}

}  // namespace outpost
