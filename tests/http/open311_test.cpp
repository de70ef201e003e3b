// Open311 GeoReport v2 over HTTP (docs/OPEN311.md): channels and their keys,
// services, filing by form and multipart, tokens, the public view of a
// request as it moves through the request machine, and bad input that
// stores nothing.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <thread>

#include <fstream>
#include <iterator>

#include "engine/directory/locator.hpp"
#include "tests/http/fixtures.hpp"

using namespace outpost::testing;

namespace {

const Headers kForm{{"Content-Type", "application/x-www-form-urlencoded"}};

std::string form_escape(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string form(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields)
    out += (out.empty() ? "" : "&") + form_escape(k) + "=" + form_escape(v);
  return out;
}

// The named buildings of config/boundaries.geojson: code, micro-grid, point (WGS84).
struct Building {
  std::string code, micro_grid;
  outpost::directory::GeoPoint point;
};

std::vector<Building> buildings() {
  std::ifstream in(std::string(OUTPOST_SOURCE_DIR) + "/config/boundaries.geojson");
  REQUIRE(in);
  const json::value doc = json::parse(std::string(std::istreambuf_iterator<char>(in), {}));
  std::vector<Building> out;
  for (const auto& f : doc.at("features").as_array()) {
    if (f.at("geometry").at("type") != "Point") continue;
    const auto& xy = f.at("geometry").at("coordinates").as_array();
    out.push_back({text(f.at("properties").at("code")),
                   text(f.at("properties").at("micro_grid")),
                   {xy[1].to_number<double>(), xy[0].to_number<double>()}});
  }
  return out;
}

std::string degrees(double v) {
  char s[32];
  std::snprintf(s, sizeof s, "%.7f", v);
  return s;
}

// The first item of an Open311 list answer (a copy: the parsed body is a temporary).
json::value first(const Response& r) {
  const json::value v = r.json();
  REQUIRE_MESSAGE((v.is_array() && !v.as_array().empty()), r.body);
  return v.as_array()[0];
}

struct Open311Server : TestServer {
  HttpClient anon = server.client("");

  // A channel's api_key (shown once).
  std::string channel(const std::string& name, json::object settings = {}) {
    settings["name"] = name;
    if (!settings.contains("display_name")) settings["display_name"] = "测试渠道" + name;
    auto r = client.post_json("/api/v1/channels", settings);
    REQUIRE_MESSAGE(r.status == 201, r.body);
    return text(r.json().at("api_key"));
  }

  Response post(const std::string& body, const Headers& headers = kForm,
                const std::string& format = "json") {
    return anon.request("POST", "/open311/v2/requests." + format, body, headers);
  }

  std::int64_t case_count() {
    auto r = client.get("/api/v1/cases?kind=request");
    REQUIRE(r.status == 200);
    return static_cast<std::int64_t>(r.json().at("items").as_array().size());
  }

  json::object view(const std::string& id) {
    auto r = anon.get("/open311/v2/requests/" + id + ".json");
    REQUIRE_MESSAGE(r.status == 200, r.body);
    REQUIRE(r.json().as_array().size() == 1);
    return first(r).as_object();
  }
};

std::vector<std::pair<std::string, std::string>> repair(const std::string& key) {
  return {{"api_key", key},
          {"service_code", "facility_repair"},
          {"address_id", "LF-G02-M1"},
          {"address_string", "西山坪家属区3栋"},
          {"lat", "29.8312"},
          {"long", "106.4301"},
          {"attribute[facility]", "stair_light"},
          {"first_name", "桂兰"},
          {"last_name", "王"},
          {"phone", "13700137000"},
          {"description", "3单元楼道灯不亮，老人夜间上下楼不便"}};
}

// An Open311 error answer: a JSON array of {code, description}; the first description.
std::string error_of(const Response& r, int status) {
  REQUIRE_MESSAGE(r.status == status, r.body);
  auto errors = r.json().as_array();
  REQUIRE(!errors.empty());
  CHECK(errors[0].at("code").as_int64() == status);
  return text(errors[0].at("description"));
}

}  // namespace

TEST_SUITE("http_open311") {
  TEST_CASE("services list the request categories; a definition lists its attributes in order") {
    Open311Server t;
    auto services = t.anon.get("/open311/v2/services.json");
    REQUIRE(services.status == 200);
    CHECK(services.header("content-type").rfind("application/json", 0) == 0);
    const json::value services_json = services.json();
    const json::array& list = services_json.as_array();
    REQUIRE(list.size() == 8);
    CHECK(list[0].at("service_code") == "facility_repair");
    CHECK(list[0].at("service_name") == "公共设施维修");
    CHECK(list[0].at("metadata") == true);
    CHECK(list[0].at("group") == "设施报修");
    CHECK(text(list[0].at("keywords")).find("路灯") != std::string::npos);
    CHECK(list[1].at("metadata") == false);

    auto def = t.anon.get("/open311/v2/services/facility_repair.json?jurisdiction_id=longfengqiao");
    REQUIRE(def.status == 200);
    const json::value def_json = def.json();
    const json::array& attrs = def_json.at("attributes").as_array();
    REQUIRE(attrs.size() == 3);
    CHECK(attrs[0].at("code") == "facility");
    CHECK(attrs[0].at("required") == true);
    CHECK(attrs[0].at("datatype") == "singlevaluelist");
    CHECK(attrs[0].at("values").at(0).at("name") == "路灯");
    CHECK(attrs[1].at("datatype") == "multivaluelist");
    CHECK(attrs[2].at("order").as_int64() == 3);

    CHECK(error_of(t.anon.get("/open311/v2/services/nothing.json"), 404).find("nothing") !=
          std::string::npos);
    auto xml = t.anon.get("/open311/v2/services.xml");
    REQUIRE(xml.status == 200);
    CHECK(xml.header("content-type").rfind("text/xml", 0) == 0);
    CHECK(xml.body.rfind(
              "<?xml version=\"1.0\" encoding=\"UTF-8\"?><services><service><service_code>", 0) ==
          0);
  }

  TEST_CASE("a form post files a request as the channel; its public view has no personal data") {
    Open311Server t;
    const std::string key = t.channel("city_app", {{"intake_channel", "online"}});
    auto r = t.post(form(repair(key)));
    REQUIRE_MESSAGE(r.status == 201, r.body);
    const std::string id = text(first(r).at("service_request_id"));

    auto c = t.get_case(std::stoll(id));
    CHECK(c.at("state") == "submitted");
    CHECK(c.at("category") == "facility_repair");
    CHECK(c.at("channel") == "online");
    CHECK(c.at("location").at("micro_grid") == "LF-G02-M1");
    CHECK(c.at("location").at("grid") == "LF-G02");
    CHECK(c.at("parties").at(0).at("name") == "王**");  // the case has the name (masked)
    CHECK(text(c.at("description")).find("损坏的设施：楼道灯") != std::string::npos);
    CHECK(t.history(std::stoll(id))[0].at("actor") == "channel.city_app");

    const json::object v = t.view(id);
    CHECK(v.at("status") == "open");
    CHECK(v.at("service_code") == "facility_repair");
    CHECK(v.at("agency_responsible") == "城管");
    CHECK(v.at("address_id") == "LF-G02-M1");
    CHECK(v.at("lat") == "29.8312");
    CHECK(text(v.at("requested_datetime")).ends_with("+08:00"));
    CHECK(text(v.at("expected_datetime")).ends_with("+08:00"));
    const std::string body = t.anon.get("/open311/v2/requests/" + id + ".json").body;
    CHECK(body.find("13700137000") == std::string::npos);
    CHECK(body.find("王桂兰") == std::string::npos);
    CHECK(body.find("桂兰") == std::string::npos);
  }

  TEST_CASE("multipart posts with a repeated list attribute are read like forms") {
    Open311Server t;
    const std::string key = t.channel("wechat");
    std::string body;
    const auto part = [&](const std::string& name, const std::string& value) {
      body +=
          "--XyZ\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    };
    part("api_key", key);
    part("service_code", "facility_repair");
    part("address_id", "LF-G01-M2");
    part("attribute[facility]", "water_pipe");
    part("attribute[hazards][]", "flooding");
    part("attribute[hazards][]", "blocked_path");
    body += "--XyZ--\r\n";
    auto r = t.post(body, {{"Content-Type", "multipart/form-data; boundary=XyZ"}});
    REQUIRE_MESSAGE(r.status == 201, r.body);
    const std::string id = text(first(r).at("service_request_id"));
    CHECK(text(t.view(id).at("description")).find("现场隐患：积水、阻断通道") != std::string::npos);
  }

  TEST_CASE("bad input is an Open311 error and stores nothing") {
    Open311Server t;
    const std::string key = t.channel("hotline");
    const std::string revoked = t.channel("old_app");
    REQUIRE(t.client.request("POST", "/api/v1/channels/old_app/revoke").status == 200);
    const auto with = [&](std::vector<std::pair<std::string, std::string>> changes,
                          const std::string& drop = "") {
      auto fields = repair(key);
      std::erase_if(fields, [&](const auto& f) { return f.first == drop; });
      for (auto& [k, v] : changes) {
        auto it =
            std::find_if(fields.begin(), fields.end(), [&](const auto& f) { return f.first == k; });
        if (it != fields.end())
          it->second = v;
        else
          fields.emplace_back(k, v);
      }
      return form(fields);
    };
    struct Bad {
      std::string what, body;
      int status;
      std::string says;
      Headers headers = kForm;
    };
    const std::vector<Bad> cases{
        {"no key", with({}, "api_key"), 401, "api_key is missing"},
        {"unknown key", with({{"api_key", "0123"}}), 403, "not valid"},
        {"revoked key", with({{"api_key", revoked}}), 403, "not valid"},
        {"unknown service", with({{"service_code", "nothing"}}), 404,
         "service_code nothing not found"},
        {"missing attribute", with({}, "attribute[facility]"), 400, "attribute[facility]"},
        {"value not in the list", with({{"attribute[facility]", "moon"}}), 400, "moon"},
        {"bad lat", with({{"lat", "north"}}), 400, "decimal degrees"},
        {"lat out of range", with({{"lat", "91"}}), 400, "-90..90"},
        {"long out of range", with({{"long", "-181"}}), 400, "-180..180"},
        {"foreign jurisdiction", with({{"jurisdiction_id", "chicago"}}), 404,
         "jurisdiction_id chicago"},
        {"unknown micro-grid", with({{"address_id", "XX-1"}}), 400, "address_id XX-1"},
        {"oversized media_url",
         with({{"media_url", "https://img.example/" + std::string(3000, 'a')}}), 400,
         "media_url is longer"},
        {"media_url not http", with({{"media_url", "javascript:alert(1)"}}), 400, "http or https"},
        {"repeated field", with({}) + "&service_code=sanitation", 400,
         "service_code is given more than once"},
        {"repeated single attribute", with({}) + "&attribute%5Bfacility%5D=unit_door", 400,
         "more than once"},
        {"bad percent escape", with({}) + "&description=%E4%B", 400, "percent escape"},
        {"json body",
         json::serialize(json::object{{"api_key", key}}),
         400,
         "x-www-form-urlencoded",
         {{"Content-Type", "application/json"}}},
        {"multipart without closing boundary",
         "--b\r\nContent-Disposition: form-data; name=\"api_key\"\r\n\r\n" + key + "\r\n",
         400,
         "closing boundary",
         {{"Content-Type", "multipart/form-data; boundary=b"}}},
        {"multipart without boundary",
         "x",
         400,
         "boundary",
         {{"Content-Type", "multipart/form-data"}}},
        {"multipart part without name",
         "--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--\r\n",
         400,
         "no name",
         {{"Content-Type", "multipart/form-data; boundary=b"}}},
    };
    for (const Bad& b : cases) {
      CAPTURE(b.what);
      auto r = t.post(b.body, b.headers);
      CHECK(error_of(r, b.status).find(b.says) != std::string::npos);
    }
    CHECK(t.case_count() == 0);

    auto xml = t.post(with({{"service_code", "nothing"}}), kForm, "xml");
    CHECK(xml.status == 404);
    CHECK(xml.body.find("<errors><error><code>404</code><description>") != std::string::npos);
  }

  TEST_CASE("the same api_key over its rate gets 429 with Retry-After") {
    Open311Server t;
    const std::string key = t.channel("busy", {{"rate_per_minute", 3}});
    for (int i = 0; i < 3; ++i) REQUIRE(t.post(form(repair(key))).status == 201);
    auto over = t.post(form(repair(key)));
    CHECK(error_of(over, 429).find("rate of 3") != std::string::npos);
    CHECK(std::stoi(over.header("retry-after")) >= 1);
    CHECK(t.case_count() == 3);
    // Another channel's key is counted apart.
    CHECK(t.post(form(repair(t.channel("quiet")))).status == 201);
  }

  TEST_CASE("a category that needs the desk answers a token until the desk confirms it") {
    Open311Server t;
    const std::string key = t.channel("app12345");
    auto r = t.post(form({{"api_key", key},
                          {"service_code", "policy_question"},
                          {"address_id", "LF-G01-M1"},
                          {"description", "加装电梯补贴怎么申请"}}));
    REQUIRE_MESSAGE(r.status == 201, r.body);
    const json::object answer = first(r).as_object();
    CHECK_FALSE(answer.contains("service_request_id"));
    const std::string token = text(answer.at("token"));
    CHECK(t.case_count() == 0);
    auto waiting = t.anon.get("/open311/v2/tokens/" + token + ".json");
    REQUIRE(waiting.status == 200);
    CHECK(first(waiting).at("service_request_id").is_null());
    CHECK(text(first(waiting).at("token")) == token);

    auto confirmed = t.client.request("POST", "/api/v1/channel-submissions/" + token + "/confirm");
    REQUIRE_MESSAGE(confirmed.status == 201, confirmed.body);
    const auto id = confirmed.json().at("id").as_int64();
    CHECK(t.client.request("POST", "/api/v1/channel-submissions/" + token + "/confirm")
              .json()
              .at("id") == id);
    auto found = t.anon.get("/open311/v2/tokens/" + token + ".json");
    CHECK(text(first(found).at("service_request_id")) == std::to_string(id));
    CHECK(t.history(id)[0].at("actor") == "channel.app12345");
    CHECK(t.case_count() == 1);
    error_of(t.anon.get("/open311/v2/tokens/nothing.json"), 404);
  }

  TEST_CASE("a request follows dispatch, handling and 回访, and its Open311 view follows") {
    Open311Server t;
    const std::string key = t.channel("city_app");
    auto r = t.post(form(repair(key)));
    REQUIRE(r.status == 201);
    const std::string id_text = text(first(r).at("service_request_id"));
    const auto id = std::stoll(id_text);
    const json::object before = t.view(id_text);
    CHECK(before.at("status_notes").is_null());
    CHECK(before.at("service_notice") == "已提交");

    // Open311 times have whole seconds: let the next change fall in a later one.
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    t.step(id, "dispatch");
    t.step(id, "acknowledge");
    t.step(id, "start_work");
    REQUIRE(t.client
                .post_json("/api/v1/cases/" + id_text + "/notes",
                           json::object{{"body", "维修人员已到场"}, {"visibility", "public"}})
                .status == 201);
    REQUIRE(t.client
                .post_json("/api/v1/cases/" + id_text + "/notes",
                           json::object{{"body", "内部：材料待采购"}, {"visibility", "internal"}})
                .status == 201);
    const json::object working = t.view(id_text);
    CHECK(working.at("status") == "open");
    CHECK(working.at("status_notes") == "维修人员已到场");
    CHECK(t.anon.get("/open311/v2/requests/" + id_text + ".json").body.find("材料待采购") ==
          std::string::npos);
    t.step(id, "resolve", {{"resolution", "已更换楼道灯"}});
    auto closed = t.step(id, "record_follow_up", {{"satisfaction", "satisfied"}, {"note", "满意"}});
    REQUIRE(closed.at("state") == "closed");
    const json::object after = t.view(id_text);
    CHECK(after.at("status") == "closed");
    CHECK(text(after.at("updated_datetime")) > text(before.at("updated_datetime")));
    CHECK(after.at("requested_datetime") == before.at("requested_datetime"));

    auto open = t.anon.get("/open311/v2/requests.json?status=open");
    CHECK(open.json().as_array().empty());
    auto closed_list =
        t.anon.get("/open311/v2/requests.json?status=closed&service_code=facility_repair");
    REQUIRE(closed_list.json().as_array().size() == 1);
    CHECK(text(first(closed_list).at("service_request_id")) == id_text);
    error_of(t.anon.get("/open311/v2/requests.json?status=done"), 400);
    error_of(t.anon.get("/open311/v2/requests.json?start_date=yesterday"), 400);
  }

  TEST_CASE(
      "points resolve to their micro-grids; GCJ-02 channels convert; outside is refused or sent to "
      "the desk") {
    Open311Server t;
    const std::string wgs = t.channel("city_app");
    const std::string gcj = t.channel("wechat", {{"datum", "gcj02"}});
    const std::string desk = t.channel("hotline", {{"outside_grid", "desk"}});
    const auto file = [&](const std::string& key,
                          std::vector<std::pair<std::string, std::string>> where) {
      where.insert(where.begin(), {{"api_key", key}, {"service_code", "sanitation"}});
      return t.post(form(where));
    };
    const auto micro_grid_of = [&](const Response& r) {
      REQUIRE_MESSAGE(r.status == 201, r.body);
      return text(t.get_case(std::stoll(text(first(r).at("service_request_id"))))
                      .at("location")
                      .at("micro_grid"));
    };
    const std::vector<Building> all = buildings();
    REQUIRE(all.size() >= 3);
    std::set<std::string> seen;
    for (const Building& b : {all.front(), all[all.size() / 2], all.back()}) {
      CAPTURE(b.code);
      seen.insert(b.micro_grid);
      CHECK(micro_grid_of(file(wgs, {{"lat", degrees(b.point.lat)},
                                     {"long", degrees(b.point.lon)}})) == b.micro_grid);
      const auto g = outpost::directory::wgs84_to_gcj02(b.point);
      CHECK(micro_grid_of(file(gcj, {{"lat", degrees(g.lat)}, {"long", degrees(g.lon)}})) ==
            b.micro_grid);
      CHECK(micro_grid_of(file(wgs, {{"address_id", b.code}})) == b.micro_grid);
    }
    CHECK(seen.size() == 3);
    // The GCJ-02 channel's answer gives the point back in WGS84.
    const auto g = outpost::directory::wgs84_to_gcj02(all.front().point);
    auto r = file(gcj, {{"lat", degrees(g.lat)}, {"long", degrees(g.lon)}});
    REQUIRE(r.status == 201);
    const json::object v = t.view(text(first(r).at("service_request_id")));
    CHECK(std::abs(std::stod(text(v.at("lat"))) - all.front().point.lat) < 1e-6);
    CHECK(std::abs(std::stod(text(v.at("long"))) - all.front().point.lon) < 1e-6);

    const std::int64_t before = t.case_count();
    CHECK(error_of(file(wgs, {{"lat", "29.5"}, {"long", "106.0"}}), 400)
              .find("lies in no micro-grid") != std::string::npos);
    CHECK(error_of(file(wgs, {{"address_string", "月球背面"}}), 400)
              .find("no known residential area") != std::string::npos);
    CHECK(t.case_count() == before);
    auto sent = file(desk, {{"lat", "29.5"}, {"long", "106.0"}});
    REQUIRE_MESSAGE(sent.status == 201, sent.body);
    auto c = t.get_case(std::stoll(text(first(sent).at("service_request_id"))));
    CHECK(c.at("location").at("grid") == "LF-G01");
    CHECK(c.at("location").at("micro_grid").is_null());
    CHECK(text(c.at("description")).find("位置待核实") != std::string::npos);

    // A residential area named in address_string.
    auto named = file(wgs, {{"address_string", "衡器厂家属区2栋"}});
    CHECK(micro_grid_of(named) == "LF-G03-M1");
  }
}
