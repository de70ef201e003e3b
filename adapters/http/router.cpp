#include "adapters/http/router.hpp"

#include <algorithm>
#include <exception>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "adapters/http/problem.hpp"
#include "engine/cases/annotations.hpp"

namespace outpost::http {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 1;
  while (start <= path.size()) {
    const std::size_t end = path.find('/', start);
    const std::size_t stop = end == std::string_view::npos ? path.size() : end;
    out.push_back(path.substr(start, stop - start));
    start = stop + 1;
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%') {
      if (i + 2 >= in.size()) return std::nullopt;
      const int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (plus_is_space && in[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(in[i]);
    }
  }
  return out;
}

// Decoded text a handler may trust: UTF-8 without U+0000 (which PostgreSQL's
// text cannot hold).
bool clean_text(std::string_view text) {
  return text.find('\0') == std::string_view::npos && is_valid_utf8(text);
}

// A path whose meaning decoding would change is refused rather than guessed
// at: an encoded '/' or '\\' would turn one segment into two, and a "." or
// ".." segment names another path (a way out of a file tree).
bool plain_path(std::string_view raw, std::string_view decoded) {
  for (const std::string_view escape : {"%2f", "%2F", "%5c", "%5C"}) {
    if (raw.find(escape) != std::string_view::npos) return false;
  }
  for (const std::string_view segment : split_path(decoded)) {
    if (segment == "." || segment == "..") return false;
  }
  return decoded.find('\\') == std::string_view::npos && clean_text(decoded);
}

}  // namespace

std::optional<std::string_view> HttpRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

std::optional<std::string_view> HttpRequest::query_param(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

std::optional<Target> parse_target(std::string_view target) {
  if (target.empty() || target.front() != '/') return std::nullopt;
  Target t;
  const std::size_t q = target.find('?');
  auto path = percent_decode(target.substr(0, q), false);
  if (!path || !plain_path(target.substr(0, q), *path)) return std::nullopt;
  t.path = std::move(*path);
  if (q == std::string_view::npos) return t;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const std::size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq), true);
    auto value = percent_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (!key || !value || !clean_text(*key) || !clean_text(*value)) return std::nullopt;
    t.query.emplace_back(std::move(*key), std::move(*value));
  }
  return t;
}

std::string_view PathParams::get(std::string_view name) const {
  for (const auto& [k, v] : values) {
    if (k == name) return v;
  }
  return {};
}

Router::Segment Router::parse_segment(std::string_view text) {
  Segment out;
  while (!text.empty()) {
    const std::size_t open = text.find('{');
    const std::size_t close = open == std::string_view::npos ? open : text.find('}', open);
    if (close == std::string_view::npos) {
      out.push_back({std::string(text), false});
      break;
    }
    if (open > 0) out.push_back({std::string(text.substr(0, open)), false});
    if (!out.empty() && out.back().param) {
      throw std::invalid_argument("two placeholders with no literal between them");
    }
    out.push_back({std::string(text.substr(open + 1, close - open - 1)), true});
    text.remove_prefix(close + 1);
  }
  return out;
}

void Router::add(std::string method, std::string pattern, Handler handler) {
  Route r{std::move(method), {}, false, std::move(handler), pattern};
  for (auto seg : split_path(pattern)) {
    if (r.rest) throw std::invalid_argument("\"*\" must be the last segment of " + pattern);
    if (seg == "*") {
      r.rest = true;
    } else {
      r.segments.push_back(parse_segment(seg));
    }
  }
  routes_.push_back(std::move(r));
}

std::vector<Router::Listed> Router::listing() const {
  std::vector<Listed> out;
  for (const Route& r : routes_) out.push_back({r.method, r.pattern});
  return out;
}

void Router::set_fallback(Handler handler) {
  fallback_ = std::move(handler);
}

bool Router::match_segment(const Segment& pieces, std::string_view text, PathParams& params) {
  if (pieces.empty()) return text.empty();  // the pattern "/": one empty segment
  if (pieces.size() == 1 && !pieces.front().param) return text == pieces.front().text;
  // ok(i, j): pieces i.. match text from j to its end. Filled from the last
  // piece back, each cell once: time and space (pieces + 1) * (length + 1),
  // however many placeholders the pattern holds (no backtracking).
  const std::size_t count = pieces.size(), size = text.size();
  std::vector<char> table((count + 1) * (size + 1), 0);
  const auto ok = [&](std::size_t i, std::size_t j) -> char& { return table[i * (size + 1) + j]; };
  ok(count, size) = 1;
  for (std::size_t i = count; i-- > 0;) {
    const Piece& piece = pieces[i];
    if (!piece.param) {  // where the literal occurs (parse_segment makes none empty)
      for (std::size_t j = text.find(piece.text); j != std::string_view::npos;
           j = text.find(piece.text, j + 1)) {
        ok(i, j) = ok(i + 1, j + piece.text.size());
      }
    } else if (i + 1 == count) {
      for (std::size_t j = 0; j < size; ++j) ok(i, j) = 1;  // at least one character
    } else {
      // At least one character, then the rest from some later k.
      char later = 0;
      for (std::size_t j = size; j-- > 0;) {
        later = later || ok(i + 1, j + 1);
        ok(i, j) = later;
      }
    }
  }
  if (!ok(0, 0)) return false;
  // Each placeholder takes as much as still lets the rest match: the
  // greatest k from which the rest matches (there is one, ok(i, j) says so).
  std::size_t j = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const Piece& piece = pieces[i];
    if (!piece.param) {
      j += piece.text.size();
      continue;
    }
    std::size_t k = size;
    if (i + 1 < count) {
      while (!ok(i + 1, k)) --k;
    }
    params.values.emplace_back(piece.text, std::string(text.substr(j, k - j)));
    j = k;
  }
  return true;
}

std::optional<PathParams> Router::match(const Route& route, std::string_view path,
                                        const std::vector<std::string_view>& segments) {
  const std::size_t fixed = route.segments.size();
  if (route.rest ? segments.size() <= fixed : segments.size() != fixed) return std::nullopt;
  PathParams params;
  for (std::size_t i = 0; i < fixed; ++i) {
    const Segment& pattern = route.segments[i];
    if (pattern.size() == 1 && pattern.front().param) {
      params.values.emplace_back(pattern.front().text, std::string(segments[i]));
    } else if (!match_segment(pattern, segments[i], params)) {
      return std::nullopt;
    }
  }
  if (route.rest) {
    const auto start = static_cast<std::size_t>(segments[fixed].data() - path.data());
    params.values.emplace_back("*", std::string(path.substr(start)));
  }
  return params;
}

HttpResponse Router::handle(const HttpRequest& req, std::size_t* answered) const {
  const auto segments = split_path(req.path);
  std::string allow;
  std::size_t unused = 0;
  std::size_t& index = answered ? *answered : unused;
  index = kNoRoute;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const Route& route = routes_[i];
    auto params = match(route, req.path, segments);
    if (!params) continue;
    if (route.method != req.method) {
      allow += (allow.empty() ? "" : ", ") + route.method;
      continue;
    }
    index = i;
    try {
      return route.handler(req, *params);
    } catch (const std::exception& e) {
      spdlog::error("handler for {} {} failed: {}", req.method, req.path, e.what());
      return problem(Error::make(ErrorKind::internal, "unexpected failure"));
    }
  }
  if (!allow.empty()) {
    return problem(HttpRefusal::method_not_allowed, "use " + allow).with_header("Allow", allow);
  }
  if (!fallback_) return problem(Error::make(ErrorKind::not_found, "no resource at this path"));
  index = kFallbackRoute;
  return fallback_(req, PathParams{});
}

}  // namespace outpost::http
