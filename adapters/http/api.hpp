// File: adapters/http/api.hpp
//
// The HTTP API of API.md, as routes on a Router. Handlers only translate:
// HTTP in, a CaseService call, JSON or problem+json out. They run on the
// server's worker pool, never on an I/O thread, and may block on the database.
//
//   ApiContext ctx{service, users, auth, workflows, catalogue, jurisdiction, directory,
//                  annotations};
//   Router router;
//   register_api(router, ctx);
#pragma once

#include "adapters/http/auth.hpp"
#include "adapters/http/router.hpp"
#include "engine/annotations.hpp"
#include "engine/case_service.hpp"
#include "engine/directory.hpp"

namespace outpost::http {

struct ApiContext {
  CaseService& cases;
  UserStore& users;
  Authenticator& auth;
  const WorkflowRegistry& workflows;
  const Catalogue& catalogue;
  const Jurisdiction& jurisdiction;
  DirectoryStore& directory;
  AnnotationService& annotations;
};

void register_api(Router& router, ApiContext& ctx);

// POST /api/v1/cases/{id}/attachments carries a file, not JSON: the server
// gives requests with this path suffix their own body limit
// (ServerOptions::body_limit_rules, setting attachment_limit_bytes).
inline constexpr const char* kAttachmentUploadSuffix = "/attachments";

// Pieces of register_api, one per handler file.
void register_case_routes(Router& router, ApiContext& ctx);
void register_meta_routes(Router& router, ApiContext& ctx);
void register_directory_routes(Router& router, ApiContext& ctx);
void register_annotation_routes(Router& router, ApiContext& ctx);

// The embedded OpenAPI document (adapters/http/openapi.json).
std::string_view openapi_document();

}  // namespace outpost::http
