// File: engine/core/json_string.hpp
//
// A string as a JSON string literal (RFC 8259): quoted, with the quote, the
// backslash and control characters escaped (\n, \t, ... or \u00XX), every
// other byte (UTF-8 included) as it is — what boost::json::serialize writes
// for a string, without building a value. For text written field by field:
// the HTTP layer's JsonText, and the stored JSON columns of a case.
//
//   std::string out = "{\"name\":";
//   append_json_string(out, "张*");   // {"name":"张*"
#pragma once

#include <string>
#include <string_view>

namespace outpost {

void append_json_string(std::string& out, std::string_view s);

}  // namespace outpost
