#include "engine/access/channels.hpp"

#include <algorithm>

namespace outpost {
namespace {

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool one_of(std::string_view v, std::initializer_list<std::string_view> allowed) {
  return std::find(allowed.begin(), allowed.end(), v) != allowed.end();
}

}  // namespace

Status validate_channel(const Channel& c) {
  std::vector<FieldError> fields;
  if (c.name.size() < 2 || c.name.size() > 40 ||
      !std::all_of(c.name.begin(), c.name.end(), name_char)) {
    fields.push_back({"name", "must be 2 to 40 of the characters a-z 0-9 _ -"});
  }
  if (c.display_name.empty() || c.display_name.size() > 200) {
    fields.push_back({"display_name", "must be 1 to 200 bytes"});
  }
  if (!one_of(c.datum, {"wgs84", "gcj02"})) {
    fields.push_back({"datum", "must be wgs84 or gcj02"});
  }
  if (!one_of(c.outside_grid, {"refuse", "desk"})) {
    fields.push_back({"outside_grid", "must be refuse or desk"});
  }
  if (c.rate_per_minute < 1 || c.rate_per_minute > 100000) {
    fields.push_back({"rate_per_minute", "must be 1 to 100000"});
  }
  if (!one_of(c.intake_channel, {"online", "hotline", "phone"})) {
    fields.push_back({"intake_channel", "must be online, hotline or phone"});
  }
  if (!fields.empty()) return Error::invalid_fields(std::move(fields), "the channel is not valid");
  return Ok{};
}

}  // namespace outpost
