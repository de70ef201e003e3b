// PgStatement and FastStatement (pg_statement.hpp).
#include "adapters/storage/pg_statement.hpp"

#include <atomic>
#include <charconv>
#include <cstdlib>
#include <string_view>

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>

namespace outpost::storage {

namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

template <class Int>
Int parse_int(const char* text, int length) {
  Int value = 0;
  const auto [end, error] = std::from_chars(text, text + length, value);
  if (error != std::errc() || end != text + length) {
    throw soci::soci_error("Cannot convert data: a column is not an integer");
  }
  return value;
}

}  // namespace

void PgStatement::ResultFree::operator()(pg_result* r) const {
  PQclear(r);
}

PgStatement::PgStatement(soci::session& sql)
    : conn_(static_cast<soci::postgresql_session_backend*>(sql.get_backend())->conn_) {
  // Unique on every connection of this process; SOCI names its own "st_<n>".
  static std::atomic<std::uint64_t> count{0};
  name_ = "outpost_" + std::to_string(count.fetch_add(1, std::memory_order_relaxed));
}

PgStatement::~PgStatement() {
  if (!prepared_) return;
  // As SOCI does for its own; an error (the connection is gone, or its
  // transaction failed) leaves nothing to free on this side.
  PQclear(PQexec(conn_, ("DEALLOCATE " + name_).c_str()));
}

void PgStatement::add_use(const std::string* v, const soci::indicator* ind,
                          const std::string& name) {
  uses_.push_back({Kind::text, v, ind, name});
}
void PgStatement::add_use(const std::int64_t* v, const soci::indicator* ind,
                          const std::string& name) {
  uses_.push_back({Kind::int64, v, ind, name});
}
void PgStatement::add_use(const int* v, const soci::indicator* ind, const std::string& name) {
  uses_.push_back({Kind::int32, v, ind, name});
}
void PgStatement::add_into(std::string* v, soci::indicator* ind) {
  intos_.push_back({Kind::text, v, ind});
}
void PgStatement::add_into(std::int64_t* v, soci::indicator* ind) {
  intos_.push_back({Kind::int64, v, ind});
}
void PgStatement::add_into(int* v, soci::indicator* ind) {
  intos_.push_back({Kind::int32, v, ind});
}

void PgStatement::prepare(const std::string& text) {
  // `:name` -> `$k`, a name used twice is one parameter; quoted text and
  // `::` casts are left as they are (as SOCI rewrites them).
  std::string sql;
  sql.reserve(text.size());
  std::vector<std::string> names;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '\'') {
      const std::size_t close = text.find('\'', i + 1);
      const std::size_t end = close == std::string::npos ? text.size() : close + 1;
      sql.append(text, i, end - i);
      i = end;
    } else if (c == ':' && i + 1 < text.size() && text[i + 1] == ':') {
      sql += "::";
      i += 2;
    } else if (c == ':' && i + 1 < text.size() && is_name_char(text[i + 1])) {
      std::size_t end = i + 1;
      while (end < text.size() && is_name_char(text[end])) ++end;
      const std::string name = text.substr(i + 1, end - i - 1);
      std::size_t k = 0;
      while (k < names.size() && names[k] != name) ++k;
      if (k == names.size()) {
        std::size_t use = 0;
        while (use < uses_.size() && uses_[use].name != name) ++use;
        if (use == uses_.size())
          throw soci::soci_error("Missing use element for bind by name (" + name + ")");
        names.push_back(name);
        params_.push_back(use);
      }
      sql += '$' + std::to_string(k + 1);
      i = end;
    } else {
      sql += c;
      ++i;
    }
  }
  values_.resize(params_.size());
  numbers_.resize(params_.size());
  std::unique_ptr<pg_result, ResultFree> prepared(
      PQprepare(conn_, name_.c_str(), sql.c_str(), 0, nullptr));
  check(prepared.get());
  prepared_ = true;
}

bool PgStatement::execute() {
  for (std::size_t k = 0; k < params_.size(); ++k) {
    const Use& u = uses_[params_[k]];
    if (u.ind != nullptr && *u.ind == soci::i_null) {
      values_[k] = nullptr;
      continue;
    }
    std::array<char, 24>& digits = numbers_[k];
    switch (u.kind) {
      case Kind::text:
        values_[k] = static_cast<const std::string*>(u.value)->c_str();
        continue;
      case Kind::int64:
        *std::to_chars(digits.data(), digits.data() + digits.size() - 1,
                       *static_cast<const std::int64_t*>(u.value))
             .ptr = '\0';
        break;
      case Kind::int32:
        *std::to_chars(digits.data(), digits.data() + digits.size() - 1,
                       *static_cast<const int*>(u.value))
             .ptr = '\0';
        break;
    }
    values_[k] = digits.data();
  }
  result_.reset(PQexecPrepared(conn_, name_.c_str(), static_cast<int>(params_.size()),
                               values_.data(), nullptr, nullptr, 0));
  check(result_.get());
  rows_ = PQntuples(result_.get());
  row_ = 0;
  if (rows_ == 0) return false;
  read_row(0);
  return true;
}

bool PgStatement::fetch() {
  if (!result_ || ++row_ >= rows_) return false;
  read_row(row_);
  return true;
}

long long PgStatement::get_affected_rows() const {
  if (!result_) return 0;
  const char* tuples = PQcmdTuples(result_.get());
  return *tuples == '\0' ? 0 : std::atoll(tuples);
}

void PgStatement::read_row(int row) {
  pg_result* r = result_.get();
  if (PQnfields(r) != static_cast<int>(intos_.size())) {
    throw soci::soci_error("The number of columns does not match the number of into elements");
  }
  for (std::size_t c = 0; c < intos_.size(); ++c) {
    const Into& into = intos_[c];
    const int column = static_cast<int>(c);
    if (PQgetisnull(r, row, column)) {
      if (into.ind == nullptr)
        throw soci::soci_error("Null value fetched and no indicator defined.");
      *into.ind = soci::i_null;
      continue;
    }
    if (into.ind != nullptr) *into.ind = soci::i_ok;
    const char* value = PQgetvalue(r, row, column);
    const int length = PQgetlength(r, row, column);
    switch (into.kind) {
      case Kind::text:
        static_cast<std::string*>(into.target)->assign(value, static_cast<std::size_t>(length));
        break;
      case Kind::int64:
        *static_cast<std::int64_t*>(into.target) = parse_int<std::int64_t>(value, length);
        break;
      case Kind::int32:
        *static_cast<int*>(into.target) = parse_int<int>(value, length);
        break;
    }
  }
}

void PgStatement::check(pg_result* result) const {
  const ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return;
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  // No SQLSTATE: the connection failed ("08006", connection_failure).
  if (state == nullptr) state = PQstatus(conn_) == CONNECTION_OK ? "XX000" : "08006";
  const char* message = result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn_);
  throw soci::postgresql_soci_error(message, state);
}

FastStatement::FastStatement(soci::session& sql) : soci_(std::in_place, sql) {}

bool FastStatement::execute(bool exchange_data) {
  return pg_ ? pg_->execute() : soci_->execute(exchange_data);
}

bool FastStatement::fetch() {
  return pg_ ? pg_->fetch() : soci_->fetch();
}

long long FastStatement::get_affected_rows() {
  return pg_ ? pg_->get_affected_rows() : soci_->get_affected_rows();
}

}  // namespace outpost::storage
