#include "adapters/config/jurisdiction_json.hpp"

#include <string>
#include <utility>

#include "adapters/config/json_fields.hpp"

namespace outpost::config {
namespace {

namespace json = boost::json;

// Walks the document once, collecting every problem of its shape. Every
// entry is kept, unreadable ones blank, so that the engine names entries by
// the same index.
class JurisdictionReader : public JsonFields {
 public:
  std::string code;
  std::vector<CommunityEntry> communities;

  // False when the document is not an object (nothing else is read).
  bool read(const json::value& v) {
    const json::object* root = v.if_object();
    if (root == nullptr) {
      fail("$", "must be a JSON object");
      return false;
    }
    code = text(*root, "code", "");
    text(*root, "name", "");
    if (const json::array* list = array(root->if_contains("communities"), "communities")) {
      for (std::size_t i = 0; i < list->size(); ++i) {
        community((*list)[i], "communities[" + std::to_string(i) + "]");
      }
    }
    return true;
  }

 private:
  void community(const json::value& v, const std::string& path) {
    CommunityEntry& c = communities.emplace_back();
    const json::object* o = object_at(v, path);
    if (o == nullptr) return;
    c.code = text(*o, "code", path);
    text(*o, "name", path);
    const json::array* list = array(o->if_contains("grids"), path + ".grids");
    if (list == nullptr) return;
    for (std::size_t i = 0; i < list->size(); ++i) {
      grid((*list)[i], path + ".grids[" + std::to_string(i) + "]", c.grids.emplace_back());
    }
  }

  void grid(const json::value& v, const std::string& path, GridEntry& g) {
    const json::object* o = object_at(v, path);
    if (o == nullptr) return;
    g.code = text(*o, "code", path);
    text(*o, "name", path);
    const json::array* list = array(o->if_contains("micro_grids"), path + ".micro_grids", false);
    if (list == nullptr) return;
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string micro_path = path + ".micro_grids[" + std::to_string(i) + "]";
      std::string& code = g.micro_grids.emplace_back();
      const json::object* m = object_at((*list)[i], micro_path);
      if (m == nullptr) continue;
      code = text(*m, "code", micro_path);
      text(*m, "name", micro_path);
    }
  }
};

}  // namespace

Result<Jurisdiction> jurisdiction_from_json(const json::value& doc) {
  constexpr const char* kInvalid = "the jurisdiction document is invalid";
  JurisdictionReader reader;
  if (!reader.read(doc)) return reader.outcome(kInvalid).error();
  return reader.conclude(Jurisdiction::make(reader.code, reader.communities), kInvalid);
}

}  // namespace outpost::config
