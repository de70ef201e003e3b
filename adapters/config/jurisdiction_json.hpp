// File: adapters/config/jurisdiction_json.hpp
//
// config/jurisdiction.json into the engine's Jurisdiction:
//
//   { "code": "longfengqiao", "name": "龙凤桥街道",
//     "communities": [ { "code": "LF", "name": "龙凤社区",
//        "grids": [ { "code": "LF-G01", "name": "…",
//                     "micro_grids": [ {"code": "LF-G01-M1", "name": "…"} ] } ] } ] }
//
// Refuses (ErrorKind::invalid, one FieldError per problem, with paths such as
// "communities[1].grids[3].code") a missing or empty code or name and a
// missing `communities` or `grids` array here, and a code used twice anywhere
// in the engine (engine/directory/jurisdiction.hpp). `micro_grids` may be
// absent (a grid without micro-grids). Other members (e.g. "area",
// "district") are ignored; GET /api/v1/jurisdiction serves the document as
// loaded (DomainConfig::jurisdiction_document).
//
//   auto j = jurisdiction_from_json(boost::json::parse(text));
//   if (j && j.value().community_of_grid("LF-G01") == "LF") { … }
#pragma once

#include <boost/json/value.hpp>

#include "engine/core/error.hpp"
#include "engine/directory/jurisdiction.hpp"

namespace outpost::config {

Result<Jurisdiction> jurisdiction_from_json(const boost::json::value& doc);

}  // namespace outpost::config
