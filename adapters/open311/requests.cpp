#include "adapters/open311/requests.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <utility>

#include <spdlog/spdlog.h>
#include <boost/json.hpp>

#include "adapters/open311/form.hpp"
#include "engine/cases/annotations.hpp"
#include "engine/cases/audit_chain.hpp"

namespace outpost::open311 {
namespace {

namespace json = boost::json;

constexpr std::string_view kPointLine = "坐标（WGS84）：";
constexpr std::string_view kMediaLine = "图片链接：";
constexpr std::size_t kMaxMediaUrl = 2048;
constexpr std::size_t kTitleChars = 30;
constexpr std::string_view kTokenScope = "open311:token";
// Fields that may appear once; a second one is refused (attributes may repeat
// only as attribute[CODE][]).
constexpr std::string_view kSingleFields[] = {
    "api_key",        "jurisdiction_id", "service_code", "lat",         "long",
    "address_string", "address_id",      "email",        "device_id",   "account_id",
    "first_name",     "last_name",       "phone",        "description", "media_url"};

// The first `n` code points of UTF-8 text.
std::string first_chars(std::string_view s, std::size_t n) {
  std::size_t at = 0, count = 0;
  while (at < s.size() && count < n) {
    const unsigned char c = static_cast<unsigned char>(s[at]);
    at += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    ++count;
  }
  return std::string(s.substr(0, std::min(at, s.size())));
}

std::optional<double> parse_double(std::string_view s) {
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

json::object to_json(const NewCase& c) {
  json::array parties;
  for (const Party& p : c.parties) {
    parties.push_back({{"role", p.role}, {"name", p.name}, {"phone", p.phone}});
  }
  return {{"kind", c.kind},
          {"category", c.category},
          {"title", c.title},
          {"description", c.description},
          {"channel", c.channel},
          {"location",
           {{"community", c.location.community},
            {"grid", c.location.grid},
            {"micro_grid", c.location.micro_grid},
            {"address", c.location.address}}},
          {"parties", std::move(parties)}};
}

std::string str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

NewCase new_case_of(const json::object& o) {
  NewCase c;
  c.kind = str(o, "kind");
  c.category = str(o, "category");
  c.title = str(o, "title");
  c.description = str(o, "description");
  c.channel = str(o, "channel");
  const json::object& loc = o.at("location").as_object();
  c.location = {str(loc, "community"), str(loc, "grid"), str(loc, "micro_grid"),
                str(loc, "address")};
  for (const json::value& p : o.at("parties").as_array()) {
    const json::object& po = p.as_object();
    c.parties.push_back({str(po, "role"), str(po, "name"), str(po, "phone"), ""});
  }
  return c;
}

// A micro-grid code as a place, without boundaries loaded.
std::optional<directory::Place> micro_grid_place(const Jurisdiction& j, const std::string& code) {
  const std::string_view grid = j.grid_of_micro_grid(code);
  if (grid.empty()) return std::nullopt;
  return directory::Place{std::string(j.community_of_grid(grid)), std::string(grid), code, ""};
}

std::string point_text(directory::GeoPoint p) {
  char text[64];
  std::snprintf(text, sizeof text, "%.6f,%.6f", p.lat, p.lon);
  return text;
}

Refused refused(int status, std::string message) {
  return Refused{status, {std::move(message)}, 0};
}

Refused unavailable() {
  return refused(503, "the database does not answer; try again later");
}

// The form's fields by name; attribute[CODE] and attribute[CODE][] apart.
struct Form {
  std::map<std::string, std::string> single;
  GivenAttributes attributes;
  std::vector<std::string> problems;
};

Form read_fields(const FormFields& fields,
                 const std::vector<std::pair<std::string, std::string>>& query) {
  Form f;
  std::set<std::string> seen;
  bool unreadable = false;
  const auto take = [&](const std::string& name, const std::string& value, bool file) {
    // Neither echoed in a problem nor stored: PostgreSQL's text holds no U+0000.
    const auto clean = [](const std::string& s) {
      return s.find('\0') == std::string::npos && is_valid_utf8(s);
    };
    if (!clean(name) || (!file && !clean(value))) {
      if (!std::exchange(unreadable, true)) {
        f.problems.push_back("a field name or value is not UTF-8 or holds U+0000");
      }
      return;
    }
    if (file) {
      f.problems.push_back(name + " is an uploaded file; send a picture as media_url");
      return;
    }
    if (name.rfind("attribute[", 0) == 0) {
      const std::size_t close = name.find(']');
      const std::string code = close == std::string::npos ? "" : name.substr(10, close - 10);
      const std::string tail = close == std::string::npos ? "" : name.substr(close + 1);
      if (code.empty() || (tail != "" && tail != "[]")) {
        f.problems.push_back(name + " is not attribute[CODE] or attribute[CODE][]");
        return;
      }
      if (tail.empty() && f.attributes.count(code)) {
        f.problems.push_back("attribute[" + code +
                             "] is given more than once; a list takes attribute[" + code + "][]");
        return;
      }
      f.attributes[code].push_back(value);
      return;
    }
    if (std::find(std::begin(kSingleFields), std::end(kSingleFields), name) ==
        std::end(kSingleFields)) {
      return;  // fields of other extensions are ignored, as the specification asks
    }
    if (!seen.insert(name).second) {
      f.problems.push_back(name + " is given more than once");
      return;
    }
    f.single[name] = value;
  };
  for (const FormField& field : fields) take(field.name, field.value, field.file);
  for (const auto& [name, value] : query) {
    if (name == "api_key" || name == "jurisdiction_id") take(name, value, false);
  }
  return f;
}

std::string field(const Form& f, const std::string& name) {
  auto it = f.single.find(name);
  return it == f.single.end() ? std::string() : it->second;
}

// Where the request is: address_id (a micro-grid or building code), else the
// point (in the channel's datum, converted to WGS84), else a residential area
// or building named in address_string. Nowhere: refused, or the community
// desk for a channel so configured.
void locate(const Context& ctx, const Form& form, const Channel& channel, Location& location,
            std::string& extra, std::vector<std::string>& problems) {
  const directory::Locator* locator =
      ctx.locator != nullptr && !ctx.locator->empty() ? ctx.locator : nullptr;
  const std::string lat = field(form, "lat"), lon = field(form, "long");
  std::optional<directory::GeoPoint> point;
  if (!lat.empty() || !lon.empty()) {
    auto la = parse_double(lat), lo = parse_double(lon);
    if (!la || !lo) {
      problems.push_back("lat and long must both be given as decimal degrees");
    } else if (!directory::is_valid_coordinate({*la, *lo})) {
      problems.push_back("lat must be within -90..90 and long within -180..180");
    } else {
      const auto datum = directory::datum_named(channel.datum).value_or(directory::Datum::wgs84);
      point = directory::to_wgs84({*la, *lo}, datum);
      extra += std::string(kPointLine) +
               (datum == directory::Datum::wgs84 ? lat + "," + lon : point_text(*point)) + "\n";
    }
  }
  const std::string address_id = field(form, "address_id");
  const std::string address = field(form, "address_string");
  location.address = address;
  std::optional<directory::Place> place;
  if (!address_id.empty()) {
    place = locator ? locator->by_code(address_id) : micro_grid_place(ctx.jurisdiction, address_id);
    if (!place) {
      problems.push_back("address_id " + address_id +
                         " is not a micro-grid or building code of this jurisdiction");
      return;
    }
  } else if (point && locator) {
    place = locator->at(*point);
  }
  if (!place && address_id.empty() && !address.empty() && locator) {
    place = locator->by_address(address);
  }
  if (place) {
    location.community = place->community;
    location.grid = place->grid;
    location.micro_grid = place->micro_grid;
    const directory::NamedPlace* named =
        locator && !place->building.empty() ? locator->named_place(place->building) : nullptr;
    if (location.address.empty() && named) location.address = named->name;
  } else if (!point && address.empty()) {
    problems.push_back("a location is missing: give lat and long, address_string or address_id");
  } else if (channel.outside_grid == "desk") {
    // In no micro-grid: the community desk sorts it out.
    const std::string community = ctx.jurisdiction.community_codes().front();
    location.community = community;
    location.grid = ctx.jurisdiction.grids_of(community).front();
    extra += "位置待核实：渠道所报位置不在任何微网格内，转社区服务台\n";
  } else if (problems.empty()) {
    problems.push_back(point ? "the point " + point_text(*point) +
                                   " (WGS84) lies in no micro-grid of this jurisdiction"
                             : "address_string names no known residential area or building;"
                               " give lat and long or address_id");
  }
}

}  // namespace

std::string open311_status(std::string_view state) {
  return state == "closed" || state == "rejected" ? "closed" : "open";
}

std::vector<std::string> open_states() {
  return {"submitted", "dispatched", "acknowledged", "in_progress", "on_hold", "resolved"};
}

std::vector<std::string> closed_states() {
  return {"closed", "rejected"};
}

PublicText public_text(std::string_view stored) {
  PublicText out;
  std::string_view rest = stored;
  while (!rest.empty()) {
    const std::size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (line.substr(0, kPointLine.size()) == kPointLine) {
      std::string_view point = line.substr(kPointLine.size());
      const std::size_t comma = point.find(',');
      out.lat = std::string(point.substr(0, comma));
      if (comma != std::string_view::npos) out.lon = std::string(point.substr(comma + 1));
    } else if (line.substr(0, kMediaLine.size()) == kMediaLine) {
      out.media_url = std::string(line.substr(kMediaLine.size()));
    } else {
      if (!out.description.empty()) out.description += '\n';
      out.description += line;
    }
  }
  return out;
}

RequestReader::RequestReader(Context& ctx, const std::vector<Service>& services, ChannelKeys& keys)
    : ctx_(ctx), services_(services), keys_(keys) {}

Result<Posted, Refused> RequestReader::read(const http::HttpRequest& req,
                                            const std::string& jurisdiction_id) {
  auto fields = parse_form(req.header("content-type").value_or(""), req.body);
  if (!fields) return refused(400, fields.error().message);
  Form form = read_fields(fields.value(), req.query);
  const std::string key = field(form, "api_key");
  if (key.empty())
    return refused(401, "api_key is missing: ask the outpost's admin for a channel key");
  auto holder = keys_.find(key);
  if (!holder) return unavailable();
  if (!holder.value()) return refused(403, "api_key is not valid (unknown or revoked)");
  const KeyHolder& who = *holder.value();
  if (long wait = keys_.admit(who.channel, ctx_.clock.now()); wait > 0) {
    return Refused{429,
                   {"api_key is over its rate of " + std::to_string(who.channel.rate_per_minute) +
                    " requests per minute; retry after " + std::to_string(wait) + " s"},
                   wait};
  }
  if (!form.problems.empty()) return Refused{400, form.problems, 0};
  const std::string jid = field(form, "jurisdiction_id");
  if (!jid.empty() && jid != jurisdiction_id) {
    return refused(404,
                   "jurisdiction_id " + jid + " not found; this server serves " + jurisdiction_id);
  }
  const std::string code = field(form, "service_code");
  if (code.empty()) return refused(400, "service_code is missing");
  const auto service = std::find_if(services_.begin(), services_.end(),
                                    [&](const Service& s) { return s.code == code; });
  if (service == services_.end()) return refused(404, "service_code " + code + " not found");

  std::vector<std::string> problems = check_attributes(*service, form.attributes);
  NewCase cmd;
  cmd.kind = "request";
  cmd.category = code;
  cmd.channel = who.channel.intake_channel;
  std::string description = field(form, "description");
  std::string extra = describe_attributes(*service, form.attributes);

  const std::string media = field(form, "media_url");
  if (!media.empty()) {
    if (media.size() > kMaxMediaUrl) {
      problems.push_back("media_url is longer than " + std::to_string(kMaxMediaUrl) + " bytes");
    } else if (media.rfind("http://", 0) != 0 && media.rfind("https://", 0) != 0) {
      problems.push_back("media_url must be an http or https URL");
    } else {
      extra += std::string(kMediaLine) + media + "\n";
    }
  }
  locate(ctx_, form, who.channel, cmd.location, extra, problems);
  cmd.description = description.empty() ? extra : description + "\n" + extra;
  while (!cmd.description.empty() && cmd.description.back() == '\n') cmd.description.pop_back();
  cmd.title = description.empty() ? service->name : first_chars(description, kTitleChars);
  std::string name = field(form, "last_name") + field(form, "first_name");
  cmd.parties.push_back({"applicant",
                         name.empty() ? "匿名居民（" + who.channel.display_name + "）" : name,
                         field(form, "phone"), ""});
  if (problems.empty()) {
    if (Status s = ctx_.cases.check(cmd); !s) {
      if (s.error().kind == ErrorKind::unavailable) return unavailable();
      for (const FieldError& e : s.error().fields) problems.push_back(e.field + ": " + e.message);
      if (s.error().fields.empty()) problems.push_back(s.error().message);
    }
  }
  if (!problems.empty()) return Refused{400, problems, 0};

  Posted out;
  out.account_id = field(form, "account_id");
  if (service->desk_confirmation) {
    out.token = new_token();
    ChannelSubmission sub{out.token, who.channel.id, json::serialize(to_json(cmd)),
                          ctx_.clock.now()};
    if (Status s = ctx_.channels.save_submission(sub); !s) return unavailable();
    out.notice = "已收到，待社区服务台确认后生成工单";
    return out;
  }
  auto created = ctx_.cases.create(cmd, who.actor, nullptr);
  if (!created) {
    if (created.error().kind == ErrorKind::unavailable) return unavailable();
    return refused(created.error().kind == ErrorKind::forbidden ? 403 : 400,
                   created.error().message);
  }
  spdlog::info("open311: channel '{}' filed case {}", who.channel.name, created.value().id);
  out.id = std::to_string(created.value().id);
  out.notice = std::string(ctx_.cases.state_label(created.value()));
  return out;
}

Result<std::optional<CaseId>, Refused> RequestReader::case_of_token(std::string_view token) {
  auto sub = ctx_.channels.find_submission(token);
  if (!sub) return unavailable();
  if (!sub.value()) return refused(404, "token " + std::string(token) + " not found");
  auto channels = ctx_.channels.list_channels();
  if (!channels) return unavailable();
  for (const Channel& c : channels.value()) {
    if (c.id != sub.value()->channel_id) continue;
    auto rec =
        ctx_.cases.find_idempotent({c.user_id, std::string(kTokenScope), std::string(token), ""});
    if (!rec) return unavailable();
    if (rec.value()) return std::optional<CaseId>(rec.value()->case_id);
  }
  return std::optional<CaseId>();
}

Result<Case> RequestReader::confirm(std::string_view token, const Actor& desk) {
  if (Status s = ctx_.cases.permissions().check(Action::create_case, desk); !s) return s.error();
  auto sub = ctx_.channels.find_submission(token);
  if (!sub) return sub.error();
  if (!sub.value()) return Error::make(ErrorKind::not_found, "no waiting request with this token");
  auto channels = ctx_.channels.list_channels();
  if (!channels) return channels.error();
  const auto c = std::find_if(channels.value().begin(), channels.value().end(),
                              [&](const Channel& x) { return x.id == sub.value()->channel_id; });
  if (c == channels.value().end()) return Error::make(ErrorKind::not_found, "the channel is gone");
  const IdempotencyKey key{c->user_id, std::string(kTokenScope), std::string(token),
                           std::string(token)};
  auto rec = ctx_.cases.find_idempotent(key);
  if (!rec) return rec.error();
  if (rec.value()) return ctx_.cases.get(rec.value()->case_id);
  const Actor source{c->user_id, c->username(), std::string(kChannelRole), "", ""};
  const NewCase cmd = new_case_of(json::parse(sub.value()->body).as_object());
  auto created = ctx_.cases.create(cmd, source, &key);
  if (created) {
    spdlog::info("open311: '{}' confirmed the request of token {} as case {}", desk.username,
                 token_id_of_hash(sha256_hex(token)), created.value().id);
  }
  return created;
}

}  // namespace outpost::open311
