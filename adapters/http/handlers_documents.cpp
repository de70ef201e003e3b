// Case document routes (engine/documents/document_service.hpp):
//   POST /api/v1/cases/{id}/documents                 {kind, purpose} → 201, the PDF stored
//   GET  /api/v1/cases/{id}/documents                 the list (no personal data)
//   GET  /api/v1/cases/{id}/documents/{doc}?purpose=… the PDF (a logged reveal)
//   POST /api/v1/cases/{id}/documents/{doc}/attachments  the scan of the signed paper
//   GET  /api/v1/documents/verify?code=…              public: valid or not, no personal data
#include <memory>
#include <string>

#include <boost/json.hpp>

#include "adapters/http/api.hpp"
#include "adapters/http/handler_support.hpp"
#include "adapters/http/problem.hpp"

namespace outpost::http {
namespace json = boost::json;

namespace {

std::string document_path(const DocumentRecord& d) {
  return "/api/v1/cases/" + std::to_string(d.case_id) + "/documents/" + std::to_string(d.seq);
}

json::object document_json(const DocumentRecord& d) {
  json::object o{{"id", d.seq},
                 {"case_id", d.case_id},
                 {"case_number", d.case_number},
                 {"kind", to_string(d.kind)},
                 {"title", document_title(d.kind)},
                 {"sha256", d.sha256},
                 {"content_sha256", d.content_sha256},
                 {"size", d.size},
                 {"created_by", d.created_by},
                 {"created_at", format_rfc3339(d.created_at)},
                 {"file_removed", d.file_removed},
                 {"verify_code", document_verify_code(d)},
                 {"href", document_path(d)}};
  o["signed_scan_seq"] = d.scan_seq > 0 ? json::value(d.scan_seq) : json::value(nullptr);
  return o;
}

// {"kind": "...", "purpose": "..."}, nothing else.
Result<std::pair<std::string, std::string>> generate_request(const json::value& body) {
  if (!body.is_object()) return Error::make(ErrorKind::malformed, "the body must be a JSON object");
  std::vector<FieldError> errors;
  std::string kind, purpose;
  for (const auto& kv : body.get_object()) {
    std::string* target = kv.key() == "kind" ? &kind : kv.key() == "purpose" ? &purpose : nullptr;
    if (target == nullptr) {
      errors.push_back({std::string(kv.key()), "is not a field of a document request"});
    } else if (!kv.value().is_string()) {
      errors.push_back({std::string(kv.key()), "must be a string"});
    } else {
      *target = std::string(kv.value().get_string());
    }
  }
  if (kind.empty() && !body.get_object().contains("kind")) {
    errors.push_back({"kind", "is required: the document to generate"});
  }
  if (!errors.empty()) return Error::invalid_fields(std::move(errors), "the request is not valid");
  return std::pair{std::move(kind), std::move(purpose)};
}

class DocumentRoutes {
 public:
  DocumentRoutes(ApiContext& ctx, DocumentService& documents) : ctx_(ctx), documents_(documents) {}

  HttpResponse generate(const HttpRequest& req, const PathParams& params) {
    return with_case(req, params, [&](const Actor& actor, CaseId id) {
      auto body = parse_json_body(req);
      if (!body) return problem(body.error());
      auto r = generate_request(body.value());
      if (!r) return problem(r.error());
      auto made = documents_.generate(id, r.value().first, r.value().second, actor);
      if (!made) return problem(made.error());
      HttpResponse res = json_response(201, document_json(made.value().record));
      res.with_header("Location", document_path(made.value().record));
      return res;
    });
  }

  HttpResponse list(const HttpRequest& req, const PathParams& params) {
    return with_case(req, params, [&](const Actor& actor, CaseId id) {
      return items_response(documents_.list(id, actor), document_json);
    });
  }

  HttpResponse download(const HttpRequest& req, const PathParams& params) {
    return with_document(req, params, [&](const Actor& actor, CaseId id, std::int64_t doc) {
      const std::string purpose(req.query_param("purpose").value_or(""));
      auto file = documents_.download(id, doc, purpose, actor);
      if (!file) return problem(file.error());
      const DocumentRecord& d = file.value().record;
      HttpResponse res{200, "application/pdf", {}, std::move(file.value().pdf)};
      res.with_header(
          "Content-Disposition",
          content_disposition(d.case_number + "-" + std::string(document_title(d.kind)) + "-" +
                              std::to_string(d.seq) + ".pdf"));
      res.with_header("Cache-Control", "no-store");
      return res;
    });
  }

  HttpResponse add_scan(const HttpRequest& req, const PathParams& params) {
    return with_document(req, params, [&](const Actor& actor, CaseId id, std::int64_t doc) {
      auto file_name = upload_file_name(req);
      if (!file_name) return problem(file_name.error());
      const AttachmentUpload upload{std::string(req.header("content-type").value_or("")),
                                    std::move(file_name.value()), req.body};
      auto added = documents_.add_scan(id, doc, upload, actor);
      if (!added) return problem(added.error());
      const Attachment& a = added.value();
      return json_response(
          201, json::object{{"case_id", a.case_id},
                            {"seq", a.seq},
                            {"document", doc},
                            {"sha256", a.sha256},
                            {"content_type", a.media_type},
                            {"file_name", a.file_name},
                            {"size", a.size},
                            {"uploaded_by", a.uploaded_by},
                            {"at", format_rfc3339(a.at)},
                            {"href", "/api/v1/cases/" + std::to_string(id) + "/attachments/" +
                                         std::to_string(a.seq)}});
    });
  }

  HttpResponse verify(const HttpRequest& req) {
    const auto code = req.query_param("code");
    if (!code) return problem(Error::invalid_field("code", "is required: the code of the QR"));
    auto check = documents_.verify(*code);
    if (!check) return problem(check.error());
    json::object answer{{"valid", check.value().valid}};
    if (const auto& d = check.value().record) {
      answer["case_number"] = d->case_number;
      answer["document_id"] = d->seq;
      answer["kind"] = to_string(d->kind);
      answer["title"] = document_title(d->kind);
      answer["date"] = chinese_date(d->created_at);
      answer["created_at"] = format_rfc3339(d->created_at);
      answer["sha256"] = d->sha256;
    } else {
      answer["reason"] = check.value().reason;
    }
    return json_response(200, answer);
  }

 private:
  template <class F>
  HttpResponse with_case(const HttpRequest& req, const PathParams& params, F&& f) {
    return with_case_id(ctx_.auth, req, params, std::forward<F>(f));
  }
  template <class F>
  HttpResponse with_document(const HttpRequest& req, const PathParams& params, F&& f) {
    return with_case(req, params, [&](const Actor& actor, CaseId id) {
      const auto doc = parse_int(params.get("doc"));
      if (!doc || *doc <= 0) {
        return problem(Error::make(ErrorKind::not_found, "the case has no document with this id"));
      }
      return f(actor, id, *doc);
    });
  }

  ApiContext& ctx_;
  DocumentService& documents_;
};

}  // namespace

void register_document_routes(Router& router, ApiContext& ctx) {
  if (ctx.documents == nullptr) return;
  auto routes = std::make_shared<DocumentRoutes>(ctx, *ctx.documents);
  router.add(
      "POST", "/api/v1/cases/{id}/documents",
      [routes](const HttpRequest& req, const PathParams& p) { return routes->generate(req, p); });
  router.add(
      "GET", "/api/v1/cases/{id}/documents",
      [routes](const HttpRequest& req, const PathParams& p) { return routes->list(req, p); });
  router.add(
      "GET", "/api/v1/cases/{id}/documents/{doc}",
      [routes](const HttpRequest& req, const PathParams& p) { return routes->download(req, p); });
  router.add(
      "POST", std::string("/api/v1/cases/{id}/documents/{doc}") + kAttachmentUploadSuffix,
      [routes](const HttpRequest& req, const PathParams& p) { return routes->add_scan(req, p); });
  router.add("GET", "/api/v1/documents/verify",
             [routes](const HttpRequest& req, const PathParams&) { return routes->verify(req); });
}

}  // namespace outpost::http
