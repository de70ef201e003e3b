// File: tests/support/shipped_config.hpp
//
// The shipped configuration (config/ of this source tree, OUTPOST_CONFIG_DIR
// of the test program) for the tests that check against it: one document as
// JSON, all of it loaded once as the server loads it, and the built-in
// workflows. Header-only: the engine and config test programs include it
// without linking the server's test support.
//
//   const config::DomainConfig& d = testing::shipped_config();
//   boost::json::value doc = testing::config_document("permissions.json");
//   CHECK(testing::fields_of(error.fields) == std::vector<std::string>{"staff[1].id"});
#pragma once

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "adapters/config/config_loader.hpp"
#include "workflows/registry.hpp"

namespace outpost::testing {

// config/<name> parsed; throws when it cannot be read.
inline boost::json::value config_document(const std::string& name) {
  std::ifstream in(std::string(OUTPOST_CONFIG_DIR) + "/" + name, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open config/" + name);
  return boost::json::parse(std::string(std::istreambuf_iterator<char>(in), {}));
}

inline const config::DomainConfig& shipped_config() {
  static const config::DomainConfig domain = config::load_domain_config(OUTPOST_CONFIG_DIR).value();
  return domain;
}

inline const WorkflowRegistry& shipped_workflows() {
  static const WorkflowRegistry registry = builtin_workflows();
  return registry;
}

// The fields the errors name, in order.
inline std::vector<std::string> fields_of(const std::vector<FieldError>& errors) {
  std::vector<std::string> out;
  for (const FieldError& e : errors) out.push_back(e.field);
  return out;
}

}  // namespace outpost::testing
