// File: engine/cases/event_payload.hpp
//
// The data an event carries, as typed values: what an adapter read from its
// request (a JSON body, a form), never the request itself. Which fields an
// event needs, and of which type, each workflow declares beside the event
// (workflows/common/msm_support.hpp, FieldRule) and checks when it applies the
// event; routing completes the payload of routing events. The history records
// the payload as the event's data.
//
//   EventPayload p;
//   p.set("department", "police");
//   p.set("assignees", std::vector<std::string>{"zhang.wei"});
//   p.text("department");             // "police"
//   p.find("days");                   // nullptr: not given
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace outpost {

// A value the adapter could not read as any of the others (a null, a
// fraction, an object, a list holding other than text): present, but of no
// type an event field has. The workflow refuses it where a field is declared;
// anywhere else it is refused too, so nothing unreadable reaches the history.
struct UnreadableValue {
  bool null = false;  // the request said "no value" (JSON null) rather than something odd
  friend bool operator==(const UnreadableValue&, const UnreadableValue&) = default;
};

using PayloadValue =
    std::variant<std::string, std::int64_t, bool, std::vector<std::string>, UnreadableValue>;

class EventPayload {
 public:
  using Fields = std::map<std::string, PayloadValue, std::less<>>;

  EventPayload() = default;
  explicit EventPayload(Fields fields) : fields_(std::move(fields)) {}
  // {{"reason", "..."}, {"days", 3}}: lists need their type spelled out.
  EventPayload(std::initializer_list<Fields::value_type> fields) : fields_(fields) {}

  const PayloadValue* find(std::string_view name) const;
  bool contains(std::string_view name) const { return find(name) != nullptr; }
  // The field's value when it has that type; empty / 0 / nullptr otherwise.
  std::string_view text(std::string_view name) const;
  const std::int64_t* integer(std::string_view name) const;
  const std::vector<std::string>* text_list(std::string_view name) const;
  // Present with a value: neither absent nor an explicit null.
  bool given(std::string_view name) const;

  void set(std::string_view name, PayloadValue value);
  void erase(std::string_view name);

  const Fields& fields() const { return fields_; }
  bool empty() const { return fields_.empty(); }
  friend bool operator==(const EventPayload&, const EventPayload&) = default;

 private:
  Fields fields_;
};

}  // namespace outpost
