#include "adapters/http/case_request.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace outpost::http {
namespace json = boost::json;

namespace {

constexpr std::array<std::string_view, 10> kCaseMembers{
    "kind",     "category", "title",   "description", "channel",
    "location", "parties",  "urgency", "risk_level",  "confidential"};

// Reads members of one JSON object, noting those of the wrong type.
class ShapeReader {
 public:
  explicit ShapeReader(std::vector<FieldError>& errors) : errors_(errors) {}

  // A string member; absent or null reads as empty.
  std::string text(const json::object& o, std::string_view key, const std::string& path) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) return {};
    if (!v->is_string()) {
      errors_.push_back({path, "must be a string"});
      return {};
    }
    return std::string(v->get_string());
  }

  void fail(std::string path, std::string message) {
    errors_.push_back({std::move(path), std::move(message)});
  }

 private:
  std::vector<FieldError>& errors_;
};

// location.lat/long (numbers), datum ("wgs84" or "gcj02"), building (a code).
void read_location_hint(ShapeReader& r, const json::object& o, LocationHint& hint) {
  for (const char* key : {"lat", "long"}) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) continue;
    if (!v->is_number()) {
      r.fail(std::string("location.") + key, "must be a number (degrees)");
      continue;
    }
    (key == std::string_view("lat") ? hint.lat : hint.lon) = v->to_number<double>();
  }
  const std::string datum = r.text(o, "datum", "location.datum");
  if (auto d = directory::datum_named(datum)) {
    hint.datum = *d;
  } else if (!datum.empty()) {
    r.fail("location.datum", "must be wgs84 or gcj02");
  }
  hint.building = r.text(o, "building", "location.building");
}

void read_location(ShapeReader& r, const json::object& body, Location& loc, LocationHint& hint) {
  const json::value* v = body.if_contains("location");
  if (v == nullptr || !v->is_object()) {
    r.fail("location", "is required and must be an object");
    return;
  }
  const json::object& o = v->get_object();
  loc.community = r.text(o, "community", "location.community");
  loc.grid = r.text(o, "grid", "location.grid");
  loc.micro_grid = r.text(o, "micro_grid", "location.micro_grid");
  loc.address = r.text(o, "address", "location.address");
  read_location_hint(r, o, hint);
}

void read_parties(ShapeReader& r, const json::object& body, std::vector<Party>& parties) {
  const json::value* v = body.if_contains("parties");
  if (v == nullptr || !v->is_array()) {
    r.fail("parties", "is required and must be an array");
    return;
  }
  const json::array& list = v->get_array();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = "parties[" + std::to_string(i) + "]";
    Party& p = parties.emplace_back();
    if (!list[i].is_object()) {
      r.fail(path, "must be an object");
      continue;
    }
    const json::object& o = list[i].get_object();
    p.role = r.text(o, "role", path + ".role");
    p.name = r.text(o, "name", path + ".name");
    p.phone = r.text(o, "phone", path + ".phone");
    p.id_number = r.text(o, "id_number", path + ".id_number");
  }
}

// Whether `field` is `refused` or a part of it ("location.grid" of "location").
bool within(std::string_view field, std::string_view refused) {
  if (refused == "body") return true;  // the body was no object at all
  if (field.substr(0, refused.size()) != refused) return false;
  return field.size() == refused.size() || field[refused.size()] == '.' ||
         field[refused.size()] == '[';
}

PayloadValue payload_value(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_bool()) return v.get_bool();
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(v.get_uint64());
  }
  if (v.is_null()) return UnreadableValue{.null = true};
  if (const json::array* list = v.if_array()) {
    std::vector<std::string> texts;
    for (const json::value& item : *list) {
      if (!item.is_string()) return UnreadableValue{};
      texts.emplace_back(item.get_string());
    }
    return texts;
  }
  return UnreadableValue{};
}

}  // namespace

CaseRequest read_new_case(const json::value& body) {
  CaseRequest out;
  const json::object* o = body.if_object();
  if (o == nullptr) {
    out.errors.push_back({"body", "must be a JSON object"});
    return out;
  }
  ShapeReader r(out.errors);
  for (const auto& member : *o) {
    if (std::find(kCaseMembers.begin(), kCaseMembers.end(), member.key()) == kCaseMembers.end()) {
      r.fail(std::string(member.key()), "is not a field of a case");
    }
  }
  NewCase& c = out.command;
  c.kind = r.text(*o, "kind", "kind");
  c.category = r.text(*o, "category", "category");
  c.title = r.text(*o, "title", "title");
  c.description = r.text(*o, "description", "description");
  c.channel = r.text(*o, "channel", "channel");
  read_location(r, *o, c.location, out.hint);
  read_parties(r, *o, c.parties);
  c.urgency = r.text(*o, "urgency", "urgency");
  c.risk_level = r.text(*o, "risk_level", "risk_level");
  if (const json::value* v = o->if_contains("confidential"); v != nullptr && !v->is_null()) {
    if (v->is_bool()) {
      c.confidential = v->get_bool();
    } else {
      r.fail("confidential", "must be true or false");
    }
  }
  return out;
}

Error merged_case_errors(std::vector<FieldError> shape_errors, const Error& domain) {
  Error e{ErrorKind::invalid, "the case has invalid fields"};
  e.fields = shape_errors;
  for (const FieldError& f : domain.fields) {
    const bool told = std::any_of(shape_errors.begin(), shape_errors.end(),
                                  [&](const FieldError& s) { return within(f.field, s.field); });
    if (!told) e.fields.push_back(f);
  }
  return e;
}

Result<NoteDraft> read_note(const json::value& body) {
  const json::object* o = body.if_object();
  if (!o) return Error::invalid_field("body", "must be a JSON object");
  std::vector<FieldError> errors;
  for (const auto& member : *o) {
    if (member.key() != "body" && member.key() != "visibility") {
      errors.push_back({std::string(member.key()), "is not a field of a note"});
    }
  }
  ShapeReader r(errors);
  NoteDraft draft;
  draft.body = r.text(*o, "body", "body");
  if (const json::value* v = o->if_contains("visibility"); v != nullptr && !v->is_null()) {
    draft.visibility = r.text(*o, "visibility", "visibility");
  }
  for (FieldError& f : note_errors(draft)) {
    const bool told = std::any_of(errors.begin(), errors.end(),
                                  [&](const FieldError& e) { return e.field == f.field; });
    if (!told) errors.push_back(std::move(f));
  }
  if (errors.empty()) return draft;
  Error e{ErrorKind::invalid, "the note has invalid fields"};
  e.fields = std::move(errors);
  return e;
}

EventPayload read_event_payload(const json::object& body) {
  EventPayload::Fields fields;
  for (const auto& member : body) {
    if (member.key() != "event")
      fields.emplace(std::string(member.key()), payload_value(member.value()));
  }
  return EventPayload(std::move(fields));
}

}  // namespace outpost::http
