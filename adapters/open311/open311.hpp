// File: adapters/open311/open311.hpp
//
// Open311 GeoReport v2 (docs/OPEN311.md) for outside channels, served from
// the same binary under /open311/v2, and the admin API of the channels and
// their keys under /api/v1/channels. The adapter reads Open311 forms into the
// engine's commands (NewCase) and answers from its values; it maps errors to
// the Open311 error format itself. Reads are public (no PII, only public notes);
// posting needs a channel's api_key.
//
//   open311::Context o311{service, store, annotations, stores.users, stores.users,
//                         stores.channels, catalogue, catalogue_document, jurisdiction,
//                         jurisdiction_document, &locator, auth, clock};
//   open311::register_routes(router, o311);
#pragma once

#include <boost/json/value.hpp>

#include "adapters/http/auth.hpp"
#include "adapters/http/router.hpp"
#include "engine/access/channels.hpp"
#include "engine/access/users.hpp"
#include "engine/cases/annotations.hpp"
#include "engine/cases/case_service.hpp"
#include "engine/directory/catalogue.hpp"
#include "engine/directory/jurisdiction.hpp"
#include "engine/directory/locator.hpp"

namespace outpost::open311 {

struct Context {
  CaseService& cases;
  CaseStore& case_store;         // public lists: non-confidential requests only
  AnnotationStore& annotations;  // public notes as status_notes
  UserStore& users;              // api_key → the channel's user
  UserAccountStore& accounts;    // a channel's user and key
  ChannelStore& channels;
  const Catalogue& catalogue;
  const boost::json::value& catalogue_document;  // categories' "open311" sections
  const Jurisdiction& jurisdiction;
  const boost::json::value& jurisdiction_document;  // names and the jurisdiction_id
  // Points and addresses to micro-grids (config/boundaries.geojson), the one
  // the native API uses; without it only micro-grid codes resolve.
  const directory::Locator* locator;
  http::Authenticator& auth;  // the admin API
  const Clock& clock;
};

// /open311/v2/… and /api/v1/channels…; throws std::invalid_argument when a
// category's "open311" section in the catalogue is malformed.
void register_routes(http::Router& router, Context& ctx);

}  // namespace outpost::open311
