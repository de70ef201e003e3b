// File: engine/directory/jurisdiction.hpp
//
// Where cases happen: a sub-district's communities (社区), their grids (网格)
// and micro-grids (微网格). adapters/config reads them from
// config/jurisdiction.json and builds the jurisdiction with make(); the engine
// validates case locations against it.
//
// make() refuses (ErrorKind::invalid, one FieldError per problem, named as the
// jurisdiction document names the entry, e.g. "communities[1].grids[3].code")
// an empty code and a code used twice anywhere, the sub-district's own code
// ("code") included. Entries are named by their index in their list.
//
//   auto j = Jurisdiction::make("longfengqiao",
//                               {{"LF", {{"LF-G01", {"LF-G01-M1", "LF-G01-M2"}}}}});
//   if (j && j.value().community_of_grid("LF-G01") == "LF") { … }
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/core/error.hpp"

namespace outpost {

struct GridEntry {
  std::string code;
  std::vector<std::string> micro_grids;  // codes, in document order
};

struct CommunityEntry {
  std::string code;
  std::vector<GridEntry> grids;
};

class Jurisdiction {
 public:
  Jurisdiction() = default;

  // `code`: the sub-district's; `communities` in document order.
  static Result<Jurisdiction> make(const std::string& code,
                                   const std::vector<CommunityEntry>& communities);

  bool has_community(std::string_view code) const;
  // The community a grid belongs to, or empty when the grid is unknown.
  // Likewise grid_of_micro_grid; grids_of and micro_grids_of keep document order.
  std::string_view community_of_grid(std::string_view grid) const;
  std::string_view grid_of_micro_grid(std::string_view micro_grid) const;
  std::size_t community_count() const { return communities_.size(); }
  std::size_t grid_count() const { return grid_to_community_.size(); }
  std::size_t micro_grid_count() const { return micro_to_grid_.size(); }
  const std::vector<std::string>& community_codes() const { return communities_; }
  std::vector<std::string> grids_of(std::string_view community) const;
  std::vector<std::string> micro_grids_of(std::string_view grid) const;

 private:
  // Lets the maps be searched with a string_view without building a std::string.
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  template <class T>
  using Index = std::unordered_map<std::string, T, StringHash, std::equal_to<>>;

  std::vector<std::string> communities_;
  Index<std::string> grid_to_community_;
  Index<std::string> micro_to_grid_;
  Index<std::vector<std::string>> grids_by_community_;
  Index<std::vector<std::string>> micro_grids_by_grid_;
};

}  // namespace outpost
