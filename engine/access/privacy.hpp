// File: engine/access/privacy.hpp
//
// Personal information under PIPL, besides encryption at rest (engine/access/pii.hpp):
// the logged reveal of a case's parties in clear, and de-identification of
// cases closed longer than the retention period.
//
//   PrivacyService privacy(cases, privacy_store, clock);
//   auto clear = privacy.reveal(case_id, {"phone"}, "回访联系当事人", actor);  // logged
//   auto run = privacy.deidentify_closed(std::chrono::days(1095), "retention");
//
// Reveal: the caller names a purpose (required, ≤ 500 bytes) and optionally the
// fields (name, phone, id_number, free_text; default all); one access_log row
// records who, when, which case, which fields and why, before anything is
// returned — no log row, no clear values. Who may reveal is the caller's
// decision (permissions). free_text is the originals of the case's free text
// whose personal numbers are masked (free_text.hpp): its title, description,
// address, history data and the notes the caller passes (those it may read).
//
// De-identification: every case in a closed state (closed, rejected) whose
// last change is older than the period gets placeholder parties (role kept,
// name "已脱敏", no phone, no ID number), loses its phone index and the
// originals of its masked free text (the masked text stays), and gets a
// `deidentified` history row by `system` on its chain; statistics (kind,
// category, location, states, times) stay. The run itself is recorded.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/cases/annotations.hpp"
#include "engine/cases/case.hpp"
#include "engine/cases/case_store.hpp"
#include "engine/core/clock.hpp"
#include "engine/core/error.hpp"

namespace outpost {

inline constexpr std::string_view kDeidentifiedName = "已脱敏";

struct AccessLogEntry {
  std::int64_t id = 0;
  Millis at = 0;
  std::string username, role;
  CaseId case_id = 0;
  std::vector<std::string> fields;  // name | phone | id_number | free_text
  std::string purpose;
};

struct RetentionRun {
  std::int64_t id = 0;
  Millis at = 0;
  std::string actor;
  Millis closed_before = 0;
  int cases = 0;  // de-identified by this run
};

class PrivacyStore {
 public:
  virtual ~PrivacyStore() = default;
  virtual Result<std::int64_t> log_access(const AccessLogEntry& entry) = 0;
  // Newest first; optionally one case's; continue after `cursor` (an id).
  virtual Result<std::vector<AccessLogEntry>> access_log(std::optional<CaseId> case_id,
                                                         std::optional<std::int64_t> cursor,
                                                         int limit) = 0;
  virtual Result<std::int64_t> record_retention_run(const RetentionRun& run) = 0;
};

// The clear parties of a reveal: only the requested fields are filled.
struct RevealedParties {
  CaseId case_id = 0;
  std::vector<Party> parties;
  std::vector<std::string> fields;
  std::int64_t access_log_id = 0;
  Millis at = 0;
  // With free_text: the case's originals (seq 0 first), then the notes' (field "note").
  std::vector<ClearText> free_text;
};

class PrivacyService {
 public:
  PrivacyService(CaseStore& cases, PrivacyStore& store, const Clock& clock)
      : cases_(cases), store_(store), clock_(clock) {}

  // `fields` empty: all four. invalid for a missing purpose or an unknown field.
  Result<RevealedParties> reveal(const Case& c, std::vector<std::string> fields,
                                 const std::string& purpose, const Actor& actor,
                                 const std::vector<Note>& notes = {});

  // Progress: called after each batch with the number de-identified so far.
  Result<RetentionRun> deidentify_closed(std::chrono::days period, const std::string& actor,
                                         const std::function<void(int)>& progress = {});

 private:
  CaseStore& cases_;
  PrivacyStore& store_;
  const Clock& clock_;
};

}  // namespace outpost
