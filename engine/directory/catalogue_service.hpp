// File: engine/directory/catalogue_service.hpp
//
// The catalogue in force (categories, departments, routing, policies), kept
// in the database as numbered editions so that an admin changes it at run
// time (PUT /api/v1/catalogue) and every process sharing the database uses
// the change. config/catalogue.json is only the seed: the first start on an
// empty database stores it as edition 1, later starts use the stored one.
//
// A replacement is checked as a whole by the loader's rules (the injected
// parser: adapters/config/catalogue_json.hpp) and by the rules of change:
//   - a department code of the edition in force may not be removed (staff,
//     cases and the directory name it; rename it, or retire it in the
//     directory with PUT /api/v1/departments/{code});
//   - a category that cases have may not be removed: mark it "active": false
//     (retired — no new case takes it; the cases that have it keep it);
//   - the caller names the edition it edited (If-Match); another edition
//     stored since is stale_version (412) and nothing is stored.
// A refusal stores and changes nothing.
//
//   CatalogueService catalogue(store, parse, permissions, clock);
//   catalogue.start(seed_text);                          // at start
//   catalogue.on_change([&](const CatalogueState& s) { deadlines.use_policy(s.policy); });
//   auto next = catalogue.replace(actor, 3, text);      // forbidden unless manage_catalogue
//   catalogue.refresh();                                 // now and then: other processes' editions
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/access/permissions.hpp"
#include "engine/core/clock.hpp"
#include "engine/core/error.hpp"
#include "engine/deadlines/deadlines.hpp"
#include "engine/directory/catalogue.hpp"

namespace outpost {

// One stored edition of the catalogue document (its JSON text).
struct CatalogueEdition {
  std::int64_t version = 0;  // 1, 2, …
  std::string document;
  std::string updated_by;  // username, or "config" for the seed
  Millis updated_at = 0;
};

// How many cases have a category.
struct CategoryUse {
  std::string kind;
  std::string code;
  std::int64_t cases = 0;
};

// The port: the editions, in the database (SociCatalogueStore).
class CatalogueStore {
 public:
  virtual ~CatalogueStore() = default;
  // The newest edition; nullopt while none is stored.
  virtual Result<std::optional<CatalogueEdition>> load_current() = 0;
  // The newest edition's number (0 while none is stored): cheap, for refresh().
  virtual Result<std::int64_t> current_version() = 0;
  // Stores `edition` (its version is the next number) unless an edition
  // numbered edition.version exists already: stale_version then.
  virtual Status save(const CatalogueEdition& edition) = 0;
  // Every edition, newest first, without their documents.
  virtual Result<std::vector<CatalogueEdition>> list_editions() = 0;
  virtual Result<std::vector<CategoryUse>> category_use() = 0;
};

// The catalogue of a document and its deadline policy, as the loader reads them.
struct ParsedCatalogue {
  Catalogue catalogue;
  DeadlinePolicy policy;
};
// invalid (one FieldError per problem, named by its path in the document) or
// malformed when the text is not a catalogue document.
using CatalogueParser = std::function<Result<ParsedCatalogue>(const std::string& document)>;

// The edition in force, read.
struct CatalogueState {
  CatalogueEdition edition;
  std::shared_ptr<const Catalogue> catalogue;
  DeadlinePolicy policy;
};

class CatalogueService {
 public:
  CatalogueService(CatalogueStore& store, CatalogueParser parse, const Permissions& permissions,
                   const Clock& clock)
      : store_(store), parse_(std::move(parse)), permissions_(permissions), clock_(clock) {}

  // Stores `seed` as edition 1 when the store has none (another process may
  // be first: then its edition is used), and puts the newest edition in force.
  // An error when the stored or the seed document is not a valid catalogue.
  Status start(const std::string& seed);
  // Puts a newer stored edition (another process's) in force.
  Status refresh();
  // The edition in force; null before start().
  std::shared_ptr<const CatalogueState> current() const;
  // Checks and stores `document` as the edition after `expected_version` and
  // puts it in force. forbidden without manage_catalogue; stale_version when
  // `expected_version` is not the newest stored; invalid by the rules above.
  Result<std::shared_ptr<const CatalogueState>> replace(const Actor& actor,
                                                        std::int64_t expected_version,
                                                        const std::string& document);
  Result<std::vector<CatalogueEdition>> editions(const Actor& actor);
  // Called with each edition put in force (start, refresh, replace), under
  // the service's lock: keep it short.
  void on_change(std::function<void(const CatalogueState&)> listener) {
    listeners_.push_back(std::move(listener));
  }

 private:
  Result<std::shared_ptr<const CatalogueState>> read(CatalogueEdition edition) const;
  Status check_change(const Catalogue& before, const Catalogue& after);
  void put_in_force(std::shared_ptr<const CatalogueState> state);

  CatalogueStore& store_;
  CatalogueParser parse_;
  const Permissions& permissions_;
  const Clock& clock_;
  mutable std::mutex mutex_;
  std::shared_ptr<const CatalogueState> current_;
  std::vector<std::function<void(const CatalogueState&)>> listeners_;
};

}  // namespace outpost
