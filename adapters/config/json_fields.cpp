#include "adapters/config/json_fields.hpp"

#include <algorithm>
#include <utility>

namespace outpost::config {
namespace json = boost::json;

namespace {

// True when `field` is `outer` or a member or element of it.
bool within(std::string_view field, std::string_view outer) {
  if (!field.starts_with(outer)) return false;
  return field.size() == outer.size() || field[outer.size()] == '.' || field[outer.size()] == '[';
}

}  // namespace

void JsonFields::fail(std::string field, std::string message) {
  errors.push_back({std::move(field), std::move(message)});
}

void JsonFields::merge(std::vector<FieldError> found) {
  const std::size_t read = errors.size();
  for (FieldError& f : found) {
    const auto refused = errors.begin() + static_cast<std::ptrdiff_t>(read);
    if (std::none_of(errors.begin(), refused,
                     [&](const FieldError& e) { return within(f.field, e.field); })) {
      errors.push_back(std::move(f));
    }
  }
}

Status JsonFields::outcome(std::string message) {
  if (errors.empty()) return Ok{};
  return Error::invalid_fields(std::move(errors), std::move(message));
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

void JsonMembers::refuse_unknown(std::initializer_list<std::string_view> known,
                                 std::string_view what) {
  for (const json::key_value_pair& kv : o_) {
    if (std::find(known.begin(), known.end(), kv.key()) == known.end()) {
      fail(field_path(prefix_, kv.key()), "is not a member of " + std::string(what));
    }
  }
}

std::optional<std::string> JsonMembers::string(std::string_view key, bool required) {
  const json::value* v = o_.if_contains(key);
  if (v == nullptr) {
    if (required) fail(field_path(prefix_, key), "is required");
    return std::nullopt;
  }
  if (!v->is_string()) {
    fail(field_path(prefix_, key), "must be a string");
    return std::nullopt;
  }
  return std::string(v->get_string());
}

std::optional<std::string> JsonMembers::nullable_string(std::string_view key) {
  const json::value* v = o_.if_contains(key);
  if (v != nullptr && v->is_null()) return std::string();
  return string(key, false);
}

std::optional<bool> JsonMembers::flag(std::string_view key) {
  const json::value* v = o_.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_bool()) {
    fail(field_path(prefix_, key), "must be true or false");
    return std::nullopt;
  }
  return v->get_bool();
}

}  // namespace outpost::config
