// Note and attachment routes: POST/GET /api/v1/cases/{id}/notes,
// POST/GET /api/v1/cases/{id}/attachments, GET /api/v1/cases/{id}/attachments/{seq}.
// An upload is the raw file as the body, its media type in Content-Type and
// its name in X-File-Name (percent-encoded UTF-8) or in Content-Disposition
// (filename*=UTF-8''…, or a plain filename="…").
#include <cctype>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

#include "adapters/http/api.hpp"
#include "adapters/http/case_json.hpp"
#include "adapters/http/case_request.hpp"
#include "adapters/http/handler_support.hpp"
#include "adapters/http/problem.hpp"

namespace outpost::http {
namespace json = boost::json;

namespace {

int hex_digit(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

// "%E7%8E%B0%E5%9C%BA.png" -> the UTF-8 bytes; nullopt on a broken escape.
std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int hi = hex_digit(text[i + 1]);
    const int lo = hex_digit(text[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>((hi << 4) | lo));
    i += 2;
  }
  return out;
}

// RFC 8187 attr-chars stay, every other byte becomes %XX.
std::string percent_encode(std::string_view bytes) {
  static constexpr std::string_view kAttrChars = "!#$&+-.^_`|~";
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : bytes) {
    const auto u = static_cast<unsigned char>(ch);
    if (std::isalnum(u) != 0 && u < 0x80) {
      out.push_back(ch);
    } else if (kAttrChars.find(ch) != std::string_view::npos) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kDigits[u >> 4]);
      out.push_back(kDigits[u & 0x0f]);
    }
  }
  return out;
}

// The parameters of a header value such as `attachment; filename="a.png"`,
// as (lower-case name, unquoted value) pairs.
std::vector<std::pair<std::string, std::string>> header_parameters(std::string_view value) {
  std::vector<std::pair<std::string, std::string>> params;
  std::size_t i = value.find(';');
  while (i != std::string_view::npos && i < value.size()) {
    ++i;
    while (i < value.size() && (value[i] == ' ' || value[i] == '\t')) ++i;
    const std::size_t eq = value.find('=', i);
    if (eq == std::string_view::npos) break;
    std::string name(value.substr(i, eq - i));
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.pop_back();
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    std::string v;
    i = eq + 1;
    if (i < value.size() && value[i] == '"') {
      for (++i; i < value.size() && value[i] != '"'; ++i) {
        if (value[i] == '\\' && i + 1 < value.size()) ++i;
        v.push_back(value[i]);
      }
      i = value.find(';', i);
    } else {
      const std::size_t end = value.find(';', i);
      v = std::string(value.substr(i, end == std::string_view::npos ? end : end - i));
      while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.pop_back();
      i = end;
    }
    params.emplace_back(std::move(name), std::move(v));
  }
  return params;
}

// The engine names the upload's declared media type "media_type"; over HTTP
// the client declared it in the Content-Type header.
Error upload_error(Error e) {
  for (FieldError& f : e.fields) {
    if (f.field == "media_type") f.field = "Content-Type";
  }
  return e;
}

}  // namespace

// The file name of an upload: X-File-Name first, then Content-Disposition's
// filename* (UTF-8 only) or filename. Empty when none is given; bad_request
// when one is given but cannot be decoded.
Result<std::string> upload_file_name(const HttpRequest& req) {
  if (const auto header = req.header("x-file-name"); header && !header->empty()) {
    auto name = percent_decode(*header);
    if (!name) return Error::make(ErrorKind::malformed, "X-File-Name has a broken %-escape");
    return std::move(*name);
  }
  const auto disposition = req.header("content-disposition");
  if (!disposition) return std::string();
  std::optional<std::string> plain;
  for (const auto& [name, value] : header_parameters(*disposition)) {
    if (name == "filename*") {
      const std::size_t charset_end = value.find('\'');
      const std::size_t language_end =
          charset_end == std::string::npos ? charset_end : value.find('\'', charset_end + 1);
      std::string charset = value.substr(0, charset_end);
      for (char& ch : charset) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (language_end == std::string::npos || charset != "utf-8") {
        return Error::make(ErrorKind::malformed,
                           "Content-Disposition filename* must be UTF-8''<percent-encoded name>");
      }
      auto decoded = percent_decode(std::string_view(value).substr(language_end + 1));
      if (!decoded) {
        return Error::make(ErrorKind::malformed,
                           "Content-Disposition filename* has a broken %-escape");
      }
      return std::move(*decoded);
    }
    if (name == "filename") plain = value;
  }
  return plain.value_or(std::string());
}

// `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<name>` (RFC 6266).
std::string content_disposition(std::string_view file_name) {
  std::string fallback;
  for (const char ch : file_name) {
    const auto u = static_cast<unsigned char>(ch);
    fallback.push_back(u >= 0x20 && u < 0x7f && ch != '"' && ch != '\\' ? ch : '_');
  }
  return "attachment; filename=\"" + fallback + "\"; filename*=UTF-8''" + percent_encode(file_name);
}

namespace {

std::string served_content_type(std::string_view stored) {
  return stored == "text/plain" ? "text/plain; charset=utf-8" : std::string(stored);
}

std::string attachment_path(const Attachment& a) {
  return "/api/v1/cases/" + std::to_string(a.case_id) + "/attachments/" + std::to_string(a.seq);
}

json::object note_to_json(const Note& n) {
  return {{"case_id", n.case_id},       {"seq", n.seq},
          {"author", n.author},         {"body", n.body},
          {"visibility", n.visibility}, {"at", format_rfc3339(n.at)}};
}

json::object attachment_to_json(const Attachment& a) {
  return {{"case_id", a.case_id},         {"seq", a.seq},
          {"sha256", a.sha256},           {"content_type", a.media_type},
          {"file_name", a.file_name},     {"size", a.size},
          {"uploaded_by", a.uploaded_by}, {"at", format_rfc3339(a.at)},
          {"href", attachment_path(a)}};
}

class AnnotationRoutes {
 public:
  explicit AnnotationRoutes(ApiContext& ctx) : ctx_(ctx) {}

  HttpResponse add_note(const HttpRequest& req, const PathParams& params) {
    return with_case(req, params, [&](const Actor& actor, CaseId id) {
      auto body = parse_json_body(req);
      if (!body) return problem(body.error());
      auto draft = read_note(body.value());
      if (!draft) return problem(draft.error());
      auto note = ctx_.annotations.add_note(id, draft.value(), actor);
      if (!note) return problem(note.error());
      return json_response(201, note_to_json(note.value()));
    });
  }

  HttpResponse notes(const HttpRequest& req, const PathParams& params) {
    return with_case(req, params, [&](const Actor& actor, CaseId id) {
      return items_response(ctx_.annotations.notes(id, actor), note_to_json);
    });
  }

  HttpResponse add_attachment(const HttpRequest& req, const PathParams& params) {
    return with_case(req, params, [&](const Actor& actor, CaseId id) {
      auto file_name = upload_file_name(req);
      if (!file_name) return problem(file_name.error());
      const AttachmentUpload upload{std::string(req.header("content-type").value_or("")),
                                    std::move(file_name.value()), req.body};
      auto added = ctx_.annotations.add_attachment(id, upload, actor);
      if (!added) return problem(upload_error(added.error()));
      HttpResponse res = json_response(201, attachment_to_json(added.value()));
      res.with_header("Location", attachment_path(added.value()));
      return res;
    });
  }

  HttpResponse attachments(const HttpRequest& req, const PathParams& params) {
    return with_case(req, params, [&](const Actor& actor, CaseId id) {
      return items_response(ctx_.annotations.attachments(id, actor), attachment_to_json);
    });
  }

  HttpResponse attachment(const HttpRequest& req, const PathParams& params) {
    return with_case(req, params, [&](const Actor& actor, CaseId id) {
      const auto seq = parse_int(params.get("seq"));
      if (!seq || *seq <= 0) {
        return problem(
            Error::make(ErrorKind::not_found, "the case has no attachment with this seq"));
      }
      auto file = ctx_.annotations.attachment(id, *seq, actor);
      if (!file) return problem(file.error());
      AttachmentContent& content = file.value();
      HttpResponse res{
          200, served_content_type(content.meta.media_type), {}, std::move(content.bytes)};
      res.with_header("Content-Disposition", content_disposition(content.meta.file_name));
      return res;
    });
  }

 private:
  template <class F>
  HttpResponse with_case(const HttpRequest& req, const PathParams& params, F&& f) {
    return with_case_id(ctx_.auth, req, params, std::forward<F>(f));
  }

  ApiContext& ctx_;
};

}  // namespace

void register_annotation_routes(Router& router, ApiContext& ctx) {
  auto routes = std::make_shared<AnnotationRoutes>(ctx);
  router.add(
      "POST", "/api/v1/cases/{id}/notes",
      [routes](const HttpRequest& req, const PathParams& p) { return routes->add_note(req, p); });
  router.add(
      "GET", "/api/v1/cases/{id}/notes",
      [routes](const HttpRequest& req, const PathParams& p) { return routes->notes(req, p); });
  router.add("POST", std::string("/api/v1/cases/{id}") + kAttachmentUploadSuffix,
             [routes](const HttpRequest& req, const PathParams& p) {
               return routes->add_attachment(req, p);
             });
  router.add("GET", "/api/v1/cases/{id}/attachments",
             [routes](const HttpRequest& req, const PathParams& p) {
               return routes->attachments(req, p);
             });
  router.add(
      "GET", "/api/v1/cases/{id}/attachments/{seq}",
      [routes](const HttpRequest& req, const PathParams& p) { return routes->attachment(req, p); });
}

}  // namespace outpost::http
