// File: adapters/storage/pg_statement.hpp
//
// The statements every request runs — a case's SELECT, the batched reads, a
// transition's one-statement write — prepared with libpq itself on the SOCI
// session's PostgreSQL connection. SOCI 4.0.3 formats each integer parameter
// with snprintf into a buffer it allocates, copies each string, finds each
// parameter by name in a map on every execute and converts each column
// through its into-type: for a case's ~50 columns about a fifth of a
// transition's instructions in the server (bench/RESULTS.md). A PgStatement
// binds the same buffers in the same way (the same bind functions, given
// soci::use and soci::into), resolves the names once when it is prepared, and
// sends and reads the buffers in place. Errors are thrown as
// soci::postgresql_soci_error with the server's SQLSTATE, as SOCI throws them,
// so that Lease::fail treats them alike.
//
// FastStatement is one of these on PostgreSQL and a SOCI statement on SQLite:
//
//   FastStatement select(sql, "SELECT a, b FROM t WHERE id = :id", [&](auto& st) {
//     st.exchange(soci::into(row.a));
//     st.exchange(soci::into(row.b));
//     st.exchange(soci::use(row.id, "id"));
//   });
//   if (fetch_one(select)) ...   // rows.hpp
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <soci/soci.h>

#include "adapters/storage/dialect.hpp"
#include "adapters/storage/rows.hpp"

struct pg_conn;
struct pg_result;

namespace outpost::storage {

class PgStatement {
 public:
  explicit PgStatement(soci::session& sql);
  ~PgStatement();
  PgStatement(const PgStatement&) = delete;
  PgStatement& operator=(const PgStatement&) = delete;

  // Bind a buffer, as soci::statement::exchange does: parameters by the name
  // they have in the text (`:name`), columns in the order of the SELECT.
  template <class T>
  void exchange(const soci::details::use_container<T, soci::details::no_indicator>& u) {
    add_use(&u.t, nullptr, u.name);
  }
  template <class T>
  void exchange(const soci::details::use_container<T, soci::indicator>& u) {
    add_use(&u.t, &u.ind, u.name);
  }
  template <class T>
  void exchange(const soci::details::into_container<T, soci::details::no_indicator>& i) {
    add_into(&i.t, nullptr);
  }
  template <class T>
  void exchange(const soci::details::into_container<T, soci::indicator>& i) {
    add_into(&i.t, &i.ind);
  }

  // Prepares `text` (`:name` parameters) on the server, once.
  void prepare(const std::string& text);
  // Runs the statement with the buffers' values; true when it returned a
  // row, which is then in the into-buffers.
  bool execute();
  // The next row into the buffers; false after the last.
  bool fetch();
  // Rows the statement inserted, updated or deleted.
  long long get_affected_rows() const;

 private:
  enum class Kind : std::uint8_t { text, int64, int32 };
  struct Use {
    Kind kind;
    const void* value;
    const soci::indicator* ind;
    std::string name;
  };
  struct Into {
    Kind kind;
    void* target;
    soci::indicator* ind;
  };
  struct ResultFree {
    void operator()(pg_result* r) const;
  };

  void add_use(const std::string* v, const soci::indicator* ind, const std::string& name);
  void add_use(const std::int64_t* v, const soci::indicator* ind, const std::string& name);
  void add_use(const int* v, const soci::indicator* ind, const std::string& name);
  void add_into(std::string* v, soci::indicator* ind);
  void add_into(std::int64_t* v, soci::indicator* ind);
  void add_into(int* v, soci::indicator* ind);
  void read_row(int row);
  void check(pg_result* result) const;

  pg_conn* conn_;
  std::string name_;  // of the prepared statement on the server
  bool prepared_ = false;
  std::vector<Use> uses_;
  std::vector<Into> intos_;
  std::vector<std::size_t> params_;  // $k -> its use (uses_[params_[k - 1]])
  std::vector<const char*> values_;  // per execute, $k's text or null
  std::vector<std::array<char, 24>> numbers_;
  std::unique_ptr<pg_result, ResultFree> result_;
  int row_ = 0, rows_ = 0;
};

// A PgStatement on PostgreSQL, a prepared soci::statement on SQLite. `bind`
// is called with either (a generic lambda), and exchanges the buffers.
class FastStatement {
 public:
  // Not prepared: for a statement one dialect has no use for.
  explicit FastStatement(soci::session& sql);
  // `type`: st_one_time_query keeps a statement run once with SOCI on either
  // dialect (PostgreSQL then parses, plans and runs it in one round trip).
  template <class Bind>
  FastStatement(soci::session& sql, const std::string& text, Bind bind,
                soci::details::statement_type type = soci::details::st_repeatable_query);

  bool execute(bool exchange_data = true);
  bool fetch();
  long long get_affected_rows();

 private:
  std::unique_ptr<PgStatement> pg_;
  std::optional<soci::statement> soci_;
};

template <class Bind>
FastStatement::FastStatement(soci::session& sql, const std::string& text, Bind bind,
                             soci::details::statement_type type) {
  if (type == soci::details::st_repeatable_query && dialect_of(sql) == Dialect::postgresql) {
    pg_ = std::make_unique<PgStatement>(sql);
    bind(*pg_);
    pg_->prepare(text);
    return;
  }
  soci_.emplace(prepare(sql, text, bind, type));
}

}  // namespace outpost::storage
