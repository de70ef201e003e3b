#include "adapters/open311/services.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include <boost/json.hpp>

namespace outpost::open311 {
namespace {

namespace json = boost::json;

constexpr const char* kDatatypes[] = {"string", "number",          "datetime",
                                      "text",   "singlevaluelist", "multivaluelist"};

std::string string_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

bool is_list(const std::string& datatype) {
  return datatype == "singlevaluelist" || datatype == "multivaluelist";
}

Attribute attribute_of(const json::value& v, const std::string& where) {
  if (!v.is_object()) throw std::invalid_argument(where + " must be an object");
  const json::object& o = v.as_object();
  Attribute a;
  a.code = string_at(o, "code");
  a.description = string_at(o, "description");
  a.datatype = string_at(o, "datatype");
  if (a.code.empty() || a.description.empty()) {
    throw std::invalid_argument(where + " needs a code and a description");
  }
  if (std::find(std::begin(kDatatypes), std::end(kDatatypes), a.datatype) == std::end(kDatatypes)) {
    throw std::invalid_argument(where +
                                ".datatype must be one of string, number, datetime, text,"
                                " singlevaluelist, multivaluelist");
  }
  if (const json::value* r = o.if_contains("required")) a.required = r->is_bool() && r->as_bool();
  if (const json::value* n = o.if_contains("order"); n && n->is_int64()) {
    a.order = static_cast<int>(n->as_int64());
  }
  if (const json::value* values = o.if_contains("values"); values && values->is_array()) {
    for (const json::value& item : values->as_array()) {
      if (!item.is_object()) throw std::invalid_argument(where + ".values must hold objects");
      a.values.push_back({string_at(item.as_object(), "key"), string_at(item.as_object(), "name")});
    }
  }
  if (is_list(a.datatype) && a.values.empty()) {
    throw std::invalid_argument(where + " is a list and needs values");
  }
  return a;
}

void read_section(Service& s, const json::value& section, const std::string& where) {
  if (!section.is_object()) throw std::invalid_argument(where + " must be an object");
  const json::object& o = section.as_object();
  s.group = string_at(o, "group");
  if (const json::value* k = o.if_contains("keywords"); k && k->is_array()) {
    for (const json::value& w : k->as_array()) {
      if (w.is_string()) s.keywords.emplace_back(w.as_string());
    }
  }
  if (const json::value* d = o.if_contains("desk_confirmation")) {
    s.desk_confirmation = d->is_bool() && d->as_bool();
  }
  if (const json::value* attrs = o.if_contains("attributes"); attrs && attrs->is_array()) {
    for (std::size_t i = 0; i < attrs->as_array().size(); ++i) {
      s.attributes.push_back(
          attribute_of(attrs->as_array()[i], where + ".attributes[" + std::to_string(i) + "]"));
    }
  }
  std::stable_sort(s.attributes.begin(), s.attributes.end(),
                   [](const Attribute& a, const Attribute& b) { return a.order < b.order; });
}

const AttributeValue* find_value(const Attribute& a, std::string_view key) {
  for (const AttributeValue& v : a.values) {
    if (v.key == key) return &v;
  }
  return nullptr;
}

bool is_number(std::string_view s) {
  double d = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

std::vector<Service> services_of(const json::value& catalogue_document) {
  std::vector<Service> out;
  const json::value* cats = catalogue_document.is_object()
                                ? catalogue_document.as_object().if_contains("categories")
                                : nullptr;
  const json::value* requests =
      cats && cats->is_object() ? cats->as_object().if_contains("request") : nullptr;
  if (!requests || !requests->is_array()) return out;
  const json::array& list = requests->as_array();
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_object()) continue;
    const json::object& c = list[i].as_object();
    Service s;
    s.code = string_at(c, "code");
    s.name = string_at(c, "name");
    s.description = string_at(c, "description");
    if (const json::value* section = c.if_contains("open311")) {
      read_section(s, *section, "categories.request[" + std::to_string(i) + "].open311");
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<std::string> check_attributes(const Service& s, const GivenAttributes& given) {
  std::vector<std::string> problems;
  for (const auto& [code, values] : given) {
    const auto a = std::find_if(s.attributes.begin(), s.attributes.end(),
                                [&](const Attribute& x) { return x.code == code; });
    if (a == s.attributes.end()) {
      problems.push_back("attribute[" + code + "] is not an attribute of service " + s.code);
      continue;
    }
    if (values.size() > 1 && a->datatype != "multivaluelist") {
      problems.push_back("attribute[" + code + "] takes one value, not " +
                         std::to_string(values.size()));
    }
    for (const std::string& v : values) {
      if (is_list(a->datatype) && !find_value(*a, v)) {
        problems.push_back("attribute[" + code + "]: \"" + v + "\" is not one of its values");
      } else if (a->datatype == "number" && !is_number(v)) {
        problems.push_back("attribute[" + code + "] must be a number");
      } else if (v.size() > 4000) {
        problems.push_back("attribute[" + code + "] is longer than 4000 bytes");
      }
    }
  }
  for (const Attribute& a : s.attributes) {
    const auto it = given.find(a.code);
    const bool empty =
        it == given.end() || std::all_of(it->second.begin(), it->second.end(),
                                         [](const std::string& v) { return v.empty(); });
    if (a.required && empty) {
      problems.push_back("attribute[" + a.code + "] (" + a.description + ") is required");
    }
  }
  return problems;
}

std::string describe_attributes(const Service& s, const GivenAttributes& given) {
  std::string out;
  for (const Attribute& a : s.attributes) {
    const auto it = given.find(a.code);
    if (it == given.end() || it->second.empty()) continue;
    out += a.description + "：";
    for (std::size_t i = 0; i < it->second.size(); ++i) {
      if (i > 0) out += "、";
      const AttributeValue* v = find_value(a, it->second[i]);
      out += v ? v->name : it->second[i];
    }
    out += '\n';
  }
  return out;
}

}  // namespace outpost::open311
