#include "engine/cases/event_payload.hpp"

namespace outpost {

const PayloadValue* EventPayload::find(std::string_view name) const {
  const auto it = fields_.find(name);
  return it == fields_.end() ? nullptr : &it->second;
}

std::string_view EventPayload::text(std::string_view name) const {
  const PayloadValue* v = find(name);
  const std::string* s = v != nullptr ? std::get_if<std::string>(v) : nullptr;
  return s != nullptr ? std::string_view(*s) : std::string_view();
}

const std::int64_t* EventPayload::integer(std::string_view name) const {
  const PayloadValue* v = find(name);
  return v != nullptr ? std::get_if<std::int64_t>(v) : nullptr;
}

const std::vector<std::string>* EventPayload::text_list(std::string_view name) const {
  const PayloadValue* v = find(name);
  return v != nullptr ? std::get_if<std::vector<std::string>>(v) : nullptr;
}

bool EventPayload::given(std::string_view name) const {
  const PayloadValue* v = find(name);
  if (v == nullptr) return false;
  const auto* odd = std::get_if<UnreadableValue>(v);
  return odd == nullptr || !odd->null;
}

void EventPayload::set(std::string_view name, PayloadValue value) {
  fields_.insert_or_assign(std::string(name), std::move(value));
}

void EventPayload::erase(std::string_view name) {
  const auto it = fields_.find(name);
  if (it != fields_.end()) fields_.erase(it);
}

}  // namespace outpost
