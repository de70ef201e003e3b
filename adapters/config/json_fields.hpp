// File: adapters/config/json_fields.hpp
//
// Reading a configuration document (the catalogue, the jurisdiction, the
// calendar, the permissions) member by member while collecting every problem
// as a FieldError with its path, rather than stopping at the first, so that an
// operator fixing the file sees them all. A reader derives from JsonFields,
// reads the shape through it and hands the typed values to the engine, whose
// problems (named with the same paths) join the reader's:
//
//   class GridReader : public JsonFields {
//     void grid(const json::value& v, const std::string& path) {
//       const json::object* o = object_at(v, path);  // "grids[0]"
//       if (o == nullptr) return;
//       std::string code = text(*o, "code", path);   // error at "grids[0].code"
//     }
//   };
//   return reader.conclude(Grids::make(reader.grids), "the grid document is invalid");
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "engine/core/error.hpp"

namespace outpost::config {

class JsonFields {
 public:
  std::vector<FieldError> errors;

  void fail(std::string field, std::string message);

  // Adds the engine's problems with the values read, except those at or
  // inside a member already refused here (its value was a stand-in).
  void merge(std::vector<FieldError> found);

  // `built` when neither the reader nor the engine found a problem; else
  // outcome(message) with the engine's problems merged.
  template <class T>
  Result<T> conclude(Result<T> built, std::string message) {
    if (!built) merge(built.error().fields);
    if (Status s = outcome(std::move(message)); !s) return s.error();
    return built;
  }

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

// Reads the typed members of one JSON object (a request body, a roster
// entry), collecting every problem at field_path(prefix, member):
//
//   JsonMembers m(body, "");
//   m.refuse_unknown({"name", "active"}, "a department");  // "phone is not a member of …"
//   std::optional<std::string> name = m.string("name", false);
//   if (Status s = m.outcome("the department is not valid"); !s) return s.error();
class JsonMembers : public JsonFields {
 public:
  JsonMembers(const boost::json::object& o, std::string_view prefix) : o_(o), prefix_(prefix) {}

  // "is not a member of <what>" for each member not in `known`.
  void refuse_unknown(std::initializer_list<std::string_view> known, std::string_view what);
  // A string member; nullopt (and an error when required) otherwise.
  std::optional<std::string> string(std::string_view key, bool required);
  // A string or null member; null reads as "".
  std::optional<std::string> nullable_string(std::string_view key);
  // A true or false member; nullopt when absent.
  std::optional<bool> flag(std::string_view key);

 private:
  const boost::json::object& o_;
  std::string_view prefix_;
};

}  // namespace outpost::config
