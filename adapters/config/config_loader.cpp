#include "adapters/config/config_loader.hpp"

#include <fstream>
#include <sstream>

#include <boost/json/parse.hpp>

#include "adapters/config/audit_json.hpp"
#include "adapters/config/boundaries_json.hpp"
#include "adapters/config/calendar_json.hpp"
#include "adapters/config/catalogue_json.hpp"
#include "adapters/config/jurisdiction_json.hpp"
#include "adapters/config/permissions_json.hpp"
#include "adapters/config/staff_json.hpp"
#include "adapters/config/statistics_json.hpp"
#include "workflows/registry.hpp"

namespace outpost::config {
namespace {

Result<boost::json::value> read_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::make(ErrorKind::invalid, "cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  auto v = boost::json::parse(text.str(), ec);
  if (ec) return Error::make(ErrorKind::invalid, path + " is not valid JSON: " + ec.message());
  return v;
}

// Prefixes the error's message and field paths with the file they came from.
Error in_file(Error e, const std::string& path) {
  e.message = path + ": " + e.message;
  for (auto& f : e.fields) e.message += "; " + f.field + " " + f.message;
  return e;
}

}  // namespace

std::string default_config_dir() {
  return OUTPOST_DEFAULT_CONFIG_DIR;
}

Result<DomainConfig> load_domain_config(const std::string& config_dir,
                                        const std::string& calendar_file,
                                        const std::string& boundaries_file) {
  const std::string catalogue_path = config_dir + "/catalogue.json";
  const std::string jurisdiction_path = config_dir + "/jurisdiction.json";
  auto catalogue_doc = read_json_file(catalogue_path);
  if (!catalogue_doc) return catalogue_doc.error();
  auto jurisdiction_doc = read_json_file(jurisdiction_path);
  if (!jurisdiction_doc) return jurisdiction_doc.error();
  auto catalogue = catalogue_from_json(catalogue_doc.value());
  if (!catalogue) return in_file(catalogue.error(), catalogue_path);
  auto jurisdiction = jurisdiction_from_json(jurisdiction_doc.value());
  if (!jurisdiction) return in_file(jurisdiction.error(), jurisdiction_path);
  const std::string staff_path = config_dir + "/staff.json";
  auto staff_doc = read_json_file(staff_path);
  if (!staff_doc) return staff_doc.error();
  auto staff = roster_from_json(staff_doc.value(), catalogue.value(), jurisdiction.value());
  if (!staff) return in_file(staff.error(), staff_path);
  const auto in_dir = [&](const std::string& file) {
    return file.starts_with('/') ? file : config_dir + "/" + file;
  };
  const std::string calendar_path = in_dir(calendar_file);
  auto calendar_doc = read_json_file(calendar_path);
  if (!calendar_doc) return calendar_doc.error();
  auto calendar = calendar_from_json(calendar_doc.value());
  if (!calendar) return in_file(calendar.error(), calendar_path);
  auto policy = deadline_policy_from_json(catalogue_doc.value(), catalogue.value());
  if (!policy) return in_file(policy.error(), catalogue_path);
  const std::string permissions_path = config_dir + "/permissions.json";
  auto permissions_doc = read_json_file(permissions_path);
  if (!permissions_doc) return permissions_doc.error();
  auto permissions = permissions_from_json(permissions_doc.value(), builtin_workflows());
  if (!permissions) return in_file(permissions.error(), permissions_path);
  auto audit_permissions =
      audit_permissions_from_json(permissions_doc.value(), builtin_audit_workflow());
  if (!audit_permissions) return in_file(audit_permissions.error(), permissions_path);
  const std::string audit_path = config_dir + "/audit.json";
  auto audit_doc = read_json_file(audit_path);
  if (!audit_doc) return audit_doc.error();
  auto categories = finding_categories_from_json(audit_doc.value());
  if (!categories) return in_file(categories.error(), audit_path);
  const std::string boundaries_path = in_dir(boundaries_file);
  auto boundaries_doc = read_json_file(boundaries_path);
  if (!boundaries_doc) return boundaries_doc.error();
  auto locator = locator_from_geojson(boundaries_doc.value(), jurisdiction.value());
  if (!locator) return in_file(locator.error(), boundaries_path);
  const std::string statistics_path = config_dir + "/statistics.json";
  auto statistics_doc = read_json_file(statistics_path);
  if (!statistics_doc) return statistics_doc.error();
  auto statistics = statistics_classes_from_json(statistics_doc.value(), catalogue.value());
  if (!statistics) return in_file(statistics.error(), statistics_path);
  return DomainConfig{std::move(catalogue.value()),     std::move(jurisdiction.value()),
                      std::move(staff.value()),         std::move(calendar.value()),
                      std::move(policy.value()),        std::move(permissions.value()),
                      std::move(catalogue_doc.value()), std::move(jurisdiction_doc.value()),
                      std::move(categories.value()),    std::move(audit_permissions.value()),
                      std::move(locator.value()),       std::move(statistics.value())};
}

}  // namespace outpost::config
