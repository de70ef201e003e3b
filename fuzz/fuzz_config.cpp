// File: fuzz/fuzz_config.cpp
//
// libFuzzer target: the configuration loader's readers. The first byte picks
// the file (catalogue.json with its deadline policy, the catalogue as an
// uploaded edition, jurisdiction.json, permissions.json with its audit
// permissions, calendar.json); the rest is that file's text. A bad file is an
// Error naming the field, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include <boost/json/parse.hpp>

#include "adapters/config/audit_json.hpp"
#include "adapters/config/calendar_json.hpp"
#include "adapters/config/catalogue_json.hpp"
#include "adapters/config/jurisdiction_json.hpp"
#include "adapters/config/permissions_json.hpp"
#include "workflows/registry.hpp"

using namespace outpost;
using namespace outpost::config;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const int file = data[0] % 5;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (file == 1) {
    (void)parse_catalogue_document(text);
    return 0;
  }
  boost::system::error_code ec;
  const boost::json::value doc = boost::json::parse(text, ec);
  if (ec) return 0;
  switch (file) {
    case 0:
      if (auto catalogue = catalogue_from_json(doc))
        (void)deadline_policy_from_json(doc, catalogue.value());
      break;
    case 2:
      (void)jurisdiction_from_json(doc);
      break;
    case 3: {
      static const WorkflowRegistry workflows = builtin_workflows();
      (void)permissions_from_json(doc, workflows);
      (void)audit_permissions_from_json(doc, builtin_audit_workflow());
      break;
    }
    default:
      (void)calendar_from_json(doc);
  }
  return 0;
}
