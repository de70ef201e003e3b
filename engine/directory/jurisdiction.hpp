// File: engine/directory/jurisdiction.hpp
//
// Where cases happen: a sub-district's communities (社区), their grids (网格)
// and micro-grids (微网格). Loaded from config/jurisdiction.json by
// adapters/config; the engine validates case locations against it.
//
// JSON shape:
//   { "code": "longfengqiao", "name": "龙凤桥街道",
//     "communities": [ { "code": "LF", "name": "龙凤社区",
//        "grids": [ { "code": "LF-G01", "name": "…",
//                     "micro_grids": [ {"code": "LF-G01-M1", "name": "…"} ] } ] } ] }
//
// from_json refuses (ErrorKind::invalid, one FieldError per problem, with paths such
// as "communities[1].grids[3].code") a missing or empty code or name, a code used
// twice anywhere in the document, and a missing `communities` or `grids` array.
// `micro_grids` may be absent (a grid without micro-grids). Other members (e.g.
// "area", "district") are kept in document() and otherwise ignored.
//
//   auto j = Jurisdiction::from_json(boost::json::parse(text));
//   if (j && j.value().community_of_grid("LF-G01") == "LF") { … }
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <functional>

#include <boost/json/value.hpp>

#include "engine/core/error.hpp"

namespace outpost {

class Jurisdiction {
 public:
  static Result<Jurisdiction> from_json(const boost::json::value& v);

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
  const boost::json::value& document() const { return document_; }

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
  boost::json::value document_;
};

}  // namespace outpost
