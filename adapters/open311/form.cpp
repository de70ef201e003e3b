#include "adapters/open311/form.hpp"

#include <cctype>
#include <optional>

#include "adapters/http/http_types.hpp"

namespace outpost::open311 {
namespace {

Error malformed(std::string message) {
  return Error::make(ErrorKind::invalid, std::move(message));
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The value of parameter `name` in a header value such as
// `form-data; name="x"; filename="a.png"` (quotes removed); nullopt when absent.
std::optional<std::string> header_param(std::string_view value, std::string_view name) {
  std::size_t at = value.find(';');
  while (at != std::string_view::npos) {
    std::string_view rest = value.substr(at + 1);
    const std::size_t next = rest.find(';');
    std::string_view piece = trim(rest.substr(0, next));
    const std::size_t eq = piece.find('=');
    if (eq != std::string_view::npos && lower(trim(piece.substr(0, eq))) == name) {
      std::string_view v = trim(piece.substr(eq + 1));
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      return std::string(v);
    }
    at = next == std::string_view::npos ? next : at + 1 + next;
  }
  return std::nullopt;
}

Result<FormField> parse_part(std::string_view part) {
  const std::size_t end = part.find("\r\n\r\n");
  if (end == std::string_view::npos) return malformed("a multipart part has no header end");
  std::string_view headers = part.substr(0, end);
  FormField field;
  field.value = std::string(part.substr(end + 4));
  bool named = false;
  while (!headers.empty()) {
    const std::size_t eol = headers.find("\r\n");
    std::string_view line = headers.substr(0, eol);
    headers = eol == std::string_view::npos ? std::string_view() : headers.substr(eol + 2);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos)
      return malformed("a multipart part has a malformed header");
    if (lower(trim(line.substr(0, colon))) != "content-disposition") continue;
    std::string_view value = trim(line.substr(colon + 1));
    if (lower(value.substr(0, value.find(';'))) != "form-data") {
      return malformed("a multipart part is not form-data");
    }
    auto name = header_param(value, "name");
    if (!name || name->empty()) return malformed("a multipart part has no name");
    field.name = *name;
    field.file = header_param(value, "filename").has_value();
    named = true;
  }
  if (!named) return malformed("a multipart part has no Content-Disposition");
  return field;
}

Result<FormFields> parse_multipart(std::string_view content_type, std::string_view body) {
  auto boundary = header_param(content_type, "boundary");
  if (!boundary || boundary->empty() || boundary->size() > 70) {
    return malformed("multipart/form-data needs a boundary parameter of 1 to 70 characters");
  }
  const std::string delimiter = "--" + *boundary;
  if (body.substr(0, delimiter.size()) != delimiter) {
    return malformed("the multipart body does not start with its boundary");
  }
  FormFields out;
  std::size_t at = delimiter.size();
  while (true) {
    if (body.substr(at, 2) == "--") return out;  // the closing delimiter
    if (body.substr(at, 2) != "\r\n") return malformed("a multipart boundary line is malformed");
    at += 2;
    const std::size_t next = body.find("\r\n" + delimiter, at);
    if (next == std::string_view::npos) {
      return malformed("the multipart body does not end with its closing boundary");
    }
    auto field = parse_part(body.substr(at, next - at));
    if (!field) return field.error();
    out.push_back(std::move(field.value()));
    at = next + 2 + delimiter.size();
  }
}

}  // namespace

// The query string's rules (http::parse_target): '+' is a space, %XX a byte.
Result<FormFields> parse_urlencoded(std::string_view body) {
  auto parsed = http::parse_target("/?" + std::string(body));
  if (!parsed) return malformed("the form body has a malformed percent escape");
  FormFields out;
  for (auto& [name, value] : parsed->query) {
    if (name.empty()) return malformed("the form body has a field without a name");
    out.push_back({std::move(name), std::move(value), false});
  }
  return out;
}

Result<FormFields> parse_form(std::string_view content_type, std::string_view body) {
  const std::string media = lower(trim(content_type.substr(0, content_type.find(';'))));
  if (media == "application/x-www-form-urlencoded") return parse_urlencoded(body);
  if (media == "multipart/form-data") return parse_multipart(content_type, body);
  return malformed(
      "the body must be application/x-www-form-urlencoded or multipart/form-data, not \"" +
      std::string(content_type) + "\"");
}

}  // namespace outpost::open311
