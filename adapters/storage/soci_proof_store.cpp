// File: adapters/storage/soci_proof_store.cpp
//
// SociProofStore (soci_proof_store.hpp). Hashes are stored as hex text.
#include "adapters/storage/soci_proof_store.hpp"

#include <stdexcept>

#include "adapters/storage/database_internals.hpp"
#include "adapters/storage/rows.hpp"
#include "engine/proof/history_proofs.hpp"

namespace outpost {

using storage::Access;
using storage::Lease;
using storage::run;
using storage::Transaction;

namespace {

// Any fixed key will do; it only has to be the same in every process.
constexpr const char* kLogLock = "SELECT pg_advisory_xact_lock(7310034239543622)";
constexpr int kSequenceBatch = 1000;

proof::Hash hash_of(const std::string& hex) {
  auto h = proof::hash_from_hex(hex);
  if (!h) throw std::runtime_error("history log: a stored hash is not 64 hex digits");
  return *h;
}

// The stored complete subtrees, read one by one through a prepared statement.
class StoredTree final : public proof::NodeSource {
 public:
  explicit StoredTree(soci::session& sql) : st_(sql) {
    st_.exchange(soci::into(hash_));
    st_.exchange(soci::use(level_, "level"));
    st_.exchange(soci::use(index_, "idx"));
    st_.alloc();
    st_.prepare("SELECT hash FROM history_tree WHERE level = :level AND idx = :idx");
    st_.define_and_bind();
  }
  proof::Hash complete_subtree(int level, std::int64_t index) const override {
    level_ = level;
    index_ = index;
    if (!storage::fetch_one(st_)) throw std::runtime_error("history log: a subtree is missing");
    return hash_of(hash_);
  }

 private:
  mutable soci::statement st_;
  mutable int level_ = 0;
  mutable std::int64_t index_ = 0;
  mutable std::string hash_;
};

std::int64_t stored_size(soci::session& sql) {
  std::int64_t size = 0;
  sql << "SELECT coalesce(max(leaf_index) + 1, 0) FROM history_log", soci::into(size);
  return size;
}

struct QueuedRow {
  std::int64_t queue_id = 0;
  storage::HistoryRow row;
};

std::vector<QueuedRow> queued(soci::session& sql) {
  QueuedRow q;
  storage::HistoryRow& r = q.row;
  soci::statement st =
      (sql.prepare << "SELECT q.id, h.case_id, h.seq, h.at, h.actor, h.event, h.from_state,"
                      " h.to_state, h.data, h.prev_hash, h.hash FROM history_queue q"
                      " JOIN history h ON h.case_id = q.case_id AND h.seq = q.seq"
                      " ORDER BY q.id LIMIT "
                   << kSequenceBatch,
       soci::into(q.queue_id), soci::into(r.case_id), soci::into(r.seq), soci::into(r.at),
       soci::into(r.actor), soci::into(r.event), soci::into(r.from_state), soci::into(r.to_state),
       soci::into(r.data), soci::into(r.prev_hash), soci::into(r.hash));
  std::vector<QueuedRow> out;
  st.execute();
  while (st.fetch()) out.push_back(q);
  return out;
}

// One batch's new log entries and subtree nodes.
struct SequencedBatch {
  std::vector<std::int64_t> queue_ids;
  std::vector<storage::HistoryRow> rows;  // case_id and seq are read
  std::vector<std::string> leaf_hashes;
  std::int64_t first_index = 0;
  std::vector<proof::StoredNode> nodes;
};

// PostgreSQL: the whole batch in three statements (unnest keeps the arrays'
// order): the log entries, the queue rows gone, the subtree nodes.
void store_set_based(soci::session& sql, const SequencedBatch& b) {
  std::vector<std::int64_t> indexes(b.rows.size());
  for (std::size_t i = 0; i < indexes.size(); ++i) indexes[i] = b.first_index + std::int64_t(i);
  const auto number = [](auto v) { return std::to_string(v); };
  std::string leaf_indexes = storage::array_literal(indexes, number);
  std::string case_ids = storage::array_literal(
      b.rows, [](const storage::HistoryRow& r) { return std::to_string(r.case_id); });
  std::string seqs = storage::array_literal(
      b.rows, [](const storage::HistoryRow& r) { return std::to_string(r.seq); });
  std::string hashes =
      storage::array_literal(b.leaf_hashes, [](const std::string& h) { return h; });
  sql << "INSERT INTO history_log (leaf_index, case_id, seq, leaf_hash)"
         " SELECT * FROM unnest(CAST(:leaf_indexes AS bigint[]), CAST(:case_ids AS bigint[]),"
         " CAST(:seqs AS bigint[]), CAST(:leaf_hashes AS text[]))",
      soci::use(leaf_indexes, "leaf_indexes"), soci::use(case_ids, "case_ids"),
      soci::use(seqs, "seqs"), soci::use(hashes, "leaf_hashes");
  std::string queue_ids = storage::array_literal(b.queue_ids, number);
  sql << "DELETE FROM history_queue WHERE id = ANY(CAST(:ids AS bigint[]))",
      soci::use(queue_ids, "ids");
  std::string levels = storage::array_literal(
      b.nodes, [](const proof::StoredNode& n) { return std::to_string(n.level); });
  std::string idxs = storage::array_literal(
      b.nodes, [](const proof::StoredNode& n) { return std::to_string(n.index); });
  std::string node_hashes = storage::array_literal(
      b.nodes, [](const proof::StoredNode& n) { return proof::to_hex(n.hash); });
  sql << "INSERT INTO history_tree (level, idx, hash)"
         " SELECT * FROM unnest(CAST(:levels AS integer[]), CAST(:idxs AS bigint[]),"
         " CAST(:hashes AS text[]))",
      soci::use(levels, "levels"), soci::use(idxs, "idxs"), soci::use(node_hashes, "hashes");
}

// SQLite (in process, no round trips): one prepared statement per kind of row.
void store_row_by_row(soci::session& sql, const SequencedBatch& b) {
  std::int64_t index = 0, case_id = 0, seq = 0, queue_id = 0;
  std::string hash;
  int level = 0;
  soci::statement log =
      (sql.prepare << "INSERT INTO history_log (leaf_index, case_id, seq, leaf_hash)"
                      " VALUES (:leaf_index, :case_id, :seq, :leaf_hash)",
       soci::use(index, "leaf_index"), soci::use(case_id, "case_id"), soci::use(seq, "seq"),
       soci::use(hash, "leaf_hash"));
  soci::statement dequeue =
      (sql.prepare << "DELETE FROM history_queue WHERE id = :id", soci::use(queue_id, "id"));
  for (std::size_t i = 0; i < b.rows.size(); ++i) {
    index = b.first_index + std::int64_t(i);
    case_id = b.rows[i].case_id;
    seq = b.rows[i].seq;
    hash = b.leaf_hashes[i];
    log.execute(true);
    queue_id = b.queue_ids[i];
    dequeue.execute(true);
  }
  soci::statement node =
      (sql.prepare << "INSERT INTO history_tree (level, idx, hash)"
                      " VALUES (:level, :idx, :hash)",
       soci::use(level, "level"), soci::use(index, "idx"), soci::use(hash, "hash"));
  for (const proof::StoredNode& n : b.nodes) {
    level = n.level;
    index = n.index;
    hash = proof::to_hex(n.hash);
    node.execute(true);
  }
}

// Moves the queue into the log, `max_batches` batches at most; the caller
// holds the log's lock.
std::int64_t sequence_locked(soci::session& sql, std::int64_t max_batches = -1) {
  const bool set_based = storage::dialect_of(sql) == storage::Dialect::postgresql;
  std::int64_t size = stored_size(sql);
  const StoredTree stored(sql);
  for (; max_batches != 0; --max_batches) {
    std::vector<QueuedRow> queue = queued(sql);
    if (queue.empty()) break;
    proof::MemoryTree tree(&stored, size);
    SequencedBatch batch;
    batch.first_index = size;
    for (QueuedRow& q : queue) {
      const proof::Hash leaf = history_leaf_hash(q.row.to_entry());
      tree.append(leaf);
      batch.queue_ids.push_back(q.queue_id);
      batch.leaf_hashes.push_back(proof::to_hex(leaf));
      batch.rows.push_back(std::move(q.row));
    }
    batch.nodes = tree.added();
    if (set_based) {
      store_set_based(sql, batch);
    } else {
      store_row_by_row(sql, batch);
    }
    size += std::int64_t(queue.size());
  }
  return size;
}

void lock_log(Lease& lease) {
  if (lease.dialect() == storage::Dialect::postgresql) lease.sql() << kLogLock;
}

struct CheckpointRow {
  std::int64_t tree_size = 0, signed_at = 0, boundary = 0;
  soci::indicator boundary_ind = soci::i_null;
  std::string root_hash, note;

  StoredCheckpoint to_checkpoint() const {
    StoredCheckpoint cp{tree_size, hash_of(root_hash), signed_at, std::nullopt, note};
    if (boundary_ind == soci::i_ok) cp.boundary = boundary;
    return cp;
  }
};

constexpr const char* kCheckpointColumns =
    "SELECT tree_size, root_hash, signed_at, boundary, note FROM history_checkpoints ";

std::optional<StoredCheckpoint> one_checkpoint(soci::session& sql, const std::string& where,
                                               std::int64_t value) {
  CheckpointRow r;
  soci::statement st = (sql.prepare << kCheckpointColumns + where, soci::use(value, "value"),
                        soci::into(r.tree_size), soci::into(r.root_hash), soci::into(r.signed_at),
                        soci::into(r.boundary, r.boundary_ind), soci::into(r.note));
  if (!storage::fetch_one(st)) return std::nullopt;
  return r.to_checkpoint();
}

Result<std::int64_t> checked_size(Database& db, std::int64_t size) {
  return run<std::int64_t>(
      db, Access::read, "history_tree_size", [&](Lease& lease) -> Result<std::int64_t> {
        const std::int64_t stored = stored_size(lease.sql());
        if (size < 0 || size > stored) {
          return Error(ErrorKind::invalid, "tree size " + std::to_string(size) +
                                               " is beyond the log (" + std::to_string(stored) +
                                               " entries)");
        }
        return stored;
      });
}

template <class T, class Body>
Result<T> over_tree(Database& db, std::int64_t size, std::string_view operation, Body&& body) {
  auto stored = checked_size(db, size);
  if (!stored) return stored.error();
  return run<T>(db, Access::read, operation,
                [&](Lease& lease) -> Result<T> { return body(StoredTree(lease.sql())); });
}

}  // namespace

Result<std::int64_t> SociProofStore::sequence(std::int64_t max_entries) {
  // Nothing queued, as between writes: one read, no lock and no write.
  struct Peek {
    std::int64_t size = 0;
    int queued = 0;
  };
  auto peek = run<Peek>(db_, Access::read, "history_queue", [&](Lease& lease) {
    Peek p;
    lease.sql() << "SELECT coalesce((SELECT max(leaf_index) + 1 FROM history_log), 0),"
                   " CASE WHEN EXISTS (SELECT 1 FROM history_queue) THEN 1 ELSE 0 END",
        soci::into(p.size), soci::into(p.queued);
    return p;
  });
  if (!peek) return peek.error();
  if (peek.value().queued == 0) return peek.value().size;
  std::int64_t size = -1;
  std::int64_t done = 0;
  do {
    auto step = run<std::int64_t>(db_, Access::write, "sequence_history", [&](Lease& lease) {
      Transaction tx(lease.sql(), lease.dialect());
      lock_log(lease);
      const std::int64_t after = sequence_locked(lease.sql(), 1);
      tx.commit();
      return after;
    });
    if (!step) return step.error();
    if (step.value() == size) break;  // the queue is empty
    size = step.value();
    done += kSequenceBatch;
  } while (done < max_entries);
  return size;
}

Result<StoredCheckpoint> SociProofStore::append_checkpoint(
    std::optional<Millis> boundary, Millis now,
    const std::function<std::string(std::int64_t, const proof::Hash&)>& sign) {
  return run<StoredCheckpoint>(db_, Access::write, "append_checkpoint", [&](Lease& lease) {
    soci::session& sql = lease.sql();
    Transaction tx(sql, lease.dialect());
    lock_log(lease);
    if (boundary) {
      if (auto existing = one_checkpoint(sql, "WHERE boundary = :value", *boundary)) {
        return *existing;
      }
    }
    const std::int64_t size = sequence_locked(sql);
    const proof::Hash root = proof::tree_root(StoredTree(sql), size);
    StoredCheckpoint cp{size, root, now, boundary, sign(size, root)};
    std::string root_hex = proof::to_hex(root);
    std::int64_t boundary_value = boundary.value_or(0);
    soci::indicator boundary_ind = boundary ? soci::i_ok : soci::i_null;
    sql << "INSERT INTO history_checkpoints (tree_size, root_hash, signed_at, boundary, note)"
           " VALUES (:tree_size, :root_hash, :signed_at, :boundary, :note)",
        soci::use(cp.tree_size, "tree_size"), soci::use(root_hex, "root_hash"),
        soci::use(cp.signed_at, "signed_at"), soci::use(boundary_value, boundary_ind, "boundary"),
        soci::use(cp.note, "note");
    tx.commit();
    return cp;
  });
}

Result<std::optional<StoredCheckpoint>> SociProofStore::latest_checkpoint() {
  return run<std::optional<StoredCheckpoint>>(
      db_, Access::read, "latest_checkpoint", [&](Lease& lease) {
        return one_checkpoint(lease.sql(), "WHERE id >= :value ORDER BY id DESC LIMIT 1", 0);
      });
}

Result<std::optional<StoredCheckpoint>> SociProofStore::checkpoint_signed_since(Millis at) {
  return run<std::optional<StoredCheckpoint>>(
      db_, Access::read, "checkpoint_signed_since", [&](Lease& lease) {
        return one_checkpoint(lease.sql(),
                              "WHERE signed_at >= :value ORDER BY signed_at, id LIMIT 1", at);
      });
}

Result<std::vector<LogLeaf>> SociProofStore::leaves_of(CaseId id) {
  return run<std::vector<LogLeaf>>(db_, Access::read, "history_leaves", [&](Lease& lease) {
    LogLeaf leaf;
    std::string hex;
    soci::statement st =
        (lease.sql().prepare << "SELECT seq, leaf_index, leaf_hash"
                                " FROM history_log WHERE case_id = :id"
                                " ORDER BY seq",
         soci::use(id, "id"), soci::into(leaf.seq), soci::into(leaf.leaf_index), soci::into(hex));
    std::vector<LogLeaf> out;
    st.execute();
    while (st.fetch()) {
      leaf.case_id = id;
      leaf.leaf_hash = hash_of(hex);
      out.push_back(leaf);
    }
    return out;
  });
}

Result<std::optional<LogLeaf>> SociProofStore::leaf_at(std::int64_t index) {
  return run<std::optional<LogLeaf>>(
      db_, Access::read, "history_leaf", [&](Lease& lease) -> std::optional<LogLeaf> {
        LogLeaf leaf;
        leaf.leaf_index = index;
        std::string hex;
        soci::statement st =
            (lease.sql().prepare << "SELECT case_id, seq, leaf_hash FROM history_log"
                                    " WHERE leaf_index = :idx",
             soci::use(index, "idx"), soci::into(leaf.case_id), soci::into(leaf.seq),
             soci::into(hex));
        if (!storage::fetch_one(st)) return std::nullopt;
        leaf.leaf_hash = hash_of(hex);
        return leaf;
      });
}

Result<std::int64_t> SociProofStore::tree_size() {
  return run<std::int64_t>(db_, Access::read, "history_tree_size",
                           [&](Lease& lease) { return stored_size(lease.sql()); });
}

Status SociProofStore::for_each_leaf(
    std::int64_t size,
    const std::function<bool(const LogLeaf&, const HistoryEntry* entry)>& visit) {
  // Pages of leaf indexes, so neither backend holds more than a page of rows.
  constexpr std::int64_t kPage = 10'000;
  bool more = true;
  for (std::int64_t from = 0; more && from < size; from += kPage) {
    std::int64_t to = std::min(size, from + kPage);
    auto page = run<Ok>(db_, Access::read, "history_log_walk", [&](Lease& lease) {
      LogLeaf leaf;
      std::string leaf_hex;
      std::int64_t present = 0;
      storage::HistoryRow r;
      soci::statement st =
          (lease.sql().prepare
               << "SELECT l.leaf_index, l.case_id, l.seq, l.leaf_hash,"
                  " coalesce(h.seq, 0), coalesce(h.at, 0), coalesce(h.actor, ''),"
                  " coalesce(h.event, ''), coalesce(h.from_state, ''), coalesce(h.to_state, ''),"
                  " coalesce(h.data, '{}'), coalesce(h.prev_hash, ''), coalesce(h.hash, '')"
                  " FROM history_log l LEFT JOIN history h ON h.case_id = l.case_id"
                  " AND h.seq = l.seq WHERE l.leaf_index >= :from AND l.leaf_index < :to"
                  " ORDER BY l.leaf_index",
           soci::use(from, "from"), soci::use(to, "to"), soci::into(leaf.leaf_index),
           soci::into(leaf.case_id), soci::into(leaf.seq), soci::into(leaf_hex),
           soci::into(present), soci::into(r.at), soci::into(r.actor), soci::into(r.event),
           soci::into(r.from_state), soci::into(r.to_state), soci::into(r.data),
           soci::into(r.prev_hash), soci::into(r.hash));
      st.execute();
      while (more && st.fetch()) {
        leaf.leaf_hash = hash_of(leaf_hex);
        r.case_id = leaf.case_id;
        r.seq = leaf.seq;
        const HistoryEntry entry = present != 0 ? r.to_entry() : HistoryEntry{};
        more = visit(leaf, present != 0 ? &entry : nullptr);
      }
      return Ok{};
    });
    if (!page) return page.error();
  }
  return Ok{};
}

Result<std::vector<CaseId>> SociProofStore::cases_after(CaseId after, int limit) {
  return run<std::vector<CaseId>>(db_, Access::read, "cases_with_history", [&](Lease& lease) {
    std::vector<CaseId> ids(static_cast<std::size_t>(std::max(limit, 1)));
    lease.sql() << "SELECT id FROM cases WHERE id > :after ORDER BY id LIMIT :limit",
        soci::use(after, "after"), soci::use(limit, "limit"), soci::into(ids);
    return ids;
  });
}

Result<proof::Hash> SociProofStore::root_at(std::int64_t size) {
  return over_tree<proof::Hash>(db_, size, "history_root", [&](const StoredTree& tree) {
    return proof::tree_root(tree, size);
  });
}

Result<std::vector<proof::Hash>> SociProofStore::inclusion_proof(std::int64_t index,
                                                                 std::int64_t size) {
  if (index < 0 || index >= size) {
    return Error(ErrorKind::invalid, "leaf index " + std::to_string(index) +
                                         " is not below the tree size " + std::to_string(size));
  }
  return over_tree<std::vector<proof::Hash>>(
      db_, size, "inclusion_proof",
      [&](const StoredTree& tree) { return proof::inclusion_proof(tree, index, size); });
}

Result<std::vector<proof::Hash>> SociProofStore::consistency_proof(std::int64_t old_size,
                                                                   std::int64_t new_size) {
  if (old_size < 1 || old_size > new_size) {
    return Error(ErrorKind::invalid, "consistency proof: need 1 <= from <= to");
  }
  return over_tree<std::vector<proof::Hash>>(
      db_, new_size, "consistency_proof",
      [&](const StoredTree& tree) { return proof::consistency_proof(tree, old_size, new_size); });
}

}  // namespace outpost
