#include "adapters/documents/document_names.hpp"

#include <boost/json.hpp>

namespace outpost::documents {
namespace {

namespace json = boost::json;

std::string string_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

// Every entry of `list` with a code and a name, and those of its `children`.
void add_places(const json::value* list, std::map<std::string, std::string>& places) {
  if (list == nullptr || !list->is_array()) return;
  for (const json::value& v : list->get_array()) {
    if (!v.is_object()) continue;
    const json::object& o = v.get_object();
    places[string_at(o, "code")] = string_at(o, "name");
    add_places(o.if_contains("grids"), places);
  }
}

}  // namespace

DocumentNames document_names(const json::value& jurisdiction, const Catalogue& catalogue) {
  DocumentNames names;
  if (jurisdiction.is_object()) {
    const json::object& root = jurisdiction.get_object();
    names.committee = string_at(root, "name") + "人民调解委员会";
    add_places(root.if_contains("communities"), names.places);
  }
  for (const Category& c : catalogue.categories()) names.categories[c.kind + "/" + c.code] = c.name;
  for (const Department& d : catalogue.departments()) names.departments[d.code] = d.name;
  return names;
}

}  // namespace outpost::documents
