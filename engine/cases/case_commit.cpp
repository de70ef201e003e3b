#include "engine/cases/case_commit.hpp"

#include <algorithm>
#include <utility>

#include <boost/json/array.hpp>

#include "engine/access/access_epoch.hpp"
#include "engine/access/free_text.hpp"
#include "engine/cases/audit_chain.hpp"

namespace outpost {
namespace {

// Every round of a race on one case has exactly one winner, so a writer loses
// at most N-1 times against N concurrent writers: 64 attempts serve up to 64
// simultaneous writers of one case before the caller is told to retry (unavailable).
constexpr int kMaxTransitionAttempts = 64;

}  // namespace

boost::json::object history_data(const EventPayload& payload) {
  boost::json::object data;
  for (const auto& [name, value] : payload.fields()) {
    std::visit(
        [&, &name = name](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::vector<std::string>>) {
            boost::json::array texts;
            for (const std::string& t : v) texts.emplace_back(t);
            data[name] = std::move(texts);
          } else if constexpr (std::is_same_v<T, UnreadableValue>) {
            data[name] = nullptr;  // refused before any change is recorded
          } else {
            data[name] = v;
          }
        },
        value);
  }
  return data;
}

HistoryEntry seal_change(const Case& current, Case& next, Millis now, std::string actor,
                         std::string event, boost::json::object data) {
  next.version = current.version + 1;
  next.updated_at = std::max(now, current.updated_at);
  // The chain hashes what is stored: the masked text (free_text.hpp).
  conceal_free_text(next, next.version, data);
  HistoryEntry entry;
  entry.case_id = current.id;
  entry.seq = next.version;
  entry.at = next.updated_at;
  entry.actor = std::move(actor);
  entry.event = std::move(event);
  entry.from_state = current.state;
  entry.to_state = next.state;
  entry.data = std::move(data);
  seal(entry, current.last_hash);
  next.last_hash = entry.hash;
  record_milestones(current, next, entry);
  return entry;
}

Result<CommittedChange> commit_case_change(CaseStore& cases, const Clock& clock, CaseId id,
                                           const Actor& actor, std::optional<std::int64_t> if_match,
                                           const DeriveChange& derive, const CommitChange& commit,
                                           const AdmitChange& admit) {
  for (int attempt = 0; attempt < kMaxTransitionAttempts; ++attempt) {
    auto found = cases.find_case(id);
    if (!found) return found.error();
    // Cached credentials must still be current before anything is written.
    if (!access_epoch::confirm()) {
      return Error::make(ErrorKind::unauthenticated,
                         "the caller's token or account changed; send the request again");
    }
    if (!found.value()) return Error::make(ErrorKind::not_found, "no case with this id");
    const Case& current = *found.value();
    if (admit) {
      if (Status s = admit(current); !s) return s.error();
    }
    if (if_match && *if_match != current.version) {
      return Error::make(ErrorKind::stale_version,
                         "the case is at version " + std::to_string(current.version));
    }
    auto change = derive(current);
    if (!change) return change.error();
    Case& next = change.value().next;

    HistoryEntry entry =
        seal_change(current, next, clock.now(), actor.username, std::move(change.value().event),
                    std::move(change.value().data));

    Status committed = commit(next, current.version, entry);
    if (committed) return CommittedChange{std::move(next), std::move(entry)};
    if (committed.error().kind != ErrorKind::version_conflict) return committed.error();
    if (if_match) {
      return Error::make(ErrorKind::stale_version, "the case was changed concurrently");
    }
  }
  return Error::make(ErrorKind::unavailable, "the case is too busy; try again");
}

}  // namespace outpost
