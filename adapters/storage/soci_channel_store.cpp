// SociChannelStore (soci_channel_store.hpp): migration 21's channels and
// channel_submissions.
#include "adapters/storage/soci_channel_store.hpp"

#include <stdexcept>
#include <string>

#include <soci/soci.h>

#include "adapters/storage/database_internals.hpp"
#include "adapters/storage/rows.hpp"
#include "engine/access/pii.hpp"

namespace outpost {

using storage::Access;
using storage::Lease;
using storage::run;

namespace {

constexpr const char* kColumns =
    "SELECT id, name, display_name, user_id, datum, outside_grid, rate_per_minute,"
    " intake_channel, token_id, created_at, revoked_at FROM channels";

}  // namespace

// `where` compares a column with :text or :number; both are bound.
Result<std::vector<Channel>> SociChannelStore::select(std::string_view where,
                                                      const std::string& text,
                                                      std::int64_t number) {
  return run<std::vector<Channel>>(db_, Access::read, "select_channels", [&](Lease& lease) {
    Channel c;
    std::int64_t revoked = 0;
    soci::indicator revoked_ind = soci::i_null;
    std::string t = text;
    std::int64_t n = number;
    std::string sql = std::string(kColumns) + " WHERE " + std::string(where) + " ORDER BY name";
    soci::statement st =
        (lease.sql().prepare << sql, soci::into(c.id), soci::into(c.name),
         soci::into(c.display_name), soci::into(c.user_id), soci::into(c.datum),
         soci::into(c.outside_grid), soci::into(c.rate_per_minute), soci::into(c.intake_channel),
         soci::into(c.token_id), soci::into(c.created_at), soci::into(revoked, revoked_ind),
         soci::use(t, "text"), soci::use(n, "number"));
    st.execute();
    std::vector<Channel> out;
    while (st.fetch()) {
      c.revoked_at = revoked_ind == soci::i_ok ? std::optional<Millis>(revoked) : std::nullopt;
      out.push_back(c);
    }
    return out;
  });
}

Result<Channel> SociChannelStore::create_channel(const Channel& c) {
  auto inserted =
      run<bool>(
          db_, Access::write, "create_channel", [&](Lease& lease) {
            Channel row = c;
            soci::statement insert =
                (lease.sql().prepare
                     << "INSERT INTO channels (name, display_name, user_id, datum, outside_grid,"
                        " rate_per_minute, intake_channel, token_id, created_at) VALUES (:name,"
                        " :display_name, :user_id, :datum, :outside_grid, :rate_per_minute,"
                        " :intake_channel, :token_id, :created_at) ON CONFLICT (name) DO NOTHING",
                 soci::use(row.name, "name"), soci::use(row.display_name, "display_name"),
                 soci::use(row.user_id, "user_id"), soci::use(row.datum, "datum"),
                 soci::use(row.outside_grid, "outside_grid"),
                 soci::use(row.rate_per_minute, "rate_per_minute"),
                 soci::use(row.intake_channel, "intake_channel"),
                 soci::use(row.token_id, "token_id"), soci::use(row.created_at, "created_at"));
            insert.execute(true);
            return insert.get_affected_rows() != 0;
          });
  if (!inserted) return inserted.error();
  if (!inserted.value()) {
    return Error::make(ErrorKind::already_exists, "a channel with this name exists already");
  }
  auto found = find_channel(c.name);
  if (!found) return found.error();
  if (!found.value()) return Error::make(ErrorKind::internal, "storage: the new channel vanished");
  return *found.value();
}

Result<std::vector<Channel>> SociChannelStore::list_channels() {
  return select(":number = 0 OR name = :text", "", 0);
}

Result<std::optional<Channel>> SociChannelStore::find_channel(std::string_view name) {
  auto rows = select("name = :text AND :number = 0", std::string(name), 0);
  if (!rows) return rows.error();
  if (rows.value().empty()) return std::optional<Channel>();
  return std::optional<Channel>(rows.value().front());
}

Result<std::optional<Channel>> SociChannelStore::find_channel_by_user(std::int64_t user_id) {
  auto rows = select("user_id = :number AND :text = ''", "", user_id);
  if (!rows) return rows.error();
  if (rows.value().empty()) return std::optional<Channel>();
  return std::optional<Channel>(rows.value().front());
}

Status SociChannelStore::mark_revoked(std::string_view name, Millis at) {
  auto changed = run<bool>(db_, Access::write, "revoke_channel", [&](Lease& lease) {
    std::string n(name);
    std::int64_t when = at;
    soci::statement update =
        (lease.sql().prepare << "UPDATE channels SET revoked_at = coalesce(revoked_at, :at)"
                                " WHERE name = :name",
         soci::use(when, "at"), soci::use(n, "name"));
    update.execute(true);
    return update.get_affected_rows() != 0;
  });
  if (!changed) return changed.error();
  if (!changed.value()) return Error::make(ErrorKind::not_found, "no channel with this name");
  return Ok{};
}

Status SociChannelStore::save_submission(const ChannelSubmission& s) {
  return run<Ok>(db_, Access::write, "save_channel_submission", [&](Lease& lease) {
    ChannelSubmission row = s;
    // It holds the reporter's name and phone: sealed like a case's parties.
    if (const PiiCipher* cipher = lease.cipher()) row.body = cipher->seal(row.body);
    lease.sql() << "INSERT INTO channel_submissions (token, channel_id, body, created_at)"
                   " VALUES (:token, :channel_id, :body, :created_at)",
        soci::use(row.token, "token"), soci::use(row.channel_id, "channel_id"),
        soci::use(row.body, "body"), soci::use(row.created_at, "created_at");
    return Ok{};
  });
}

Result<std::optional<ChannelSubmission>> SociChannelStore::find_submission(std::string_view token) {
  return run<std::optional<ChannelSubmission>>(
      db_, Access::read, "find_channel_submission",
      [&](Lease& lease) -> std::optional<ChannelSubmission> {
        std::string t(token);
        ChannelSubmission s;
        soci::statement st =
            (lease.sql().prepare << "SELECT token, channel_id, body, created_at"
                                    " FROM channel_submissions WHERE token = :token",
             soci::into(s.token), soci::into(s.channel_id), soci::into(s.body),
             soci::into(s.created_at), soci::use(t, "token"));
        if (!storage::fetch_one(st)) return std::nullopt;
        if (PiiCipher::is_sealed(s.body)) {
          const PiiCipher* cipher = lease.cipher();
          auto opened = cipher ? cipher->open(s.body) : std::nullopt;
          if (!opened) throw std::runtime_error("storage: a channel submission does not open");
          s.body = std::move(*opened);
        }
        return s;
      });
}

}  // namespace outpost
