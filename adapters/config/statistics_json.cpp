#include "adapters/config/statistics_json.hpp"

#include <string>
#include <vector>

#include "adapters/config/json_fields.hpp"

namespace outpost::config {

namespace json = boost::json;

Result<StatisticsClasses> statistics_classes_from_json(const json::value& doc,
                                                       const Catalogue& catalogue) {
  JsonFields reader;
  std::vector<StatisticsClass> classes;
  if (const json::object* root = reader.object_at(doc, "$")) {
    const json::array* list = reader.array(root->if_contains("classes"), "classes");
    for (std::size_t i = 0; list != nullptr && i < list->size(); ++i) {
      const std::string path = "classes[" + std::to_string(i) + "]";
      const json::object* o = reader.object_at((*list)[i], path);
      if (o == nullptr) continue;
      StatisticsClass c{reader.text(*o, "code", path), reader.text(*o, "label", path), {}};
      const std::string cats_path = path + ".categories";
      const json::array* cats = reader.array(o->if_contains("categories"), cats_path);
      for (std::size_t k = 0; cats != nullptr && k < cats->size(); ++k) {
        const json::value& cat = (*cats)[k];
        if (!cat.is_string() || cat.get_string().empty()) {
          reader.fail(cats_path + "[" + std::to_string(k) + "]", "must be a category code");
          continue;
        }
        c.categories.emplace_back(cat.get_string());
      }
      classes.push_back(std::move(c));
    }
  }
  std::vector<std::string> disputes;
  for (const Category& c : catalogue.categories()) {
    if (c.kind == "dispute") disputes.push_back(c.code);
  }
  return reader.conclude(StatisticsClasses::make(std::move(classes), disputes),
                         "the statistics classes are invalid");
}

}  // namespace outpost::config
