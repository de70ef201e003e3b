#include "adapters/http/conditional_get.hpp"

#include <cstdio>
#include <utility>

#include <xxhash.h>

namespace outpost::http {

namespace {

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The opaque tag without a weakness prefix: weak comparison ignores it.
std::string_view opaque(std::string_view tag) {
  if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);
  return tag;
}

}  // namespace

// XXH3's 128 bits, not a cryptographic hash: a weak tag only has to differ
// between two answers of one URL, and SHA-256 took 7 % of the server's CPU
// for a page of a list (50 kB; bench/profile.sh list).
std::string weak_etag_of(std::string_view body) {
  const XXH128_hash_t h = XXH3_128bits(body.data(), body.size());
  char tag[40];
  std::snprintf(tag, sizeof tag, "W/\"%016llx%016llx\"", static_cast<unsigned long long>(h.high64),
                static_cast<unsigned long long>(h.low64));
  return tag;
}

bool none_match(std::string_view if_none_match, std::string_view etag) {
  std::string_view rest = if_none_match;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view tag = trimmed(rest.substr(0, comma));
    if (tag == "*" || (!tag.empty() && opaque(tag) == opaque(etag))) return true;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return false;
}

HttpResponse conditional(const HttpRequest& req, HttpResponse res) {
  if (res.status != 200 || res.stream) return res;
  std::string etag = weak_etag_of(res.body);
  const auto asked = req.header("if-none-match");
  if (asked && none_match(*asked, etag)) {
    HttpResponse not_modified{304, res.content_type, {}, {}};
    not_modified.with_header("ETag", std::move(etag));
    return not_modified;
  }
  res.with_header("ETag", std::move(etag));
  return res;
}

}  // namespace outpost::http
