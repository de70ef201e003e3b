// File: adapters/config/statistics_json.hpp
//
// Reads config/statistics.json, the justice office's statistics classes
// (engine/reports/statistics.hpp) and the dispute categories each takes:
//
//   { "classes": [ {"code": "marriage_family", "label": "婚姻家庭",
//                   "categories": ["family_marriage"]}, … ] }
//
// invalid, every problem named by its path ("classes[3].categories[0]"): a
// missing or ill-shaped member, an empty or repeated code or label, a
// category the catalogue has not among its disputes or that two classes
// take, a dispute category no class takes.
#pragma once

#include <boost/json/value.hpp>

#include "engine/core/error.hpp"
#include "engine/directory/catalogue.hpp"
#include "engine/reports/statistics.hpp"

namespace outpost::config {

Result<StatisticsClasses> statistics_classes_from_json(const boost::json::value& doc,
                                                       const Catalogue& catalogue);

}  // namespace outpost::config
