#include "adapters/open311/wire.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

namespace outpost::open311 {
namespace {

void json_of(const Node& n, std::string& out) {
  switch (n.kind) {
    case Node::Kind::text:
      out += boost::json::serialize(boost::json::string(n.value));
      return;
    case Node::Kind::number:
    case Node::Kind::boolean:
      out += n.value;
      return;
    case Node::Kind::null:
      out += "null";
      return;
    case Node::Kind::object:
      out += '{';
      for (std::size_t i = 0; i < n.children.size(); ++i) {
        if (i > 0) out += ',';
        out += boost::json::serialize(boost::json::string(n.children[i].name));
        out += ':';
        json_of(n.children[i], out);
      }
      out += '}';
      return;
    case Node::Kind::list:
      out += '[';
      for (std::size_t i = 0; i < n.children.size(); ++i) {
        if (i > 0) out += ',';
        json_of(n.children[i], out);
      }
      out += ']';
      return;
  }
}

void escape_xml(std::string_view text, std::string& out) {
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        // XML 1.0 allows no other control characters than tab, LF and CR.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += ' ';
        } else {
          out += c;
        }
    }
  }
}

void xml_of(const Node& n, std::string& out) {
  if (n.kind == Node::Kind::null) {
    out += '<' + n.name + "/>";
    return;
  }
  out += '<' + n.name + '>';
  if (n.kind == Node::Kind::object || n.kind == Node::Kind::list) {
    for (const Node& c : n.children) xml_of(c, out);
  } else {
    escape_xml(n.value, out);
  }
  out += "</" + n.name + '>';
}

}  // namespace

std::optional<Format> parse_format(std::string_view suffix) {
  if (suffix == "json") return Format::json;
  if (suffix == "xml") return Format::xml;
  return std::nullopt;
}

std::string_view content_type(Format f) {
  return f == Format::json ? "application/json; charset=utf-8" : "text/xml; charset=utf-8";
}

Node Node::text(std::string name, std::string value) {
  return {Kind::text, std::move(name), std::move(value), {}};
}
Node Node::number(std::string name, std::string literal) {
  return {Kind::number, std::move(name), std::move(literal), {}};
}
Node Node::boolean(std::string name, bool value) {
  return {Kind::boolean, std::move(name), value ? "true" : "false", {}};
}
Node Node::null(std::string name) {
  return {Kind::null, std::move(name), {}, {}};
}
Node Node::object(std::string name, std::vector<Node> children) {
  return {Kind::object, std::move(name), {}, std::move(children)};
}
Node Node::list(std::string name, std::vector<Node> children) {
  return {Kind::list, std::move(name), {}, std::move(children)};
}

std::string write(const Node& root, Format f) {
  std::string out;
  if (f == Format::json) {
    json_of(root, out);
  } else {
    out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
    xml_of(root, out);
  }
  return out;
}

}  // namespace outpost::open311
