// File: adapters/config/config_loader.hpp
//
// Reads the shipped configuration data (config/catalogue.json and
// config/jurisdiction.json, or the same names in another folder) into the
// engine's values. Errors name the file and, for validation, the field path.
#pragma once

#include <string>

#include "engine/catalogue.hpp"
#include "engine/error.hpp"
#include "engine/jurisdiction.hpp"

namespace outpost::config {

struct DomainConfig {
  Catalogue catalogue;
  Jurisdiction jurisdiction;
};

Result<DomainConfig> load_domain_config(const std::string& config_dir);

// The folder of the shipped configuration in this source tree.
std::string default_config_dir();

}  // namespace outpost::config
