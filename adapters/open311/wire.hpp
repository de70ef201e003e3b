// File: adapters/open311/wire.hpp
//
// One answer, two formats: the Open311 adapter builds each answer once as a
// tree of named nodes and writes it as JSON or XML, so both formats carry the
// same elements in the same order (GeoReport v2 names them). A list's
// children are the repeated XML elements (<services><service>…) and the JSON
// array's items; an object's children are XML child elements and JSON keys.
//
//   Node root = Node::list("services", {Node::object("service", {Node::text("service_code",
//   "x")})}); std::string body = write(root, Format::xml);   // <?xml …?><services><service>…
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace outpost::open311 {

enum class Format { json, xml };
// "json" or "xml" (the path's suffix); nullopt for anything else.
std::optional<Format> parse_format(std::string_view suffix);
std::string_view content_type(Format f);

struct Node {
  enum class Kind { text, number, boolean, null, object, list };
  Kind kind = Kind::null;
  std::string name;
  std::string value;  // text, or the literal of a number or boolean
  std::vector<Node> children;

  static Node text(std::string name, std::string value);
  static Node number(std::string name, std::string literal);
  static Node boolean(std::string name, bool value);
  static Node null(std::string name);
  static Node object(std::string name, std::vector<Node> children);
  static Node list(std::string name, std::vector<Node> children);
};

std::string write(const Node& root, Format f);

}  // namespace outpost::open311
