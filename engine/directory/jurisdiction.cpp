#include "engine/directory/jurisdiction.hpp"

#include <string>
#include <utility>

#include <boost/json/value.hpp>

#include "engine/core/json_fields.hpp"

namespace outpost {
namespace {

namespace json = boost::json;

// Walks the document once, collecting every problem (see engine/core/json_fields.hpp).
class JurisdictionParser : public JsonFields {
 public:
  struct Grid {
    std::string code;
    std::string community;
    std::vector<std::string> micro_grids;
  };

  std::vector<std::string> communities;
  std::vector<Grid> grids;

  void parse(const json::value& v) {
    const json::object* root = v.if_object();
    if (root == nullptr) {
      fail("$", "must be a JSON object");
      return;
    }
    claim_code(*root, "", "sub-district");
    text(*root, "name", "");
    const json::array* list = array(root->if_contains("communities"), "communities");
    if (list == nullptr) return;
    for (std::size_t i = 0; i < list->size(); ++i) {
      community((*list)[i], "communities[" + std::to_string(i) + "]");
    }
  }

 private:
  // The path where each code was first seen, and what it named there.
  std::unordered_map<std::string, std::pair<std::string, std::string>> first_use_;

  // Reads `code` at `path` and records it; empty when missing or already used.
  std::string claim_code(const json::object& o, const std::string& path, std::string_view what) {
    std::string code = text(o, "code", path);
    if (code.empty()) return {};
    const std::string field = field_path(path, "code");
    auto [it, inserted] = first_use_.try_emplace(code, field, std::string(what));
    if (!inserted) {
      fail(field, "code \"" + code + "\" is already used by the " + it->second.second + " at " +
                      it->second.first);
      return {};
    }
    return code;
  }

  void community(const json::value& v, const std::string& path) {
    const json::object* o = object_at(v, path);
    if (o == nullptr) return;
    std::string code = claim_code(*o, path, "community");
    text(*o, "name", path);
    if (!code.empty()) communities.push_back(code);
    const json::array* list = array(o->if_contains("grids"), path + ".grids");
    if (list == nullptr) return;
    for (std::size_t i = 0; i < list->size(); ++i) {
      grid((*list)[i], path + ".grids[" + std::to_string(i) + "]", code);
    }
  }

  void grid(const json::value& v, const std::string& path, const std::string& community) {
    const json::object* o = object_at(v, path);
    if (o == nullptr) return;
    Grid g{claim_code(*o, path, "grid"), community, {}};
    text(*o, "name", path);
    if (const json::array* list =
            array(o->if_contains("micro_grids"), path + ".micro_grids", false)) {
      for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string micro_path = path + ".micro_grids[" + std::to_string(i) + "]";
        const json::object* m = object_at((*list)[i], micro_path);
        if (m == nullptr) continue;
        std::string code = claim_code(*m, micro_path, "micro-grid");
        text(*m, "name", micro_path);
        if (!code.empty()) g.micro_grids.push_back(std::move(code));
      }
    }
    if (!g.code.empty() && !community.empty()) grids.push_back(std::move(g));
  }
};

}  // namespace

Result<Jurisdiction> Jurisdiction::from_json(const boost::json::value& v) {
  JurisdictionParser parser;
  parser.parse(v);
  if (Status s = parser.outcome("the jurisdiction document is invalid"); !s) return s.error();
  Jurisdiction j;
  j.communities_ = std::move(parser.communities);
  for (const std::string& c : j.communities_) j.grids_by_community_[c];
  for (JurisdictionParser::Grid& g : parser.grids) {
    j.grid_to_community_.emplace(g.code, g.community);
    j.grids_by_community_[g.community].push_back(g.code);
    for (const std::string& m : g.micro_grids) j.micro_to_grid_.emplace(m, g.code);
    j.micro_grids_by_grid_.emplace(g.code, std::move(g.micro_grids));
  }
  j.document_ = v;
  return j;
}

bool Jurisdiction::has_community(std::string_view code) const {
  return grids_by_community_.find(code) != grids_by_community_.end();
}

std::string_view Jurisdiction::community_of_grid(std::string_view grid) const {
  auto it = grid_to_community_.find(grid);
  return it == grid_to_community_.end() ? std::string_view{} : std::string_view{it->second};
}

std::string_view Jurisdiction::grid_of_micro_grid(std::string_view micro_grid) const {
  auto it = micro_to_grid_.find(micro_grid);
  return it == micro_to_grid_.end() ? std::string_view{} : std::string_view{it->second};
}

std::vector<std::string> Jurisdiction::grids_of(std::string_view community) const {
  auto it = grids_by_community_.find(community);
  return it == grids_by_community_.end() ? std::vector<std::string>{} : it->second;
}

std::vector<std::string> Jurisdiction::micro_grids_of(std::string_view grid) const {
  auto it = micro_grids_by_grid_.find(grid);
  return it == micro_grids_by_grid_.end() ? std::vector<std::string>{} : it->second;
}

}  // namespace outpost
