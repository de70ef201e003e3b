// File: adapters/open311/services.hpp
//
// The catalogue's resident-request categories as Open311 services. A
// category may carry an optional "open311" section in config/catalogue.json
// (config/README.md):
//   "open311": {"group": "设施报修", "keywords": ["路灯", "水管"],
//               "desk_confirmation": false,
//               "attributes": [{"code": "facility", "description": "设施类型",
//                               "datatype": "singlevaluelist", "required": true, "order": 1,
//                               "values": [{"key": "streetlight", "name": "路灯"}]}]}
// Without it a category is a service without attributes (metadata false).
// desk_confirmation: a request of the category waits for the desk before a
// case exists (the channel gets a token).
//
//   auto services = services_of(catalogue_document);   // throws on a malformed section
//   auto errors = check_attributes(*service, given);
#pragma once

#include <map>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

namespace outpost::open311 {

struct AttributeValue {
  std::string key, name;
};

struct Attribute {
  std::string code;
  std::string description;  // zh-CN: what the app shows
  std::string datatype;     // string | number | datetime | text | singlevaluelist | multivaluelist
  bool required = false;
  int order = 0;
  std::vector<AttributeValue> values;  // the lists' choices
};

struct Service {
  std::string code, name, description, group;
  std::vector<std::string> keywords;
  std::vector<Attribute> attributes;
  bool desk_confirmation = false;
};

// The request categories in document order; std::invalid_argument naming the
// category when its "open311" section is malformed.
std::vector<Service> services_of(const boost::json::value& catalogue_document);

// attribute code → the values given (attribute[CODE], or attribute[CODE][]
// repeated for a multivaluelist).
using GivenAttributes = std::map<std::string, std::vector<std::string>>;

// What is wrong with the given attributes, one message per problem
// (unknown attribute, missing required one, a value not in the list, a
// number that is not one, several values for a single-valued one).
std::vector<std::string> check_attributes(const Service& s, const GivenAttributes& given);

// The given attributes as lines of text for the case's description:
// "设施类型：路灯".
std::string describe_attributes(const Service& s, const GivenAttributes& given);

}  // namespace outpost::open311
