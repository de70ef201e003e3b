#include "engine/directory/jurisdiction.hpp"

#include <string>
#include <utility>

namespace outpost {
namespace {

// Every code of the jurisdiction, each claimed once, at its document path.
class CodeClaims {
 public:
  std::vector<FieldError> errors;

  // False (and an error at `path`) when `code` is empty or already claimed.
  bool claim(const std::string& code, const std::string& path, std::string_view what) {
    if (code.empty()) {
      errors.push_back({path, "must be a non-empty string"});
      return false;
    }
    auto [it, inserted] = first_use_.try_emplace(code, path, std::string(what));
    if (!inserted) {
      errors.push_back({path, "code \"" + code + "\" is already used by the " + it->second.second +
                                  " at " + it->second.first});
    }
    return inserted;
  }

 private:
  // The path where each code was first seen, and what it named there.
  std::unordered_map<std::string, std::pair<std::string, std::string>> first_use_;
};

}  // namespace

Result<Jurisdiction> Jurisdiction::make(const std::string& code,
                                        const std::vector<CommunityEntry>& communities) {
  CodeClaims claims;
  claims.claim(code, "code", "sub-district");
  Jurisdiction j;
  for (std::size_t i = 0; i < communities.size(); ++i) {
    const CommunityEntry& c = communities[i];
    const std::string path = "communities[" + std::to_string(i) + "]";
    claims.claim(c.code, path + ".code", "community");
    j.communities_.push_back(c.code);
    j.grids_by_community_[c.code];
    for (std::size_t k = 0; k < c.grids.size(); ++k) {
      const GridEntry& g = c.grids[k];
      const std::string grid_path = path + ".grids[" + std::to_string(k) + "]";
      claims.claim(g.code, grid_path + ".code", "grid");
      for (std::size_t m = 0; m < g.micro_grids.size(); ++m) {
        claims.claim(g.micro_grids[m], grid_path + ".micro_grids[" + std::to_string(m) + "].code",
                     "micro-grid");
        j.micro_to_grid_.emplace(g.micro_grids[m], g.code);
      }
      j.grid_to_community_.emplace(g.code, c.code);
      j.grids_by_community_[c.code].push_back(g.code);
      j.micro_grids_by_grid_.emplace(g.code, g.micro_grids);
    }
  }
  if (!claims.errors.empty()) {
    return Error::invalid_fields(std::move(claims.errors), "the jurisdiction is invalid");
  }
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
