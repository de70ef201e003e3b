// File: adapters/config/config_loader.hpp
//
// Reads the shipped configuration data (config/catalogue.json,
// config/jurisdiction.json, config/staff.json, config/calendar.json,
// config/permissions.json, config/audit.json, config/boundaries.geojson and
// config/statistics.json, or the same names in another
// folder) into the engine's values. Errors name the file and, for
// validation, the field path.
#pragma once

#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "engine/access/permissions.hpp"
#include "engine/audits/audit_permissions.hpp"
#include "engine/audits/audit_service.hpp"
#include "engine/core/error.hpp"
#include "engine/deadlines/calendar.hpp"
#include "engine/deadlines/deadlines.hpp"
#include "engine/directory/catalogue.hpp"
#include "engine/directory/directory.hpp"
#include "engine/directory/jurisdiction.hpp"
#include "engine/directory/locator.hpp"
#include "engine/reports/statistics.hpp"

namespace outpost::config {

struct DomainConfig {
  Catalogue catalogue;
  Jurisdiction jurisdiction;
  // The roster that seeds an empty staff table, checked against the two above.
  std::vector<StaffMember> staff;
  // The working-day calendar deadlines are counted on (calendar.json).
  WorkingCalendar calendar;
  // Which step's clock runs in which state, and the limits (catalogue.json).
  DeadlinePolicy deadline_policy;
  // Who may apply which event, take which action, see which case
  // (permissions.json), checked against the built-in workflows.
  Permissions permissions;
  // catalogue.json and jurisdiction.json as loaded, which GET
  // /api/v1/catalogue and /api/v1/jurisdiction serve.
  boost::json::value catalogue_document;
  boost::json::value jurisdiction_document;
  // The audits: deficiency categories (audit.json) and who may do what to
  // audits (the "audits" member of permissions.json).
  std::vector<FindingCategory> finding_categories;
  AuditPermissions audit_permissions;
  // The jurisdiction's boundaries and named places (boundaries.geojson):
  // points and addresses to micro-grids.
  directory::Locator locator;
  // The statistics table's classes and their dispute categories (statistics.json).
  StatisticsClasses statistics_classes;
};

// `calendar` and `boundaries`: the calendar and boundary files, relative to
// config_dir unless absolute.
Result<DomainConfig> load_domain_config(const std::string& config_dir,
                                        const std::string& calendar = "calendar.json",
                                        const std::string& boundaries = "boundaries.geojson");

// The folder of the shipped configuration in this source tree.
std::string default_config_dir();

}  // namespace outpost::config
