#include "adapters/storage/migration_access_generation.hpp"

namespace outpost::storage {
namespace {

constexpr const char* kBump =
    "UPDATE access_generation SET generation = generation + 1 WHERE id = 1";

// SQLite triggers are per row and per event; PostgreSQL's run once per
// statement through one function.
std::vector<std::string> triggers(Dialect dialect) {
  std::vector<std::string> out;
  if (dialect == Dialect::sqlite) {
    for (const char* table : {"tokens", "users"}) {
      for (const char* event : {"UPDATE", "DELETE"}) {
        out.push_back(std::string("CREATE TRIGGER ") + table + "_" + event +
                      "_access_generation AFTER " + event + " ON " + table + " BEGIN " + kBump +
                      "; END");
      }
    }
    return out;
  }
  out.push_back(std::string("CREATE FUNCTION raise_access_generation() RETURNS trigger"
                            " LANGUAGE plpgsql AS $$ BEGIN ") +
                kBump + "; RETURN NULL; END $$");
  for (const char* table : {"tokens", "users"}) {
    out.push_back(std::string("CREATE TRIGGER ") + table + "_access_generation AFTER UPDATE OR" +
                  " DELETE ON " + table +
                  " FOR EACH STATEMENT EXECUTE FUNCTION raise_access_generation()");
  }
  return out;
}

}  // namespace

Migration access_generation_migration(Dialect dialect) {
  Migration m{22,
              "access_generation",
              {"CREATE TABLE access_generation ("
               " id integer PRIMARY KEY,"
               " generation bigint NOT NULL)",
               "INSERT INTO access_generation (id, generation) VALUES (1, 0)",
               "CREATE INDEX cases_updated_at ON cases (updated_at, id)",
               "CREATE INDEX cases_deadline ON cases ((deadline IS NULL), deadline, id)",
               "CREATE INDEX cases_community_state ON cases (community, state, id)"}};
  for (std::string& t : triggers(dialect)) m.statements.push_back(std::move(t));
  return m;
}

}  // namespace outpost::storage
