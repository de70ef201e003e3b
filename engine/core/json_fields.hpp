// File: engine/core/json_fields.hpp
//
// Reading a configuration document (the catalogue, the jurisdiction) member by
// member while collecting every problem as a FieldError with its path, rather
// than stopping at the first, so that an operator fixing the file sees them
// all. A parser derives from JsonFields and reads through it:
//
//   class GridParser : public JsonFields {
//     void grid(const json::value& v, const std::string& path) {
//       const json::object* o = object_at(v, path);  // "grids[0]"
//       if (o == nullptr) return;
//       std::string code = text(*o, "code", path);   // error at "grids[0].code"
//     }
//   };
//   if (Status s = parser.outcome("the grid document is invalid"); !s) return s.error();
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "engine/core/error.hpp"

namespace outpost {

// The path of `member` inside the value at `parent`: "a.b", or "b" when
// `parent` is empty (the document's root).
std::string field_path(std::string_view parent, std::string_view member);

class JsonFields {
 public:
  std::vector<FieldError> errors;

  void fail(std::string field, std::string message);

  // Ok when nothing failed; otherwise `invalid` with `message` and every
  // collected error (moved out of `errors`).
  Status outcome(std::string message);

  // The object `v`; nullptr and "must be a JSON object" at `path` otherwise.
  const boost::json::object* object_at(const boost::json::value& v, const std::string& path);

  // The array `v`; nullptr and "must be an array" at `path` otherwise. A
  // missing value (nullptr) is an error only when `required`.
  const boost::json::array* array(const boost::json::value* v, const std::string& path,
                                  bool required = true);

  // The required, non-empty string member `key` of the object at `parent`;
  // empty and "must be a non-empty string" at field_path(parent, key) otherwise.
  std::string text(const boost::json::object& o, std::string_view key, const std::string& parent);
};

}  // namespace outpost
