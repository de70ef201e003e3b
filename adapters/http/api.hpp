// File: adapters/http/api.hpp
//
// The HTTP API of API.md, as routes on a Router. Handlers only translate:
// HTTP in, a CaseService call, JSON or problem+json out. They run on the
// server's worker pool, never on an I/O thread, and may block on the database.
//
//   ApiContext ctx{service, users, auth, workflows, catalogue_document, jurisdiction,
//                  jurisdiction_document, directory, annotations, &accounts, LoginPolicy{},
//                  &outbox};
//   Router router;
//   register_api(router, ctx);
#pragma once

#include <chrono>

#include <boost/json/value.hpp>

#include "adapters/http/auth.hpp"
#include "adapters/http/router.hpp"
#include "engine/access/login_policy.hpp"
#include "engine/access/privacy.hpp"
#include "engine/access/users.hpp"
#include "engine/audits/audit_service.hpp"
#include "engine/cases/annotations.hpp"
#include "engine/cases/case_service.hpp"
#include "engine/cases/ledger_import.hpp"
#include "engine/core/metrics.hpp"
#include "engine/deadlines/calendar_service.hpp"
#include "engine/directory/catalogue_service.hpp"
#include "engine/directory/directory.hpp"
#include "engine/directory/locator.hpp"
#include "engine/documents/document_service.hpp"
#include "engine/notify/outbox.hpp"
#include "engine/proof/history_proofs.hpp"
#include "engine/reports/report_store.hpp"
#include "engine/reports/statistics.hpp"

namespace outpost::http {

// POST /api/v1/login: token lifetime, and the failed-login lock and back-off
// (settings [auth]).
struct LoginPolicy {
  std::chrono::milliseconds token_ttl = std::chrono::hours(12);
  LoginThrottle throttle;  // per account and per client address
};

struct ApiContext {
  CaseService& cases;
  UserStore& users;
  Authenticator& auth;
  const WorkflowRegistry& workflows;
  // GET /api/v1/catalogue and /api/v1/jurisdiction serve these documents.
  const boost::json::value& catalogue_document;
  const Jurisdiction& jurisdiction;
  const boost::json::value& jurisdiction_document;
  DirectoryStore& directory;
  AnnotationService& annotations;
  // Users, login and tokens: without an account store those routes are not registered.
  UserAccountStore* accounts;
  LoginPolicy login;
  // GET /api/v1/outbox: without an outbox store the route is not registered.
  OutboxStore* outbox = nullptr;
  // Reveal and the access log: without both those routes are not registered.
  PrivacyService* privacy = nullptr;
  PrivacyStore* privacy_store = nullptr;
  // The audit API: without an audit service those routes are not registered.
  AuditService* audits = nullptr;
  // GET /api/v1/reports/*: without it those routes are not registered.
  ReportService* reports = nullptr;
  // GET /api/v1/reports/statistics: its classes (config/statistics.json);
  // without them that route is not registered.
  const StatisticsClasses* statistics_classes = nullptr;
  // History verification, checkpoints, proofs and the audit bundle: without
  // both those routes are not registered.
  HistoryProofs* proofs = nullptr;
  ProofStore* proof_store = nullptr;
  // GET /health and the calendar years API: without it those routes are not registered.
  CalendarService* calendar = nullptr;
  // The console's session cookie (login with {"session": true}, GET
  // /api/v1/session): without it logins answer with bearer tokens only.
  SessionAuth* sessions = nullptr;
  // Points and addresses to micro-grids (config/boundaries.geojson): GET
  // /api/v1/jurisdiction/locate and a case's location.lat/long/building;
  // without it those are not available.
  const directory::Locator* locator = nullptr;
  // GET/PUT /api/v1/catalogue from the stored editions: without it GET serves
  // catalogue_document and the catalogue cannot be changed.
  CatalogueService* catalogue = nullptr;
  // POST /api/v1/imports (engine/cases/ledger_import.hpp): without it the route is not
  // registered.
  ImportStore* imports = nullptr;
  // Case documents (PDF) and their verification: without it those routes are not registered.
  DocumentService* documents = nullptr;
  // Failed logins and lockouts are counted here (engine/core/metrics.hpp); may be null.
  Metrics* metrics = nullptr;
};

void register_api(Router& router, ApiContext& ctx);

// POST /api/v1/cases/{id}/attachments carries a file, not JSON: the server
// gives requests with this path suffix their own body limit
// (ServerOptions::body_limit_rules, setting attachment_limit_bytes).
inline constexpr const char* kAttachmentUploadSuffix = "/attachments";
// POST /api/v1/imports carries a ledger file: its own body limit (setting import_limit_bytes).
inline constexpr const char* kImportUploadSuffix = "/api/v1/imports";

// Pieces of register_api, one per handler file.
void register_case_routes(Router& router, ApiContext& ctx);
void register_meta_routes(Router& router, ApiContext& ctx);
void register_directory_routes(Router& router, ApiContext& ctx);
void register_annotation_routes(Router& router, ApiContext& ctx);
void register_user_routes(Router& router, ApiContext& ctx);
void register_session_routes(Router& router, ApiContext& ctx);
void register_outbox_routes(Router& router, ApiContext& ctx);
void register_privacy_routes(Router& router, ApiContext& ctx);
void register_export_routes(Router& router, ApiContext& ctx);
void register_audit_routes(Router& router, ApiContext& ctx);
void register_report_routes(Router& router, ApiContext& ctx);
void register_proof_routes(Router& router, ApiContext& ctx);
void register_calendar_routes(Router& router, ApiContext& ctx);
void register_locate_routes(Router& router, ApiContext& ctx);
void register_catalogue_routes(Router& router, ApiContext& ctx);
void register_import_routes(Router& router, ApiContext& ctx);
void register_document_routes(Router& router, ApiContext& ctx);

// The embedded OpenAPI document (adapters/http/openapi.json).
std::string_view openapi_document();

}  // namespace outpost::http
