// The shipped configuration (config/jurisdiction.json, config/catalogue.json) and
// what catalogue_from_json, deadline_policy_from_json and jurisdiction_from_json
// (adapters/config) refuse, with the field paths.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "adapters/config/catalogue_json.hpp"
#include "adapters/config/jurisdiction_json.hpp"
#include "tests/support/shipped_config.hpp"

namespace {

namespace json = boost::json;
using outpost::Catalogue;
using outpost::Error;
using outpost::ErrorKind;
using outpost::Jurisdiction;
using outpost::config::catalogue_from_json;
using outpost::config::deadline_policy_from_json;
using outpost::config::jurisdiction_from_json;

const outpost::config::DomainConfig& shipped() {
  return outpost::testing::shipped_config();
}

json::value read_config(const std::string& name) {
  return outpost::testing::config_document(name);
}

// Every value of a "code" and a "name" member anywhere in the document.
void collect(const json::value& v, std::vector<std::string>& codes,
             std::vector<std::string>& names) {
  if (const json::array* a = v.if_array()) {
    for (const json::value& item : *a) collect(item, codes, names);
  } else if (const json::object* o = v.if_object()) {
    for (const json::key_value_pair& kv : *o) {
      if (kv.key() == "code" && kv.value().is_string()) {
        codes.emplace_back(kv.value().get_string());
      } else if (kv.key() == "name" && kv.value().is_string()) {
        names.emplace_back(kv.value().get_string());
      } else {
        collect(kv.value(), codes, names);
      }
    }
  }
}

bool is_ascii_code(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f;
  });
}

// True when the UTF-8 text holds a CJK unified ideograph (U+4E00..U+9FFF, all
// three-byte sequences E4 B8 80 .. E9 BF BF).
bool has_cjk(std::string_view s) {
  for (std::size_t i = 0; i + 2 < s.size(); ++i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    const auto b2 = static_cast<unsigned char>(s[i + 2]);
    if ((b1 & 0xC0) != 0x80 || (b2 & 0xC0) != 0x80) continue;
    const unsigned cp = ((b0 & 0x0Fu) << 12) | ((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu);
    if ((b0 & 0xF0) == 0xE0 && cp >= 0x4E00 && cp <= 0x9FFF) return true;
  }
  return false;
}

bool names_field(const Error& e, std::string_view field) {
  return std::any_of(e.fields.begin(), e.fields.end(),
                     [&](const outpost::FieldError& f) { return f.field == field; });
}

void check_codes_and_names(const json::value& doc) {
  std::vector<std::string> codes;
  std::vector<std::string> names;
  collect(doc, codes, names);
  CHECK_FALSE(codes.empty());
  for (const std::string& code : codes) CHECK_MESSAGE(is_ascii_code(code), code);
  for (const std::string& name : names) CHECK_MESSAGE(has_cjk(name), name);
  std::set<std::string> unique(codes.begin(), codes.end());
  CHECK(unique.size() == codes.size());
}

json::value small_jurisdiction() {
  return json::parse(R"({"code": "t", "name": "测试街道", "communities": [
    {"code": "A", "name": "甲社区", "grids": [
      {"code": "A-G01", "name": "甲社区第1网格",
       "micro_grids": [{"code": "A-G01-M1", "name": "甲社区第1网格第1微网格"}]}]},
    {"code": "B", "name": "乙社区", "grids": [
      {"code": "B-G01", "name": "乙社区第1网格"}]}]})");
}

json::value small_catalogue() {
  return json::parse(R"({"departments": [{"code": "grid", "name": "网格"},
                                         {"code": "legal", "name": "司法所"}],
    "categories": {"dispute": [
      {"code": "neighbour", "name": "邻里纠纷", "default_department": "grid",
       "deadlines": {"accept": "1wd", "mediation": "30d"}},
      {"code": "family_marriage", "name": "婚姻家庭纠纷", "default_department": "legal"}],
      "request": []}})");
}

}  // namespace

TEST_SUITE("config") {
  TEST_CASE("the shipped jurisdiction has 3 communities, 35 grids and 155 micro-grids") {
    const json::value doc = read_config("jurisdiction.json");
    auto j = jurisdiction_from_json(doc);
    REQUIRE_MESSAGE(j.ok(), (j.ok() ? "" : j.error().fields.front().field));
    const Jurisdiction& jur = j.value();
    CHECK(jur.community_count() == 3);
    CHECK(jur.grid_count() == 35);
    CHECK(jur.micro_grid_count() == 155);
    CHECK(jur.community_codes() == std::vector<std::string>{"LF", "LY", "JS"});
    CHECK(jur.grids_of("LF").size() == 13);
    CHECK(jur.grids_of("LY").size() == 12);
    CHECK(jur.grids_of("JS").size() == 10);
    std::size_t micro = 0;
    for (const std::string& c : jur.community_codes()) {
      for (const std::string& g : jur.grids_of(c)) {
        const std::size_t n = jur.micro_grids_of(g).size();
        CHECK_MESSAGE((n == 4 || n == 5), g);
        micro += n;
      }
    }
    CHECK(micro == 155);
    CHECK(doc.at("name").as_string() == "龙凤桥街道");
    CHECK(shipped().jurisdiction_document == doc);
  }

  TEST_CASE("every jurisdiction code is unique ASCII and every name is zh-CN") {
    check_codes_and_names(read_config("jurisdiction.json"));
  }

  TEST_CASE("grids and micro-grids resolve to their parents, unknown codes to empty") {
    auto j = jurisdiction_from_json(read_config("jurisdiction.json"));
    REQUIRE(j.ok());
    const Jurisdiction& jur = j.value();
    CHECK(jur.has_community("LY"));
    CHECK_FALSE(jur.has_community("XX"));
    CHECK(jur.community_of_grid("LF-G01") == "LF");
    CHECK(jur.community_of_grid("LY-G12") == "LY");
    CHECK(jur.community_of_grid("JS-G10") == "JS");
    CHECK(jur.community_of_grid("JS-G11").empty());
    CHECK(jur.community_of_grid("").empty());
    CHECK(jur.grid_of_micro_grid("LF-G01-M5") == "LF-G01");
    CHECK(jur.grid_of_micro_grid("LF-G13-M5").empty());
    CHECK(jur.grids_of("XX").empty());
    CHECK(jur.micro_grids_of("XX-G01").empty());
    CHECK(jur.micro_grids_of("JS-G10") ==
          std::vector<std::string>{"JS-G10-M1", "JS-G10-M2", "JS-G10-M3", "JS-G10-M4"});
  }

  TEST_CASE("the shipped catalogue has 8 dispute categories routed to known departments") {
    const json::value doc = read_config("catalogue.json");
    auto c = catalogue_from_json(doc);
    REQUIRE_MESSAGE(c.ok(), (c.ok() ? "" : c.error().fields.front().field));
    const Catalogue& cat = c.value();
    CHECK(cat.departments().size() == 7);
    std::size_t disputes = 0, requests = 0;
    for (const outpost::Category& category : cat.categories()) {
      ++(category.kind == "dispute" ? disputes : requests);
      CHECK_MESSAGE(cat.find_department(category.default_department) != nullptr, category.code);
      CHECK(has_cjk(category.name));
    }
    CHECK(disputes == 8);
    CHECK(requests == 8);
    CHECK(cat.returns_before_arbitration() == 2);
    CHECK(cat.rework_rounds_before_escalation() == 2);
    CHECK(cat.find_category("request", "facility_repair")->grid_leader_co_handles);
    CHECK_FALSE(cat.find_category("request", "public_order")->grid_leader_co_handles);
    for (const json::value& category : doc.at("categories").at("dispute").as_array()) {
      const json::object& deadlines = category.at("deadlines").as_object();
      CHECK(deadlines.at("accept") == "1wd");
      CHECK(deadlines.at("mediation") == "30d");
      CHECK(deadlines.at("follow_up") == "3wd");
      CHECK(deadlines.at("judicial_confirmation") == "30d");
    }
    CHECK(shipped().catalogue_document == doc);
    check_codes_and_names(doc.at("departments"));
    check_codes_and_names(doc.at("categories").at("dispute"));
  }

  TEST_CASE("find_category and find_department") {
    auto c = catalogue_from_json(read_config("catalogue.json"));
    REQUIRE(c.ok());
    const Catalogue& cat = c.value();
    const outpost::Category* neighbour = cat.find_category("dispute", "neighbour");
    REQUIRE(neighbour != nullptr);
    CHECK(neighbour->name == "邻里纠纷");
    CHECK(neighbour->default_department == "grid");
    REQUIRE(cat.find_category("dispute", "traffic") != nullptr);
    CHECK(cat.find_category("dispute", "traffic")->default_department == "police");
    CHECK(cat.find_category("dispute", "no_such_category") == nullptr);
    CHECK(cat.find_category("request", "neighbour") == nullptr);
    CHECK(cat.find_category("nonsense", "neighbour") == nullptr);
    REQUIRE(cat.find_department("legal") != nullptr);
    CHECK(cat.find_department("legal")->name == "司法所");
    CHECK(cat.find_department("counselling") != nullptr);
    CHECK(cat.find_department("fire") == nullptr);
    CHECK(cat.find_department("") == nullptr);
  }

  TEST_CASE("a valid small jurisdiction and catalogue load") {
    CHECK(jurisdiction_from_json(small_jurisdiction()).ok());
    CHECK(catalogue_from_json(small_catalogue()).ok());
  }

  TEST_CASE("an invalid jurisdiction is refused with the field path named") {
    SUBCASE("a grid code used in two communities") {
      json::value doc = small_jurisdiction();
      doc.at("communities").at(1).at("grids").at(0).at("code") = "A-G01";
      auto j = jurisdiction_from_json(doc);
      REQUIRE_FALSE(j.ok());
      CHECK(j.error().kind == ErrorKind::invalid);
      CHECK(names_field(j.error(), "communities[1].grids[0].code"));
    }
    SUBCASE("a micro-grid code that repeats a community code") {
      json::value doc = small_jurisdiction();
      doc.at("communities").at(0).at("grids").at(0).at("micro_grids").at(0).at("code") = "B";
      auto j = jurisdiction_from_json(doc);
      REQUIRE_FALSE(j.ok());
      CHECK(names_field(j.error(), "communities[1].code"));
    }
    SUBCASE("a missing name") {
      json::value doc = small_jurisdiction();
      doc.at("communities").at(1).at("grids").at(0).as_object().erase("name");
      auto j = jurisdiction_from_json(doc);
      REQUIRE_FALSE(j.ok());
      CHECK(j.error().kind == ErrorKind::invalid);
      CHECK(names_field(j.error(), "communities[1].grids[0].name"));
    }
    SUBCASE("an empty code") {
      json::value doc = small_jurisdiction();
      doc.at("communities").at(0).at("code") = "";
      auto j = jurisdiction_from_json(doc);
      REQUIRE_FALSE(j.ok());
      CHECK(names_field(j.error(), "communities[0].code"));
    }
    SUBCASE("no communities, or not an object at all") {
      json::value doc = small_jurisdiction();
      doc.as_object().erase("communities");
      auto j = jurisdiction_from_json(doc);
      REQUIRE_FALSE(j.ok());
      CHECK(names_field(j.error(), "communities"));
      CHECK_FALSE(jurisdiction_from_json(json::value(42)).ok());
    }
    SUBCASE("every problem is reported, not only the first") {
      json::value doc = small_jurisdiction();
      doc.as_object().erase("name");
      doc.at("communities").at(1).at("grids").at(0).at("code") = "A-G01";
      auto j = jurisdiction_from_json(doc);
      REQUIRE_FALSE(j.ok());
      CHECK(names_field(j.error(), "name"));
      CHECK(names_field(j.error(), "communities[1].grids[0].code"));
    }
  }

  TEST_CASE("an invalid catalogue is refused with the field path named") {
    SUBCASE("a duplicate department code") {
      json::value doc = small_catalogue();
      doc.at("departments").at(1).at("code") = "grid";
      auto c = catalogue_from_json(doc);
      REQUIRE_FALSE(c.ok());
      CHECK(c.error().kind == ErrorKind::invalid);
      CHECK(names_field(c.error(), "departments[1].code"));
    }
    SUBCASE("a duplicate category code") {
      json::value doc = small_catalogue();
      doc.at("categories").at("dispute").at(1).at("code") = "neighbour";
      auto c = catalogue_from_json(doc);
      REQUIRE_FALSE(c.ok());
      CHECK(names_field(c.error(), "categories.dispute[1].code"));
    }
    SUBCASE("a default department that is not a department") {
      json::value doc = small_catalogue();
      doc.at("categories").at("dispute").at(1).at("default_department") = "fire";
      auto c = catalogue_from_json(doc);
      REQUIRE_FALSE(c.ok());
      CHECK(c.error().kind == ErrorKind::invalid);
      CHECK(names_field(c.error(), "categories.dispute[1].default_department"));
    }
    SUBCASE("a missing name") {
      json::value doc = small_catalogue();
      doc.at("categories").at("dispute").at(0).as_object().erase("name");
      auto c = catalogue_from_json(doc);
      REQUIRE_FALSE(c.ok());
      CHECK(names_field(c.error(), "categories.dispute[0].name"));
    }
    SUBCASE("a department without a code") {
      json::value doc = small_catalogue();
      doc.at("departments").at(0).as_object().erase("code");
      auto c = catalogue_from_json(doc);
      REQUIRE_FALSE(c.ok());
      CHECK(names_field(c.error(), "departments[0].code"));
    }
    SUBCASE("a malformed deadline") {
      json::value doc = small_catalogue();
      for (const char* bad : {"30", "wd", "03d", "3 wd", "3w", "-1d", "1000000d"}) {
        doc.at("categories").at("dispute").at(0).at("deadlines").at("accept") = bad;
        auto c = catalogue_from_json(doc);
        REQUIRE_FALSE_MESSAGE(c.ok(), bad);
        CHECK(names_field(c.error(), "categories.dispute[0].deadlines.accept"));
      }
      for (const char* good : {"90m", "4h", "8wh", "1wd", "30d"}) {
        doc.at("categories").at("dispute").at(0).at("deadlines").at("accept") = good;
        CHECK_MESSAGE(catalogue_from_json(doc).ok(), good);
      }
    }
    SUBCASE("an unknown kind") {
      json::value doc = small_catalogue();
      doc.at("categories").as_object()["complaint"] = json::array{};
      auto c = catalogue_from_json(doc);
      REQUIRE_FALSE(c.ok());
      CHECK(names_field(c.error(), "categories.complaint"));
    }
  }

  TEST_CASE("a bad deadline policy is refused with the member's path") {
    auto doc = json::parse(R"({"policies":{"deadlines":{"warn_at":1.5,"escalate_after":"soon",
      "steps":{"request":{"dispatched":""}},"holds":{"request":"on_hold"}}}})");
    auto p = deadline_policy_from_json(doc, shipped().catalogue);
    REQUIRE_FALSE(p);
    std::string fields;
    for (const auto& f : p.error().fields) fields += f.field + " ";
    CHECK(fields.find("policies.deadlines.warn_at") != std::string::npos);
    CHECK(fields.find("policies.deadlines.escalate_after") != std::string::npos);
    CHECK(fields.find("policies.deadlines.steps.request.dispatched") != std::string::npos);
    CHECK(fields.find("policies.deadlines.holds.request") != std::string::npos);
    CHECK_FALSE(deadline_policy_from_json(json::parse(R"({"policies":{}})"), shipped().catalogue));
    CHECK(deadline_policy_from_json(shipped().catalogue_document, shipped().catalogue));
  }

  TEST_CASE("a catalogue's shape problems and its domain problems are reported together") {
    json::value doc = small_catalogue();
    doc.at("categories").at("dispute").at(0).as_object().erase("name");
    doc.at("departments").at(1) = 7;  // "legal", the department of dispute[1]
    auto c = catalogue_from_json(doc);
    REQUIRE_FALSE(c.ok());
    std::vector<std::string> fields;
    for (const auto& f : c.error().fields) fields.push_back(f.field);
    CHECK(fields == std::vector<std::string>{"departments[1]", "categories.dispute[0].name",
                                             "categories.dispute[1].default_department"});
  }
}
