#include "adapters/cli/backup_commands.hpp"

#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>

#include "adapters/config/secret_file.hpp"
#include "adapters/storage/database.hpp"
#include "adapters/storage/database_copy.hpp"

extern char** environ;

namespace outpost::cli {
namespace {

namespace fs = std::filesystem;
using storage::CopyProgress;

constexpr std::string_view kSqlite = "sqlite:";

int fail(int code, const std::string& message) {
  std::cerr << "outpost: " << message << "\n";
  return code;
}

// Seconds since `start`, for the verdict lines.
std::string seconds_since(std::chrono::steady_clock::time_point start) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + " s";
}

bool is_postgresql(const std::string& url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

// Progress on standard error, at most once a second and at each end.
CopyProgress progress_printer(std::string command) {
  auto last = std::make_shared<std::chrono::steady_clock::time_point>();
  return [command = std::move(command), last](std::string_view what, std::int64_t done,
                                              std::int64_t total) {
    const auto now = std::chrono::steady_clock::now();
    if (done < total && now - *last < std::chrono::seconds(1)) return;
    *last = now;
    std::cerr << "outpost " << command << ": " << what << " " << done << "/" << total << "\n";
  };
}

// The key files an embedded SQLite outpost keeps beside its database when no
// setting names them (adapters/config/pii_key.hpp, signing_key.hpp).
std::vector<std::string> default_key_suffixes(const config::Settings& s) {
  std::vector<std::string> suffixes;
  const char* pii_env = std::getenv("OUTPOST_PII_KEY");
  if (s.pii_key_file.empty() && !(pii_env && *pii_env)) suffixes.emplace_back(".key");
  if (s.audit_signing_key_file.empty()) suffixes.emplace_back(".signing-key");
  return suffixes;
}

// Copies each existing `from`+suffix to `to`+suffix (mode 0600); a different
// key already at `to`+suffix is refused, never replaced.
Status copy_key_files(const std::string& from, const std::string& to,
                      const std::vector<std::string>& suffixes) {
  for (const std::string& suffix : suffixes) {
    if (!fs::exists(from + suffix)) continue;
    auto key = config::read_secret_file(from + suffix);
    if (!key) return key.error();
    if (fs::exists(to + suffix)) {
      auto present = config::read_secret_file(to + suffix);
      if (present && present.value() == key.value()) continue;
      return Error::make(ErrorKind::already_exists,
                         to + suffix + " holds another key than " + from + suffix +
                             ": move it away first (the restored data needs the backup's key)");
    }
    if (Status made = config::create_secret_file(to + suffix, key.value()); !made) return made;
    std::cerr << "outpost: key file " << from + suffix << " copied to " << to + suffix << "\n";
  }
  return Ok{};
}

// Runs pg_dump or pg_restore (found on PATH) with the password, if any, in
// its environment only; returns its exit code, or -1 when it cannot start.
int run_tool(const std::string& tool, const std::vector<std::string>& args,
             const std::string& password) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    if (!std::string_view(*e).starts_with("PGPASSWORD=")) env.emplace_back(*e);
  }
  if (!password.empty()) env.push_back("PGPASSWORD=" + password);
  std::vector<char*> argv{const_cast<char*>(tool.c_str())};
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, tool.c_str(), nullptr, nullptr, argv.data(), envp.data()) != 0) {
    std::cerr << "outpost: cannot run " << tool
              << " (install postgresql-client, or put it on PATH)\n";
    return -1;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Writes through `write(partial)` and renames the result to `out`, so a
// failed or interrupted backup never leaves a file named `out`.
int write_then_rename(const std::string& out,
                      const std::function<Status(const std::string&)>& write) {
  if (fs::exists(out)) return fail(2, out + " exists: choose another --out, or remove it first");
  const std::string partial = out + ".partial";
  const auto started = std::chrono::steady_clock::now();
  std::error_code ec;
  fs::remove(partial, ec);
  if (Status written = write(partial); !written) {
    fs::remove(partial, ec);
    return fail(1, "backup failed: " + written.error().message);
  }
  fs::rename(partial, out, ec);
  if (ec) return fail(1, "cannot rename " + partial + " to " + out + ": " + ec.message());
  std::cout << "备份完成 / backup written: " << out << " (" << fs::file_size(out, ec)
            << " bytes) in " << seconds_since(started) << "\n";
  return 0;
}

Status run_pg_tool(const std::string& tool, const std::string& url, std::vector<std::string> args) {
  auto connection = storage::tool_connection(url);
  if (!connection) return connection.error();
  args.insert(args.begin(), "--dbname=" + connection.value().conninfo);
  const int code = run_tool(tool, args, connection.value().password);
  if (code != 0) {
    return Error::make(ErrorKind::unavailable, tool + " failed (exit " + std::to_string(code) +
                                                   "; its messages are above)");
  }
  return Ok{};
}

}  // namespace

BackupCommands::BackupCommands(CLI::App& app, const std::function<void(CLI::App*)>& add_common) {
  backup_ = app.add_subcommand(
      "backup",
      "Back up the database while it runs (SQLite online backup; PostgreSQL pg_dump -Fc)");
  add_common(backup_);
  backup_->add_option("--out", out_, "The backup file to write (must not exist)")->required();
  restore_ = app.add_subcommand("restore",
                                "Restore a backup into --database, then verify the history chains");
  add_common(restore_);
  restore_->add_option("--from", from_, "The backup file (from `outpost backup`)")->required();
  restore_->add_flag("--force", force_, "Replace a target database that is not empty");
  migrate_ = app.add_subcommand("migrate-to-postgresql",
                                "Copy an SQLite outpost into an empty PostgreSQL database");
  add_common(migrate_);
  migrate_->add_option("--from", from_, "sqlite:PATH (default: the configured database)");
  migrate_->add_option("--to", to_, "postgresql://… (an empty database)")->required();
}

std::optional<int> BackupCommands::run(const WithSettings& with_settings,
                                       const WithStoresAt& with_stores_at) {
  if (backup_->parsed()) {
    return with_settings([this](const config::Settings& s) { return backup(s); });
  }
  if (restore_->parsed()) {
    return with_settings(
        [&, this](const config::Settings& s) { return restore(s, with_stores_at); });
  }
  if (migrate_->parsed()) {
    return with_settings(
        [&, this](const config::Settings& s) { return migrate_to_postgresql(s, with_stores_at); });
  }
  return std::nullopt;
}

int BackupCommands::backup(const config::Settings& s) {
  if (is_postgresql(s.database)) {
    return write_then_rename(out_, [&](const std::string& partial) {
      return run_pg_tool("pg_dump", s.database,
                         {"--format=custom", "--verbose", "--file=" + partial});
    });
  }
  const std::string path = s.database.substr(kSqlite.size());
  const int code = write_then_rename(out_, [&](const std::string& partial) {
    return storage::sqlite_online_backup(path, partial, progress_printer("backup"));
  });
  if (code != 0) return code;
  if (Status keys = copy_key_files(path, out_, default_key_suffixes(s)); !keys) {
    return fail(1, "backup written, but its key files were not: " + keys.error().message);
  }
  return 0;
}

int BackupCommands::restore(const config::Settings& s, const WithStoresAt& with_stores_at) {
  if (!fs::exists(from_)) return fail(2, from_ + " does not exist");
  auto contents = storage::inspect_database(s.database);
  if (!contents) return fail(1, "restore: " + contents.error().message);
  const bool postgresql = is_postgresql(s.database);
  if (!force_ &&
      (!contents.value().filled.empty() || (postgresql && contents.value().tables > 0))) {
    return fail(2, "restore refused: the target database is not empty (" +
                       (contents.value().filled.empty()
                            ? std::string("it has tables")
                            : "table " + contents.value().filled.front() + " holds rows") +
                       "); restore into a new database, or pass --force to replace it. Nothing "
                       "was changed.");
  }
  const auto started = std::chrono::steady_clock::now();
  Status restored = Ok{};
  if (postgresql) {
    std::vector<std::string> args{"--no-owner", "--no-acl", "--single-transaction",
                                  "--exit-on-error", "--verbose"};
    if (force_) args.insert(args.end(), {"--clean", "--if-exists"});
    args.push_back(from_);
    restored = run_pg_tool("pg_restore", s.database, args);
  } else {
    const std::string path = s.database.substr(kSqlite.size());
    auto source = storage::inspect_database(std::string(kSqlite) + from_);
    if (!source || source.value().tables == 0) return fail(2, from_ + " is not an outpost backup");
    std::error_code ec;
    if (fs::path(path).has_parent_path()) fs::create_directories(fs::path(path).parent_path(), ec);
    if (Status keys = copy_key_files(from_, path, default_key_suffixes(s)); !keys) {
      const bool refused = keys.error().kind == ErrorKind::already_exists;
      return fail(refused ? 2 : 1, "restore " + std::string(refused ? "refused" : "failed") + ": " +
                                       keys.error().message);
    }
    restored = storage::sqlite_online_backup(from_, path, progress_printer("restore"));
  }
  if (!restored) return fail(1, "restore failed: " + restored.error().message);
  std::cout << "恢复完成 / restored " << from_ << " into the "
            << (postgresql ? "PostgreSQL" : "SQLite") << " database in " << seconds_since(started)
            << "; verifying the history\n";
  return with_stores_at(s.database, [](Stores& stores, const config::Settings& target) {
    return verify_history(stores, target, std::nullopt);
  });
}

int BackupCommands::migrate_to_postgresql(const config::Settings& s,
                                          const WithStoresAt& with_stores_at) {
  const std::string from = from_.empty() ? s.database : from_;
  if (!from.starts_with(kSqlite)) return fail(2, "--from must be sqlite:PATH");
  if (!is_postgresql(to_)) return fail(2, "--to must be a postgresql:// URL");
  const std::string path = from.substr(kSqlite.size());
  if (!fs::exists(path)) return fail(2, path + " does not exist");
  auto target = storage::inspect_database(to_);
  if (!target) return fail(1, "migrate-to-postgresql: " + target.error().message);
  if (!target.value().filled.empty()) {
    return fail(2, "migrate-to-postgresql refused: the PostgreSQL database is not empty (table " +
                       target.value().filled.front() +
                       " holds rows); give it an empty database. Nothing was changed.");
  }
  for (const std::string& url : {from, to_}) {
    auto db = open_database(url);
    auto applied = db ? db.value()->migrate() : Result<std::vector<std::string>>(db.error());
    if (!applied) return fail(1, "migrate-to-postgresql: " + applied.error().message);
  }
  const auto started = std::chrono::steady_clock::now();
  auto copied = storage::copy_sqlite_to_postgresql(path, to_, progress_printer("migrate"));
  if (!copied) {
    return fail(1, "migrate-to-postgresql failed, the PostgreSQL database is left empty: " +
                       copied.error().message);
  }
  std::int64_t rows = 0;
  for (const auto& t : copied.value()) rows += t.rows;
  std::cout << "迁移完成 / copied " << rows << " rows in " << copied.value().size() << " tables in "
            << seconds_since(started) << "; each table's row count matches the SQLite database\n";
  return with_stores_at(to_, [](Stores& stores, const config::Settings& target) {
    return verify_history(stores, target, std::nullopt);
  });
}

}  // namespace outpost::cli
