// File: adapters/storage/stores.hpp
//
// Every storage port on one database: opens the Database (database.hpp) and
// the store of each port over it, for the command line, the server's wiring
// and the tests. Each store answers to one port; hand each user of a port
// only the store it needs.
//
//   auto opened = open_stores("sqlite:/var/lib/outpost/outpost.db", {});
//   if (!opened) return fail(opened.error());   // invalid URL, or unavailable
//   Stores& stores = *opened.value();
//   stores.database->migrate();
//   CaseService service(stores.cases, ...);     // a CaseStore&
//
// Threads and errors: as Database. The stores refer to `database`: keep the
// Stores alive while any of them is used.
#pragma once

#include <memory>
#include <string>

#include "adapters/storage/database.hpp"
#include "adapters/storage/soci_annotation_store.hpp"
#include "adapters/storage/soci_audit_store.hpp"
#include "adapters/storage/soci_calendar_store.hpp"
#include "adapters/storage/soci_case_store.hpp"
#include "adapters/storage/soci_catalogue_store.hpp"
#include "adapters/storage/soci_channel_store.hpp"
#include "adapters/storage/soci_directory_store.hpp"
#include "adapters/storage/soci_document_store.hpp"
#include "adapters/storage/soci_import_store.hpp"
#include "adapters/storage/soci_outbox_store.hpp"
#include "adapters/storage/soci_privacy_store.hpp"
#include "adapters/storage/soci_proof_store.hpp"
#include "adapters/storage/soci_report_store.hpp"
#include "adapters/storage/soci_session_store.hpp"
#include "adapters/storage/soci_timer_store.hpp"
#include "adapters/storage/soci_user_store.hpp"
#include "engine/core/error.hpp"

namespace outpost {

struct Stores {
  explicit Stores(std::unique_ptr<Database> db);
  Stores(const Stores&) = delete;
  Stores& operator=(const Stores&) = delete;

  std::unique_ptr<Database> database;  // first: the stores below refer to it
  SociCaseStore cases;
  SociTimerStore timers;
  SociUserStore users;  // UserStore and UserAccountStore
  SociDirectoryStore directory;
  SociAnnotationStore annotations;
  SociOutboxStore outbox;
  SociPrivacyStore privacy;
  SociAuditStore audits;
  SociReportStore reports;
  SociProofStore proofs;
  SociCalendarStore calendar;
  SociSessionStore sessions;
  SociChannelStore channels;
  SociCatalogueStore catalogue;
  SociImportStore imports;
  SociDocumentStore documents;
};

// open_database(url, options) and the stores over it; the same URL rules and
// errors.
Result<std::unique_ptr<Stores>> open_stores(const std::string& url,
                                            const DatabaseOptions& options = {});

}  // namespace outpost
