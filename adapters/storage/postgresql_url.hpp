// File: adapters/storage/postgresql_url.hpp
//
// Turns a libpq URL (postgresql://user:pw@host:port/db?sslmode=…) into the
// connect string SOCI's PostgreSQL backend can pass on. SOCI 4.0.3 splits its
// connect string into `key=value` words before handing it to libpq, which
// mangles URLs; this parses the URL with libpq itself and writes each setting
// as key="'value'" (SOCI strips the double quotes, libpq reads the single-quoted
// value). Header-only so the test helpers can use it without linking the store.
//
//   std::optional<std::string> cs = soci_postgresql_connect_string(url);
//   if (cs) sql.open(soci::postgresql, *cs);
#pragma once

#include <optional>
#include <string>

#include <libpq-fe.h>

namespace outpost::storage {

// nullopt when libpq cannot parse the URL, or a value contains a double quote
// (which SOCI's connect-string syntax cannot carry).
inline std::optional<std::string> soci_postgresql_connect_string(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    if (error != nullptr) PQfreemem(error);
    return std::nullopt;
  }
  std::optional<std::string> out = std::string();
  for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    std::string value;
    for (const char* ch = o->val; *ch != '\0'; ++ch) {
      if (*ch == '"') {
        out.reset();
        break;
      }
      if (*ch == '\'' || *ch == '\\') value += '\\';
      value += *ch;
    }
    if (!out) break;
    if (!out->empty()) *out += ' ';
    *out += std::string(o->keyword) + "=\"'" + value + "'\"";
  }
  PQconninfoFree(options);
  return out;
}

}  // namespace outpost::storage
