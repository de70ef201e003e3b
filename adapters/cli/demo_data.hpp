// File: adapters/cli/demo_data.hpp
//
// Demonstration cases for `outpost serve --demo-data`: on an empty database,
// a realistic spread of disputes across the communities, categories and
// states, created and advanced through the same CaseService calls the HTTP
// API makes. Names and phone numbers are invented.
#pragma once

#include "engine/cases/case_service.hpp"

namespace outpost::cli {

// Returns the number of cases created (0 when the database already had cases).
Result<int> seed_demo_data(CaseService& service, CaseStore& store, const Jurisdiction& jurisdiction,
                           const Catalogue& catalogue, const Actor& desk);

}  // namespace outpost::cli
