#include "adapters/storage/migrations.hpp"

#include <span>
#include <string_view>
#include <utility>

#include "adapters/storage/migration_access_generation.hpp"
#include "adapters/storage/migration_catalogue.hpp"
#include "adapters/storage/migration_escalations_calendar.hpp"

namespace outpost::storage {
namespace {

// Any fixed key will do; it only has to be the same in every process.
constexpr const char* kAdvisoryLock = "SELECT pg_advisory_xact_lock(7310034239543621)";

// "{identity}" stands for the one column type the dialects spell differently.
std::string in_dialect(std::string_view text, Dialect dialect) {
  constexpr std::string_view kIdentity = "{identity}";
  const std::string_view identity = dialect == Dialect::sqlite
                                        ? "INTEGER PRIMARY KEY AUTOINCREMENT"
                                        : "bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY";
  std::string out(text);
  for (std::size_t at = out.find(kIdentity); at != std::string::npos; at = out.find(kIdentity)) {
    out.replace(at, kIdentity.size(), identity);
  }
  return out;
}

constexpr const char* kV1Initial[] = {
    "CREATE TABLE cases ("
    " id {identity},"
    " number text NOT NULL UNIQUE,"
    " kind text NOT NULL,"
    " state text NOT NULL,"
    " version bigint NOT NULL,"
    " category text NOT NULL,"
    " title text NOT NULL,"
    " description text NOT NULL,"
    " channel text NOT NULL,"
    " community text NOT NULL,"
    " grid text NOT NULL,"
    " micro_grid text NOT NULL,"
    " address text NOT NULL,"
    " urgency text NOT NULL,"
    " risk_level text NOT NULL,"
    " confidential integer NOT NULL,"
    " department text NOT NULL,"
    " assignees text NOT NULL,"  // JSON array of usernames
    " parties text NOT NULL,"    // JSON array; one column so it can be encrypted as a whole
    " facts text NOT NULL,"      // JSON object owned by the workflow
    " deadline bigint,"
    " created_at bigint NOT NULL,"
    " updated_at bigint NOT NULL,"
    " last_hash text NOT NULL)",
    // The list filters: each index ends in id so `ORDER BY id DESC` after
    // an equality filter reads the index in order.
    "CREATE INDEX cases_kind ON cases (kind, id)",
    "CREATE INDEX cases_state ON cases (state, id)",
    "CREATE INDEX cases_category ON cases (category, id)",
    "CREATE INDEX cases_community ON cases (community, id)",
    "CREATE INDEX cases_grid ON cases (grid, id)",
    "CREATE INDEX cases_department ON cases (department, id)",
    "CREATE INDEX cases_created_at ON cases (created_at, id)",
    // Derived from cases.assignees for the assignee filter.
    "CREATE TABLE case_assignees ("
    " case_id bigint NOT NULL REFERENCES cases (id),"
    " assignee text NOT NULL,"
    " PRIMARY KEY (assignee, case_id))",
    "CREATE INDEX case_assignees_case ON case_assignees (case_id)",
    "CREATE TABLE history ("
    " case_id bigint NOT NULL REFERENCES cases (id),"
    " seq bigint NOT NULL,"
    " at bigint NOT NULL,"
    " actor text NOT NULL,"
    " event text NOT NULL,"
    " from_state text NOT NULL,"
    " to_state text NOT NULL,"
    " data text NOT NULL,"  // JSON object
    " prev_hash text NOT NULL,"
    " hash text NOT NULL,"
    " PRIMARY KEY (case_id, seq))",
    "CREATE TABLE counters ("
    " name text PRIMARY KEY,"
    " value bigint NOT NULL)",
    // No foreign key to users: these rows are a replay cache that a later
    // job may expire on its own.
    "CREATE TABLE idempotency ("
    " user_id bigint NOT NULL,"
    " key text NOT NULL,"
    " fingerprint text NOT NULL,"
    " status integer NOT NULL,"
    " body text NOT NULL,"
    " created_at bigint NOT NULL,"
    " PRIMARY KEY (user_id, key))",
    "CREATE TABLE users ("
    " id {identity},"
    " username text NOT NULL UNIQUE,"
    " display_name text NOT NULL,"
    " role text NOT NULL,"
    " department text NOT NULL DEFAULT '',"
    " grid text NOT NULL DEFAULT '',"
    " disabled integer NOT NULL DEFAULT 0,"
    " created_at bigint NOT NULL)",
    "CREATE TABLE tokens ("
    " token_hash text PRIMARY KEY,"
    " user_id bigint NOT NULL REFERENCES users (id),"
    " created_at bigint NOT NULL,"
    " expires_at bigint,"
    " revoked_at bigint)",
    "CREATE INDEX tokens_user ON tokens (user_id)",
};

// v2: notes and attachments (engine/cases/annotations.hpp). Each row is keyed by the
// seq of the history row that added it. Attachment bytes are stored once per
// SHA-256 in attachment_blobs, in the database so that they commit and back up
// with the case. `bytea` is PostgreSQL's binary type; in SQLite the declared
// name only gives the column NUMERIC affinity, which stores a bound BLOB as is.
constexpr const char* kV2Annotations[] = {
    "CREATE TABLE notes ("
    " case_id bigint NOT NULL,"
    " seq bigint NOT NULL,"
    " author text NOT NULL,"
    " body text NOT NULL,"
    " visibility text NOT NULL,"
    " at bigint NOT NULL,"
    " PRIMARY KEY (case_id, seq),"
    " FOREIGN KEY (case_id, seq) REFERENCES history (case_id, seq))",
    "CREATE TABLE attachment_blobs ("
    " sha256 text PRIMARY KEY,"
    " size bigint NOT NULL,"
    " content bytea NOT NULL)",
    "CREATE TABLE attachments ("
    " case_id bigint NOT NULL,"
    " seq bigint NOT NULL,"
    " sha256 text NOT NULL REFERENCES attachment_blobs (sha256),"
    " content_type text NOT NULL,"
    " file_name text NOT NULL,"
    " size bigint NOT NULL,"
    " uploaded_by text NOT NULL,"
    " at bigint NOT NULL,"
    " PRIMARY KEY (case_id, seq),"
    " FOREIGN KEY (case_id, seq) REFERENCES history (case_id, seq))",
    "CREATE INDEX attachments_sha256 ON attachments (sha256)",
};

// v3: the directory (engine/directory/directory.hpp). Seeded from config at start-up,
// then owned by the admin API. Codes compare byte-wise on both backends: the
// queries order by `id COLLATE "C"` on PostgreSQL.
constexpr const char* kV3Directory[] = {
    "CREATE TABLE departments ("
    " code text PRIMARY KEY,"
    " name text NOT NULL,"
    " active integer NOT NULL DEFAULT 1,"
    " updated_at bigint NOT NULL)",
    "CREATE TABLE staff ("
    " id text PRIMARY KEY,"
    " name text NOT NULL,"
    " department text NOT NULL,"
    " role text NOT NULL,"
    " grid text NOT NULL DEFAULT '',"
    " micro_grid text NOT NULL DEFAULT '',"
    " active integer NOT NULL DEFAULT 1,"
    " updated_at bigint NOT NULL)",
    "CREATE INDEX staff_department ON staff (department, id)",
    "CREATE INDEX staff_grid ON staff (grid, role, id)",
    "CREATE INDEX staff_active ON staff (active, id)",
};

// v4: what the dispatch queues and duplicate links look up without parsing
// facts: `handlers` is the sorted set of people and "dept:<code>"
// co-departments indexed in case_assignees; the rest mirror facts.
constexpr const char* kV4Handling[] = {
    "ALTER TABLE cases ADD COLUMN handlers text NOT NULL DEFAULT '[]'",
    "ALTER TABLE cases ADD COLUMN return_count integer NOT NULL DEFAULT 0",
    "ALTER TABLE cases ADD COLUMN arbitration integer NOT NULL DEFAULT 0",
    "ALTER TABLE cases ADD COLUMN duplicate_of bigint",
    "CREATE INDEX cases_duplicate_of ON cases (duplicate_of)",
    "CREATE INDEX cases_kind_state_id ON cases (kind, state, id)",
};

// v5: users and roles (engine/access/users.hpp). An empty password_hash means no
// password login (the bootstrap admin). login_failures counts consecutive
// failed logins per key ("user:<name>" or "addr:<ip>") for the lock.
constexpr const char* kV5Users[] = {
    "ALTER TABLE users ADD COLUMN password_hash text NOT NULL DEFAULT ''",
    "CREATE TABLE login_failures ("
    " key text PRIMARY KEY,"
    " failures integer NOT NULL,"
    " last_failure bigint NOT NULL,"
    " locked_until bigint NOT NULL DEFAULT 0)",
};

// v6: deadlines and notifications (engine/deadlines/deadlines.hpp, engine/notify/outbox.hpp).
// `clock` is the current step's clock as JSON. A timer row is one pending
// deadline_warning / deadline_breached / escalated firing, written in the same
// transaction as the event that started the clock; firing marks it `fired` in
// the transaction that records the event. `outbox` holds the notifications,
// also written in the transaction of their event; `id` is the message's stable
// id and `delivered_to` the JSON array of the webhook names that took it.
constexpr const char* kV6Deadlines[] = {
    "ALTER TABLE cases ADD COLUMN clock text NOT NULL DEFAULT '{}'",
    "CREATE TABLE timers ("
    " id {identity},"
    " case_id bigint NOT NULL REFERENCES cases (id),"
    " kind text NOT NULL,"
    " step text NOT NULL,"
    " generation bigint NOT NULL,"
    " due_at bigint NOT NULL,"
    " state text NOT NULL DEFAULT 'pending',"
    " fired_at bigint,"
    " created_at bigint NOT NULL)",
    "CREATE INDEX timers_pending_due ON timers (due_at, id) WHERE state = 'pending'",
    "CREATE INDEX timers_pending_case ON timers (case_id) WHERE state = 'pending'",
    "CREATE TABLE outbox ("
    " seq {identity},"
    " id text NOT NULL UNIQUE,"
    " topic text NOT NULL,"
    " case_id bigint,"
    " payload text NOT NULL,"
    " state text NOT NULL DEFAULT 'pending',"
    " attempts integer NOT NULL DEFAULT 0,"
    " next_attempt_at bigint NOT NULL,"
    " last_error text NOT NULL DEFAULT '',"
    " delivered_to text NOT NULL DEFAULT '[]',"
    " created_at bigint NOT NULL,"
    " delivered_at bigint)",
    "CREATE INDEX outbox_pending_due ON outbox (next_attempt_at, seq) WHERE state = 'pending'",
    "CREATE INDEX outbox_state ON outbox (state, seq)",
};

// v7: personal data (engine/access/pii.hpp). `cases.parties` holds sealed text from
// now on (rows written before stay readable and are sealed at start-up);
// case_phones is the blind index of the parties' phone numbers; access_log
// records every reveal; retention_runs every de-identification run.
constexpr const char* kV7PersonalData[] = {
    "CREATE TABLE case_phones ("
    " phone_index text NOT NULL,"
    " case_id bigint NOT NULL REFERENCES cases (id),"
    " PRIMARY KEY (phone_index, case_id))",
    "CREATE INDEX case_phones_case ON case_phones (case_id)",
    "CREATE TABLE access_log ("
    " id {identity},"
    " at bigint NOT NULL,"
    " username text NOT NULL,"
    " role text NOT NULL,"
    " case_id bigint NOT NULL,"
    " fields text NOT NULL,"
    " purpose text NOT NULL)",
    "CREATE INDEX access_log_case ON access_log (case_id, id)",
    "CREATE TABLE retention_runs ("
    " id {identity},"
    " at bigint NOT NULL,"
    " actor text NOT NULL,"
    " closed_before bigint NOT NULL,"
    " cases integer NOT NULL)",
};

// Idempotency keys of any adapter (scope), recorded with the change; the
// adapter's answer is saved after the commit (NULL until then). The replay
// cache of version 1 held HTTP answers of the case API: they move over as
// that adapter's bytes ("<status>" LF body).
constexpr const char* kV8IdempotencyKeys[] = {
    "CREATE TABLE idempotency_keys ("
    " user_id bigint NOT NULL,"
    " scope text NOT NULL,"
    " key text NOT NULL,"
    " fingerprint text NOT NULL,"
    " case_id bigint NOT NULL,"
    " answer text,"
    " created_at bigint NOT NULL,"
    " PRIMARY KEY (user_id, scope, key))",
    "INSERT INTO idempotency_keys (user_id, scope, key, fingerprint, case_id, answer, created_at)"
    " SELECT user_id, 'api:cases', key, fingerprint, 0,"
    " CAST(status AS text) || '\n' || body, created_at FROM idempotency",
    "DROP TABLE idempotency",
};

// v9: the signed history log (engine/proof/proof_store.hpp). An AFTER INSERT
// trigger queues every history row, whatever path wrote it; the sequencer
// moves queued rows to consecutive leaf indexes (history_log) and stores the
// complete subtree hashes (history_tree, hex); history_checkpoints holds the
// signed notes, at most one per day end (boundary). History, log, tree and
// checkpoints refuse UPDATE and DELETE in the database itself. Rows written
// before this version are queued in time order.
#define OUTPOST_V9_TABLES                                                                     \
  "CREATE TABLE history_queue (id {identity}, case_id bigint NOT NULL, seq bigint NOT NULL)", \
      "CREATE TABLE history_log ("                                                            \
      " leaf_index bigint PRIMARY KEY,"                                                       \
      " case_id bigint NOT NULL,"                                                             \
      " seq bigint NOT NULL,"                                                                 \
      " leaf_hash text NOT NULL,"                                                             \
      " UNIQUE (case_id, seq))",                                                              \
      "CREATE TABLE history_tree ("                                                           \
      " level integer NOT NULL,"                                                              \
      " idx bigint NOT NULL,"                                                                 \
      " hash text NOT NULL,"                                                                  \
      " PRIMARY KEY (level, idx))",                                                           \
      "CREATE TABLE history_checkpoints ("                                                    \
      " id {identity},"                                                                       \
      " tree_size bigint NOT NULL,"                                                           \
      " root_hash text NOT NULL,"                                                             \
      " signed_at bigint NOT NULL,"                                                           \
      " boundary bigint UNIQUE,"                                                              \
      " note text NOT NULL)",                                                                 \
      "INSERT INTO history_queue (case_id, seq) SELECT case_id, seq FROM history"             \
      " ORDER BY at, case_id, seq"

#define OUTPOST_V9_SQLITE_GUARD(table)                                           \
  "CREATE TRIGGER " table "_no_update BEFORE UPDATE ON " table                   \
  " BEGIN SELECT RAISE(ABORT, '" table " is append-only: UPDATE refused'); END", \
      "CREATE TRIGGER " table "_no_delete BEFORE DELETE ON " table               \
      " BEGIN SELECT RAISE(ABORT, '" table " is append-only: DELETE refused'); END"

#define OUTPOST_V9_PG_GUARD(table)                                         \
  "CREATE TRIGGER " table "_append_only BEFORE UPDATE OR DELETE ON " table \
  " FOR EACH ROW EXECUTE FUNCTION outpost_append_only()",                  \
      "CREATE TRIGGER " table "_no_truncate BEFORE TRUNCATE ON " table     \
      " FOR EACH STATEMENT EXECUTE FUNCTION outpost_append_only()"

constexpr const char* kV9HistoryLogSqlite[] = {
    OUTPOST_V9_TABLES,
    "CREATE TRIGGER history_enqueue AFTER INSERT ON history"
    " BEGIN INSERT INTO history_queue (case_id, seq) VALUES (NEW.case_id, NEW.seq); END",
    OUTPOST_V9_SQLITE_GUARD("history"),
    OUTPOST_V9_SQLITE_GUARD("history_log"),
    OUTPOST_V9_SQLITE_GUARD("history_tree"),
    OUTPOST_V9_SQLITE_GUARD("history_checkpoints"),
};

constexpr const char* kV9HistoryLogPostgresql[] = {
    OUTPOST_V9_TABLES,
    "CREATE FUNCTION outpost_history_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " INSERT INTO history_queue (case_id, seq) VALUES (NEW.case_id, NEW.seq); RETURN NULL;"
    " END $$",
    "CREATE TRIGGER history_enqueue AFTER INSERT ON history"
    " FOR EACH ROW EXECUTE FUNCTION outpost_history_enqueue()",
    "CREATE FUNCTION outpost_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP; END $$",
    OUTPOST_V9_PG_GUARD("history"),
    OUTPOST_V9_PG_GUARD("history_log"),
    OUTPOST_V9_PG_GUARD("history_tree"),
    OUTPOST_V9_PG_GUARD("history_checkpoints"),
};

// The quarterly audits (engine/audits): the audit row (scope, reviewers, the
// sample's rules and strata and the bound checkpoint as JSON documents), the
// sampled case ids, the findings, and the audit's own hash-chained history.
constexpr const char* kV10Audits[] = {
    "CREATE TABLE audits ("
    " id {identity},"
    " number text NOT NULL UNIQUE,"
    " title text NOT NULL,"
    " period_from bigint NOT NULL,"
    " period_to bigint NOT NULL,"
    " scope text NOT NULL,"      // JSON object
    " reviewers text NOT NULL,"  // JSON array of usernames
    " state text NOT NULL,"
    " version bigint NOT NULL,"
    " sample text,"      // JSON object; NULL until drawn
    " checkpoint text,"  // JSON object; NULL until signed off with one
    " created_by text NOT NULL,"
    " created_at bigint NOT NULL,"
    " updated_at bigint NOT NULL,"
    " last_hash text NOT NULL)",
    "CREATE TABLE audit_sample ("
    " audit_id bigint NOT NULL REFERENCES audits (id),"
    " case_id bigint NOT NULL,"
    " forced integer NOT NULL,"
    " PRIMARY KEY (audit_id, case_id))",
    "CREATE TABLE audit_findings ("
    " audit_id bigint NOT NULL REFERENCES audits (id),"
    " id bigint NOT NULL,"
    " case_id bigint NOT NULL,"
    " verdict text NOT NULL,"
    " category text NOT NULL,"
    " comment text NOT NULL,"
    " department text NOT NULL,"
    " status text NOT NULL,"
    " answer text NOT NULL,"
    " review_comment text NOT NULL,"
    " send_backs bigint NOT NULL,"
    " recorded_by text NOT NULL,"
    " recorded_at bigint NOT NULL,"
    " updated_at bigint NOT NULL,"
    " PRIMARY KEY (audit_id, id))",
    "CREATE INDEX audit_findings_department ON audit_findings (department, audit_id)",
    "CREATE TABLE audit_history ("
    " audit_id bigint NOT NULL REFERENCES audits (id),"
    " seq bigint NOT NULL,"
    " at bigint NOT NULL,"
    " actor text NOT NULL,"
    " event text NOT NULL,"
    " from_state text NOT NULL,"
    " to_state text NOT NULL,"
    " data text NOT NULL,"  // JSON object
    " prev_hash text NOT NULL,"
    " hash text NOT NULL,"
    " PRIMARY KEY (audit_id, seq))",
};

// The milestones of a case (engine/cases/milestones.hpp) as columns the
// reports group and count; the case store writes them with every change.
// Existing cases get them from their history: everything but
// kpi_ack_in_time (the deadline the first 签收 was measured against is not
// in the history: NULL, undecided) and kpi_arbitrations (the flag's past
// is not either: 1 when flagged now, else 0).
constexpr const char* kV11Milestones[] = {
    "ALTER TABLE cases ADD COLUMN kpi_dispatched_at bigint",
    "ALTER TABLE cases ADD COLUMN kpi_handled_at bigint",
    "ALTER TABLE cases ADD COLUMN kpi_closed_at bigint",
    "ALTER TABLE cases ADD COLUMN kpi_ack_in_time integer",
    "ALTER TABLE cases ADD COLUMN kpi_arbitrations integer NOT NULL DEFAULT 0",
    "ALTER TABLE cases ADD COLUMN kpi_extensions integer NOT NULL DEFAULT 0",
    "ALTER TABLE cases ADD COLUMN kpi_extensions_approved integer NOT NULL DEFAULT 0",
    "ALTER TABLE cases ADD COLUMN kpi_escalations integer NOT NULL DEFAULT 0",
    "ALTER TABLE cases ADD COLUMN kpi_visit text",
    "ALTER TABLE cases ADD COLUMN kpi_resolved integer",
    "ALTER TABLE cases ADD COLUMN kpi_mediated integer NOT NULL DEFAULT 0",
    "ALTER TABLE cases ADD COLUMN kpi_agreement integer NOT NULL DEFAULT 0",
    "ALTER TABLE cases ADD COLUMN kpi_failed integer NOT NULL DEFAULT 0",
    "ALTER TABLE cases ADD COLUMN kpi_refused integer NOT NULL DEFAULT 0",
    "ALTER TABLE cases ADD COLUMN kpi_performed integer NOT NULL DEFAULT 0",
    "ALTER TABLE cases ADD COLUMN kpi_judicial_applied integer NOT NULL DEFAULT 0",
    "ALTER TABLE cases ADD COLUMN kpi_judicial_confirmed integer NOT NULL DEFAULT 0",
    "ALTER TABLE cases ADD COLUMN kpi_performance_due text",
    "UPDATE cases SET"
    " kpi_dispatched_at = (SELECT min(h.at) FROM history h WHERE h.case_id = cases.id"
    " AND h.event IN ('dispatch', 'assign')),"
    " kpi_handled_at = (SELECT min(h.at) FROM history h WHERE h.case_id = cases.id"
    " AND h.event IN ('acknowledge', 'start_mediation')),"
    " kpi_closed_at = (SELECT max(h.at) FROM history h WHERE h.case_id = cases.id"
    " AND cases.state IN ('closed', 'rejected') AND h.to_state = cases.state"
    " AND h.from_state <> cases.state),"
    " kpi_arbitrations = arbitration,"
    " kpi_extensions = (SELECT count(*) FROM history h WHERE h.case_id = cases.id"
    " AND h.event = 'request_extension'),"
    " kpi_extensions_approved = (SELECT count(*) FROM history h WHERE h.case_id = cases.id"
    " AND h.event = 'approve_extension'),"
    " kpi_escalations = (SELECT count(*) FROM history h WHERE h.case_id = cases.id"
    " AND h.event = 'escalated'),"
    " kpi_mediated = (SELECT CASE WHEN count(*) > 0 THEN 1 ELSE 0 END FROM history h"
    " WHERE h.case_id = cases.id AND h.event = 'start_mediation'),"
    " kpi_agreement = (SELECT CASE WHEN count(*) > 0 THEN 1 ELSE 0 END FROM history h"
    " WHERE h.case_id = cases.id AND h.event = 'reach_agreement'),"
    " kpi_failed = (SELECT CASE WHEN count(*) > 0 THEN 1 ELSE 0 END FROM history h"
    " WHERE h.case_id = cases.id AND h.event = 'fail_mediation'),"
    " kpi_refused = (SELECT CASE WHEN count(*) > 0 THEN 1 ELSE 0 END FROM history h"
    " WHERE h.case_id = cases.id AND h.event IN ('decline', 'withdraw')),"
    " kpi_performed = (SELECT CASE WHEN count(*) > 0 THEN 1 ELSE 0 END FROM history h"
    " WHERE h.case_id = cases.id AND h.event = 'confirm_performance')",
};

// v13: personal numbers in free text (engine/access/free_text.hpp) are stored
// masked; the originals are sealed beside them like `cases.parties`: a case's
// (its title, description, address and history data, JSON) and a note's.
// Empty when nothing was masked. Rows written before stay as they are.
constexpr const char* kV13FreeTextOriginals[] = {
    "ALTER TABLE cases ADD COLUMN sealed_texts text NOT NULL DEFAULT ''",
    "ALTER TABLE notes ADD COLUMN sealed_body text NOT NULL DEFAULT ''",
};

// Migration 14: how often a dissatisfied 回访 sent a case back to work
// (重办 / 重新调解), one more milestone column. Existing cases count their
// history's follow-ups that went back to in_progress or mediating.
constexpr const char* kV14Reworks[] = {
    "ALTER TABLE cases ADD COLUMN kpi_reworks integer NOT NULL DEFAULT 0",
    "UPDATE cases SET kpi_reworks = (SELECT count(*) FROM history h WHERE h.case_id = cases.id"
    " AND h.event = 'record_follow_up' AND h.to_state IN ('in_progress', 'mediating'))",
};

// v17: the console's browser sessions (engine/access/sessions.hpp). Like
// tokens, only the SHA-256 of the cookie's secret is kept; last_seen drives
// the idle time-out, expires_at the absolute one.
constexpr const char* kV17Sessions[] = {
    "CREATE TABLE sessions ("
    " session_hash text PRIMARY KEY,"
    " user_id bigint NOT NULL REFERENCES users (id),"
    " created_at bigint NOT NULL,"
    " expires_at bigint NOT NULL,"
    " last_seen bigint NOT NULL,"
    " revoked_at bigint)",
    "CREATE INDEX sessions_user ON sessions (user_id)",
};

// v19: generated case documents (engine/documents/document_service.hpp), keyed
// like attachments by the seq of the `generate_document` history row. The PDF
// is sealed text (PiiCipher), '' once de-identification removed it; sha256 is
// the file's, content_sha256 the printed content's (the QR code's).
constexpr const char* kV19Documents[] = {
    "CREATE TABLE documents ("
    " case_id bigint NOT NULL,"
    " seq bigint NOT NULL,"
    " kind text NOT NULL,"
    " sha256 text NOT NULL,"
    " content_sha256 text NOT NULL,"
    " size bigint NOT NULL,"
    " created_by text NOT NULL,"
    " created_at bigint NOT NULL,"
    " content text NOT NULL,"
    " scan_seq bigint,"
    " PRIMARY KEY (case_id, seq),"
    " FOREIGN KEY (case_id, seq) REFERENCES history (case_id, seq))",
    "CREATE INDEX documents_sha256 ON documents (sha256)",
};

// v20: imported ledgers (engine/cases/ledger_import.hpp): one row per
// (ledger, number) makes an import idempotent; case_id is the historic case
// the row became (set in the same transaction).
constexpr const char* kV20LedgerImports[] = {
    "CREATE TABLE ledger_imports ("
    " ledger text NOT NULL,"
    " number text NOT NULL,"
    " case_id bigint REFERENCES cases (id),"
    " imported_at bigint NOT NULL,"
    " PRIMARY KEY (ledger, number))",
};

// v21: outside channels (engine/access/channels.hpp) and the requests they
// filed that wait for the desk (ChannelSubmission). A channel's key is its
// user's token: only the key's id is kept here.
constexpr const char* kV21Channels[] = {
    "CREATE TABLE channels ("
    " id {identity},"
    " name text NOT NULL UNIQUE,"
    " display_name text NOT NULL,"
    " user_id bigint NOT NULL REFERENCES users (id),"
    " datum text NOT NULL,"
    " outside_grid text NOT NULL,"
    " rate_per_minute bigint NOT NULL,"
    " intake_channel text NOT NULL,"
    " token_id text NOT NULL,"
    " created_at bigint NOT NULL,"
    " revoked_at bigint)",
    "CREATE INDEX channels_user ON channels (user_id)",
    "CREATE TABLE channel_submissions ("
    " token text PRIMARY KEY,"
    " channel_id bigint NOT NULL REFERENCES channels (id),"
    " body text NOT NULL,"
    " created_at bigint NOT NULL)",
};

// v23: the parties as lists show them (masked, engine/access/masking.hpp),
// in clear beside the sealed `parties`, so that a list decrypts nothing.
// Written with every case from now on; '' until then: start-up fills the
// rows written before (SociPrivacyStore::mask_stored_parties), and a list
// reads the sealed column for a row still empty.
constexpr const char* kV23MaskedParties[] = {
    "ALTER TABLE cases ADD COLUMN parties_masked text NOT NULL DEFAULT ''",
    // The rows still to fill: empty once they are, so start-up finds none at once.
    "CREATE INDEX cases_parties_unmasked ON cases (id) WHERE parties_masked = ''",
};

// v24: the rows whose parties are still in clear (written before the
// personal-data key, or by a process without it), which every start-up seals
// (SociPrivacyStore::seal_clear_parties): found through this index, which is
// empty once they are sealed, instead of reading every case at each start
// (0.32 s at 1,000,000 cases, and it grows with the table).
constexpr const char* kV24ClearParties[] = {
    "CREATE INDEX cases_parties_clear ON cases (id) WHERE parties NOT LIKE 'x1:%'",
};

// v25: the parties named at registration, summed over their roles, stored
// with the case (CaseRow::name_parties at every INSERT) for the KPI report's
// parties_involved, which read them for every dispute of the period from its
// creating history row's JSON (a lookup and a parse per case). Existing cases
// get the value that query gave (registered_parties_migration); cases without
// history keep null.
constexpr const char* kV25RegisteredParties[] = {
    "ALTER TABLE cases ADD COLUMN kpi_parties bigint",
};

// The latest 回访 and agreement of existing cases, read from the history's
// JSON data: the one part of migration 11 the dialects spell differently.
std::vector<std::string> milestones_from_json(Dialect dialect) {
  const std::string satisfaction = dialect == Dialect::sqlite
                                       ? "json_extract(h.data, '$.satisfaction')"
                                       : "CAST(h.data AS json) ->> 'satisfaction'";
  const std::string due = dialect == Dialect::sqlite ? "json_extract(h.data, '$.performance_due')"
                                                     : "CAST(h.data AS json) ->> 'performance_due'";
  const auto latest = [](const std::string& value, const std::string& event) {
    return "(SELECT " + value + " FROM history h WHERE h.case_id = cases.id AND h.event = '" +
           event + "' ORDER BY h.seq DESC LIMIT 1)";
  };
  return {"UPDATE cases SET kpi_visit = " + latest(satisfaction, "record_follow_up") +
              ", kpi_performance_due = " + latest(due, "reach_agreement"),
          "UPDATE cases SET kpi_resolved = CASE WHEN kpi_visit = 'dissatisfied' THEN 0 ELSE 1 END"
          " WHERE kpi_visit IS NOT NULL"};
}

Migration migration(int version, std::string name, std::span<const char* const> statements,
                    Dialect dialect) {
  Migration m{version, std::move(name), {}};
  for (const char* statement : statements) m.statements.push_back(in_dialect(statement, dialect));
  return m;
}

Migration registered_parties_migration(Dialect dialect) {
  Migration m = migration(25, "registered_parties", kV25RegisteredParties, dialect);
  const std::string creation =
      "(SELECT h.data FROM history h WHERE h.case_id = cases.id ORDER BY h.seq LIMIT 1)";
  const std::string sum =
      dialect == Dialect::sqlite
          ? "SELECT sum(j.value) FROM json_each(" + creation + ", '$.parties') j"
          : "SELECT sum(j.value::bigint) FROM json_each_text(" + creation +
                "::json -> 'parties') j";
  m.statements.push_back("UPDATE cases SET kpi_parties = (" + sum +
                         ") WHERE EXISTS (SELECT 1 FROM history h WHERE h.case_id = cases.id)");
  return m;
}

Migration milestones_migration(Dialect dialect) {
  Migration m = migration(11, "milestones", kV11Milestones, dialect);
  for (std::string& statement : milestones_from_json(dialect)) {
    m.statements.push_back(std::move(statement));
  }
  return m;
}

bool ledger_exists(soci::session& sql, Dialect dialect) {
  int tables = 0;
  if (dialect == Dialect::sqlite) {
    sql << "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
        soci::into(tables);
  } else {
    sql << "SELECT count(*) FROM pg_catalog.pg_tables"
           " WHERE schemaname = current_schema() AND tablename = 'schema_migrations'",
        soci::into(tables);
  }
  return tables != 0;
}

// Creates the ledger itself, under the same lock as the migrations so two
// first runs do not race on CREATE TABLE.
void ensure_ledger(soci::session& sql, Dialect dialect) {
  Transaction tx(sql, dialect);
  if (dialect == Dialect::postgresql) sql << kAdvisoryLock;
  if (ledger_exists(sql, dialect)) return;
  sql << "CREATE TABLE schema_migrations ("
         " version integer PRIMARY KEY,"
         " name text NOT NULL,"
         " applied_at bigint NOT NULL)";
  tx.commit();
}

}  // namespace

std::vector<Migration> migrations(Dialect dialect) {
  return {migration(1, "initial", kV1Initial, dialect),
          migration(2, "annotations", kV2Annotations, dialect),
          migration(3, "directory", kV3Directory, dialect),
          migration(4, "handling", kV4Handling, dialect),
          migration(5, "users", kV5Users, dialect),
          migration(6, "deadlines", kV6Deadlines, dialect),
          migration(7, "personal_data", kV7PersonalData, dialect),
          migration(8, "idempotency_keys", kV8IdempotencyKeys, dialect),
          dialect == Dialect::sqlite
              ? migration(9, "history_log", kV9HistoryLogSqlite, dialect)
              : migration(9, "history_log", kV9HistoryLogPostgresql, dialect),
          migration(10, "audits", kV10Audits, dialect),
          milestones_migration(dialect),
          migration(13, "free_text_originals", kV13FreeTextOriginals, dialect),
          migration(14, "reworks", kV14Reworks, dialect),
          escalations_and_calendar_migration(dialect),
          migration(17, "sessions", kV17Sessions, dialect),
          catalogue_migration(),
          migration(19, "documents", kV19Documents, dialect),
          migration(20, "ledger_imports", kV20LedgerImports, dialect),
          migration(21, "channels", kV21Channels, dialect),
          access_generation_migration(dialect),
          migration(23, "masked_parties", kV23MaskedParties, dialect),
          migration(24, "clear_parties", kV24ClearParties, dialect),
          registered_parties_migration(dialect)};
}

std::vector<std::string> apply_migrations(soci::session& sql, Dialect dialect, Millis now) {
  ensure_ledger(sql, dialect);
  std::vector<std::string> applied;
  for (const Migration& m : migrations(dialect)) {
    Transaction tx(sql, dialect);
    if (dialect == Dialect::postgresql) sql << kAdvisoryLock;
    int version = m.version;
    int recorded = 0;
    sql << "SELECT count(*) FROM schema_migrations WHERE version = :version",
        soci::use(version, "version"), soci::into(recorded);
    if (recorded != 0) continue;
    for (const std::string& statement : m.statements) sql << statement;
    std::string name = m.name;
    sql << "INSERT INTO schema_migrations (version, name, applied_at)"
           " VALUES (:version, :name, :applied_at)",
        soci::use(version, "version"), soci::use(name, "name"), soci::use(now, "applied_at");
    tx.commit();
    applied.push_back(m.name);
  }
  return applied;
}

int schema_version(soci::session& sql, Dialect dialect) {
  if (!ledger_exists(sql, dialect)) return 0;
  int version = 0;
  sql << "SELECT coalesce(max(version), 0) FROM schema_migrations", soci::into(version);
  return version;
}

int latest_version(Dialect dialect) {
  static const int kSqlite = migrations(Dialect::sqlite).back().version;
  static const int kPostgresql = migrations(Dialect::postgresql).back().version;
  return dialect == Dialect::sqlite ? kSqlite : kPostgresql;
}

std::string newer_schema_message(int found, int known) {
  const std::string f = std::to_string(found), k = std::to_string(known);
  return "数据库结构版本为 " + f + "，比本程序认识的最高版本 " + k +
         " 更新：它由更新版本的 outpost 迁移过，请运行该版本或更新版本，本程序拒绝运行 / "
         "the database schema is at version " +
         f + ", newer than the newest this binary knows (" + k +
         "): it was migrated by a newer outpost; run that version or a later one";
}

}  // namespace outpost::storage
