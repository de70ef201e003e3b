// File: adapters/open311/form.hpp
//
// The bodies Open311 clients post: application/x-www-form-urlencoded (what
// the npm `open311` client and most apps send) and multipart/form-data (what
// a browser form or a mini-program upload sends). Both become the same list
// of (name, value) pairs in body order; repeated names stay repeated
// (attribute[CODE][] of a multivaluelist). Parsing judges only the shape;
// what the fields mean is the request reader's business.
//
//   auto fields = parse_form(content_type, body);
//   if (!fields) return bad_request(fields.error().message);
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/core/error.hpp"

namespace outpost::open311 {

struct FormField {
  std::string name;
  std::string value;
  bool file = false;  // a multipart part with a filename (an uploaded file)
};
using FormFields = std::vector<FormField>;

// invalid with a message naming what is wrong: an unsupported content type,
// a bad percent escape, a multipart body without its boundary, a part without
// a name, a body that does not end with the closing boundary.
Result<FormFields> parse_form(std::string_view content_type, std::string_view body);

// application/x-www-form-urlencoded alone (also the query string's rules).
Result<FormFields> parse_urlencoded(std::string_view body);

}  // namespace outpost::open311
