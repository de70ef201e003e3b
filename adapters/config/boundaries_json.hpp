// File: adapters/config/boundaries_json.hpp
//
// config/boundaries.geojson (setting [jurisdiction] boundaries) into the
// engine's Locator (engine/directory/locator.hpp): a GeoJSON FeatureCollection
// (RFC 7946, WGS84 longitude-latitude) whose features carry
// properties.code and properties.level:
//
//   level "community" | "grid" | "micro_grid": a Polygon or MultiPolygon,
//     the boundary of that jurisdiction code;
//   level "residential_area" | "building": a Point, with properties.name,
//     properties.micro_grid and optionally properties.aliases (strings): a
//     place people name in addresses (e.g. 西山坪家属区3栋).
//
// The shape is judged here (field paths such as "features[12].geometry"),
// the geometry by Locator::make (Boost.Geometry: closed rings, valid
// polygons, known codes, every micro-grid with a boundary, children inside
// their parents, no overlaps — each problem named by its code). Other
// properties (e.g. "name" of a boundary) are informative.
//
//   auto locator = locator_from_geojson(boost::json::parse(text), jurisdiction);
#pragma once

#include <boost/json/value.hpp>

#include "engine/core/error.hpp"
#include "engine/directory/jurisdiction.hpp"
#include "engine/directory/locator.hpp"

namespace outpost::config {

Result<directory::Locator> locator_from_geojson(const boost::json::value& doc,
                                                const Jurisdiction& jurisdiction);

}  // namespace outpost::config
