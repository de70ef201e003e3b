#include "adapters/web/assets.hpp"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <optional>

#include "adapters/http/problem.hpp"
#include "engine/cases/audit_chain.hpp"

namespace outpost::web {
namespace {

constexpr const char* kImmutable = "public, max-age=31536000, immutable";
constexpr const char* kRevalidate = "no-cache";

// The bytes gzip-compressed at the best level; empty if zlib fails.
std::string gzip(std::string_view bytes) {
  z_stream z{};
  if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    return {};
  }
  std::string out(deflateBound(&z, static_cast<uLong>(bytes.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return rc == Z_STREAM_END ? out : std::string();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The comma-separated items of a header value, trimmed, empty ones skipped.
std::vector<std::string_view> list_items(std::string_view value) {
  std::vector<std::string_view> out;
  while (!value.empty()) {
    const std::size_t comma = value.find(',');
    if (auto item = trim(value.substr(0, comma)); !item.empty()) out.push_back(item);
    value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
  }
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

// Accept-Encoding allows gzip: named (or x-gzip), or `*`, with a q-value above 0.
bool accepts_gzip(std::optional<std::string_view> header) {
  if (!header) return false;
  std::optional<bool> gzip, any;
  for (std::string_view item : list_items(*header)) {
    const std::size_t semicolon = item.find(';');
    const std::string_view coding = trim(item.substr(0, semicolon));
    bool allowed = true;
    if (semicolon != std::string_view::npos) {
      std::string_view param = trim(item.substr(semicolon + 1));
      if (param.size() > 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
        param.remove_prefix(2);
        allowed = param.find_first_not_of("0.") != std::string_view::npos;
      }
    }
    if (iequals(coding, "gzip") || iequals(coding, "x-gzip")) gzip = allowed;
    if (coding == "*") any = allowed;
  }
  return gzip.value_or(any.value_or(false));
}

// If-None-Match names `etag` (or is `*`); compared weakly, as RFC 9110 says.
bool none_match_names(std::optional<std::string_view> header, std::string_view etag) {
  if (!header) return false;
  for (std::string_view tag : list_items(*header)) {
    if (tag == "*") return true;
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
  }
  return false;
}

// Vite writes every file but index.html under assets/ with a hash of its
// bytes in the name: the name changes whenever the bytes do.
bool fingerprinted(std::string_view path) {
  return path.starts_with("assets/");
}

// Paths of the API and the probes: an unknown one is a 404 of the API, never
// the console's page.
bool is_api_path(std::string_view path) {
  const std::string_view first = path.substr(0, path.find('/'));
  return first == "api" || first == "open311" || first == "metrics" || first == "readyz" ||
         first.starts_with("health");
}

// A path whose last segment has no '.', which the console's router handles.
bool is_console_route(std::string_view path) {
  return path.substr(path.rfind('/') + 1).find('.') == std::string_view::npos;
}

http::HttpResponse& with_security_headers(http::HttpResponse& res) {
  return res.with_header("Content-Security-Policy", kContentSecurityPolicy)
      .with_header("X-Frame-Options", "DENY")
      .with_header("X-Content-Type-Options", "nosniff")
      .with_header("Referrer-Policy", "same-origin");
}

http::HttpResponse with_security_headers(http::HttpResponse&& res) {
  with_security_headers(res);
  return std::move(res);
}

}  // namespace

AssetServer::AssetServer(const AssetTable& table) {
  for (const Asset& asset : table) {
    File f{asset.content_type, asset.bytes, gzip(asset.bytes), {}, {}, fingerprinted(asset.path)};
    if (f.gzip.size() >= f.bytes.size()) f.gzip.clear();
    const std::string hash = sha256_hex(asset.bytes);
    f.etag = "\"" + hash + "\"";
    f.gzip_etag = "\"" + hash + "-gzip\"";
    files_.insert_or_assign(asset.path, std::move(f));
  }
}

const AssetServer::File* AssetServer::find(std::string_view path) const {
  if (auto it = files_.find(path); it != files_.end()) return &it->second;
  if (!is_console_route(path)) return nullptr;
  auto index = files_.find(std::string_view("index.html"));
  return index == files_.end() ? nullptr : &index->second;
}

http::HttpResponse AssetServer::serve(const http::HttpRequest& req, std::string_view path) const {
  const File* f = req.method == "GET" ? find(path) : nullptr;
  if (!f || is_api_path(path)) {
    return with_security_headers(
        http::problem(Error::make(ErrorKind::not_found, "no resource at this path")));
  }
  const bool zipped = !f->gzip.empty() && accepts_gzip(req.header("accept-encoding"));
  const std::string& etag = zipped ? f->gzip_etag : f->etag;
  http::HttpResponse res{200, f->content_type, {}, {}};
  with_security_headers(res)
      .with_header("ETag", etag)
      .with_header("Cache-Control", f->immutable ? kImmutable : kRevalidate)
      .with_header("Vary", "Accept-Encoding");
  if (none_match_names(req.header("if-none-match"), etag)) {
    res.status = 304;
    return res;
  }
  if (zipped) res.with_header("Content-Encoding", "gzip");
  res.body = zipped ? f->gzip : f->bytes;
  return res;
}

void register_console_routes(http::Router& router, const AssetServer& assets) {
  router.set_fallback([&assets](const http::HttpRequest& req, const http::PathParams&) {
    return assets.serve(req, std::string_view(req.path).substr(1));
  });
}

}  // namespace outpost::web
