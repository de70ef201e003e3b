// File: adapters/cli/catalogue_editions.hpp
//
// `outpost serve`'s part of the stored catalogue (engine/directory/catalogue_service.hpp):
// at start config/catalogue.json seeds the database when it holds no edition,
// and the newest edition is put in force; each edition put in force (at start,
// by PUT /api/v1/catalogue, or another process's, found by the ticker chore
// about every 2 s and by GET /api/v1/catalogue) sets the deadline policy and
// adds its new departments to the directory.
//
//   CatalogueService catalogue(stores.catalogue, config::parse_catalogue_document, permissions,
//   clock); if (Status s = cli::start_catalogue(catalogue, seed, deadlines, stores.directory); !s)
//   … ticker.add_chore(cli::catalogue_refresh_chore(catalogue, clock));
#pragma once

#include <functional>

#include <boost/json/value.hpp>

#include "engine/core/clock.hpp"
#include "engine/deadlines/deadlines.hpp"
#include "engine/directory/catalogue_service.hpp"
#include "engine/directory/directory.hpp"

namespace outpost::cli {

Status start_catalogue(CatalogueService& catalogue, const boost::json::value& seed,
                       Deadlines& deadlines, DirectoryStore& directory);

std::function<void()> catalogue_refresh_chore(CatalogueService& catalogue, const Clock& clock);

}  // namespace outpost::cli
