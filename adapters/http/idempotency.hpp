// File: adapters/http/idempotency.hpp
//
// The versioned-resource rules every writable resource of the API shares
// (cases, audits; API.md): the ETag is the version, If-Match names the
// version the client saw, and an Idempotency-Key makes a POST happen at most
// once per (user, scope, key): a repeat with the same method, path and body
// gets the first response again (Idempotent-Replayed: true), a different
// request under the same key is 422. A repeat is answered only while the
// caller may still do what the first request did (`still_allowed`: the
// resource in their scope, their role granted the action, as they are now);
// otherwise it gets the refusal the request itself would get (404 or 403) and
// nothing else happens. The store records the key with the
// change; the answer is saved right after the commit. Should the process stop
// in between, a repeat answers the resource as it is then, with the first
// request's status.
//
//   IdempotentResource<Case> cases{"api:cases", "/api/v1/cases/", find, save, reload, render,
//                                  still_allowed};
//   return idempotent(cases, req, actor, 201, [&](const IdempotencyKey* idem) {
//     return service.create(cmd, actor, idem);
//   });
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <spdlog/spdlog.h>

#include "adapters/http/http_types.hpp"
#include "adapters/http/problem.hpp"
#include "engine/cases/audit_chain.hpp"
#include "engine/cases/case.hpp"
#include "engine/cases/case_store.hpp"
#include "engine/core/error.hpp"

namespace outpost::http {

inline constexpr std::size_t kMaxIdempotencyKey = 255;

// If-Match: "3" (or W/"3"); "*" or none matches any version.
Result<std::optional<std::int64_t>> if_match_of(const HttpRequest& req);

// A response about a versioned resource: its ETag and, for 201, its Location
// (`location_prefix` + id).
HttpResponse versioned_response(int status, std::int64_t id, std::int64_t version, std::string body,
                                std::string_view location_prefix);

// The answer saved under an Idempotency-Key: "<status>" LF body.
std::string encode_answer(int status, std::string_view body);
std::optional<std::pair<int, std::string>> decode_answer(std::string_view answer);

// A saved answer as a response, with the headers of versioned_response read
// back from its body's "id" and "version".
HttpResponse replayed_response(int status, std::string body, std::string_view location_prefix);

// How one kind of resource is found, saved, reloaded and rendered.
template <class T>
struct IdempotentResource {
  std::string_view scope;            // the store's scope of these keys, e.g. "api:cases"
  std::string_view location_prefix;  // e.g. "/api/v1/cases/"
  std::function<Result<std::optional<IdempotencyRecord>>(const IdempotencyKey&)> find;
  std::function<Status(const IdempotencyKey&, std::string_view)> save;
  std::function<Result<T>(std::int64_t id)> reload;  // as the caller sees it now
  std::function<std::string(const T&)> render;
  // Whether the caller may still do to resource `id` what the first request
  // did; a refusal is answered instead of the replay.
  std::function<Status(std::int64_t id)> still_allowed;
};

template <class T>
std::optional<HttpResponse> replay_of(const IdempotentResource<T>& r, const IdempotencyKey& idem,
                                      int status) {
  auto found = r.find(idem);
  if (!found) return problem(found.error());
  if (!found.value()) return std::nullopt;
  const IdempotencyRecord& record = *found.value();
  if (record.fingerprint != idem.fingerprint) {
    return problem(Error::invalid_field("Idempotency-Key",
                                        "this key was already used for a different request"));
  }
  if (Status allowed = r.still_allowed(record.case_id); !allowed) return problem(allowed.error());
  HttpResponse replayed;
  if (auto answer = record.answer ? decode_answer(*record.answer) : std::nullopt) {
    replayed = replayed_response(answer->first, std::move(answer->second), r.location_prefix);
  } else {
    auto now = r.reload(record.case_id);
    if (!now) return problem(now.error());
    replayed = versioned_response(status, now.value().id, now.value().version,
                                  r.render(now.value()), r.location_prefix);
  }
  return replayed.with_header("Idempotent-Replayed", "true");
}

// Runs `op(idem)` (a Result<T>; idem null without an Idempotency-Key) at most
// once per (user, scope, key) and answers `status` with the rendered resource.
template <class T, class Op>
HttpResponse idempotent(const IdempotentResource<T>& r, const HttpRequest& req, const Actor& actor,
                        int status, Op&& op) {
  const auto respond = [&](const T& done, std::string body) {
    return versioned_response(status, done.id, done.version, std::move(body), r.location_prefix);
  };
  const auto key = req.header("idempotency-key");
  if (!key) {
    auto done = op(nullptr);
    if (!done) return problem(done.error());
    return respond(done.value(), r.render(done.value()));
  }
  // Printable ASCII, as the header's draft (an sf-string) has it: other bytes
  // are no key a client can repeat, and PostgreSQL's text refuses non-UTF-8.
  const bool printable = std::all_of(key->begin(), key->end(), [](char ch) {
    return static_cast<unsigned char>(ch) >= 0x20 && static_cast<unsigned char>(ch) < 0x7f;
  });
  if (key->empty() || key->size() > kMaxIdempotencyKey || !printable) {
    return problem(Error::make(ErrorKind::malformed,
                               "Idempotency-Key must be 1 to 255 printable ASCII characters"));
  }
  const IdempotencyKey idem{actor.user_id, std::string(r.scope), std::string(*key),
                            sha256_hex(req.method + " " + req.path + "\n" + req.body)};
  if (auto replay = replay_of(r, idem, status)) return *replay;
  auto done = op(&idem);
  if (!done && done.error().kind == ErrorKind::idempotency_race) {
    if (auto replay = replay_of(r, idem, status)) return *replay;
  }
  if (!done) return problem(done.error());
  std::string body = r.render(done.value());
  if (Status saved = r.save(idem, encode_answer(status, body)); !saved) {
    spdlog::warn("{} {}: the answer to an idempotent request was not saved: {}", r.scope,
                 done.value().id, saved.error().message);
  }
  return respond(done.value(), std::move(body));
}

}  // namespace outpost::http
