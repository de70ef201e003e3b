#include "engine/core/json_fields.hpp"

#include <utility>

namespace outpost {
namespace json = boost::json;

std::string field_path(std::string_view parent, std::string_view member) {
  if (parent.empty()) return std::string(member);
  return std::string(parent) + "." + std::string(member);
}

void JsonFields::fail(std::string field, std::string message) {
  errors.push_back({std::move(field), std::move(message)});
}

Status JsonFields::outcome(std::string message) {
  if (errors.empty()) return Ok{};
  Error e = Error::make(ErrorKind::invalid, std::move(message));
  e.fields = std::move(errors);
  return e;
}

const json::object* JsonFields::object_at(const json::value& v, const std::string& path) {
  const json::object* o = v.if_object();
  if (o == nullptr) fail(path, "must be a JSON object");
  return o;
}

const json::array* JsonFields::array(const json::value* v, const std::string& path, bool required) {
  if (v == nullptr && !required) return nullptr;
  const json::array* a = v != nullptr ? v->if_array() : nullptr;
  if (a == nullptr) fail(path, "must be an array");
  return a;
}

std::string JsonFields::text(const json::object& o, std::string_view key,
                             const std::string& parent) {
  const json::value* v = o.if_contains(key);
  const json::string* s = v != nullptr ? v->if_string() : nullptr;
  if (s == nullptr || s->empty()) {
    fail(field_path(parent, key), "must be a non-empty string");
    return {};
  }
  return std::string(s->data(), s->size());
}

}  // namespace outpost
