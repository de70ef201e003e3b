#include "engine/access/privacy.hpp"

#include <algorithm>
#include <array>

#include "engine/cases/case_commit.hpp"

namespace outpost {
namespace {

constexpr std::array<std::string_view, 4> kFields{"name", "phone", "id_number", "free_text"};
constexpr std::size_t kMaxPurposeBytes = 500;
constexpr int kBatch = 200;

}  // namespace

Result<RevealedParties> PrivacyService::reveal(const Case& c, std::vector<std::string> fields,
                                               const std::string& purpose, const Actor& actor,
                                               const std::vector<Note>& notes) {
  if (purpose.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Error::invalid_field("purpose", "is required: say why the clear values are needed");
  }
  if (purpose.size() > kMaxPurposeBytes) {
    return Error::invalid_field("purpose", "is longer than 500 bytes");
  }
  if (fields.empty()) fields.assign(kFields.begin(), kFields.end());
  for (const std::string& f : fields) {
    if (std::find(kFields.begin(), kFields.end(), f) == kFields.end()) {
      return Error::invalid_field("fields", "must name name, phone, id_number or free_text");
    }
  }
  std::sort(fields.begin(), fields.end());
  fields.erase(std::unique(fields.begin(), fields.end()), fields.end());
  auto has = [&](std::string_view f) {
    return std::find(fields.begin(), fields.end(), f) != fields.end();
  };

  AccessLogEntry entry{0, clock_.now(), actor.username, actor.role, c.id, fields, purpose};
  auto logged = store_.log_access(entry);
  if (!logged) return logged.error();
  RevealedParties out{c.id, {}, fields, logged.value(), entry.at, {}};
  for (const Party& p : c.parties) {
    out.parties.push_back(Party{p.role, has("name") ? p.name : std::string(),
                                has("phone") ? p.phone : std::string(),
                                has("id_number") ? p.id_number : std::string()});
  }
  if (has("free_text")) {
    out.free_text = c.clear_texts;
    std::stable_partition(out.free_text.begin(), out.free_text.end(),
                          [](const ClearText& t) { return t.seq == 0; });
    for (const Note& n : notes) {
      if (!n.clear_body.empty()) out.free_text.push_back(ClearText{n.seq, "note", n.clear_body});
    }
  }
  return out;
}

Result<RetentionRun> PrivacyService::deidentify_closed(std::chrono::days period,
                                                       const std::string& actor,
                                                       const std::function<void(int)>& progress) {
  RetentionRun run;
  run.at = clock_.now();
  run.actor = actor;
  run.closed_before =
      run.at - std::chrono::duration_cast<std::chrono::milliseconds>(period).count();
  Actor system;
  system.username = kSystemActor;
  system.role = "system";
  CaseFilter filter;
  filter.states = {"closed", "rejected"};
  filter.updated_before = run.closed_before;
  filter.oldest_first = true;
  filter.limit = kBatch;
  for (;;) {
    auto page = cases_.list_cases(filter);
    if (!page) return page.error();
    for (const Case& listed : page.value().items) {
      if (fact_flag(listed, "deidentified")) continue;
      auto done = commit_case_change(
          cases_, clock_, listed.id, system, std::nullopt,
          [&](const Case& current) -> Result<CaseChange> {
            Case next = current;
            for (Party& p : next.parties) p = Party{p.role, std::string(kDeidentifiedName), "", ""};
            next.facts["deidentified"] = true;
            next.clear_texts.clear();
            return CaseChange{std::move(next), "deidentified",
                              boost::json::object{{"closed_before", run.closed_before},
                                                  {"parties", current.parties.size()}}};
          },
          [&](const Case& next, std::int64_t expected, const HistoryEntry& entry) {
            SideEffects effects;
            effects.forget_phones = true;
            return cases_.commit_transition(next, expected, entry, nullptr, &effects);
          });
      if (!done) return done.error();
      ++run.cases;
    }
    if (progress) progress(run.cases);
    if (!page.value().next_cursor) break;
    filter.cursor = page.value().next_cursor;
  }
  auto recorded = store_.record_retention_run(run);
  if (!recorded) return recorded.error();
  run.id = recorded.value();
  return run;
}

}  // namespace outpost
