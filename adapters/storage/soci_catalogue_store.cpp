// SociCatalogueStore (soci_catalogue_store.hpp): the catalogue's editions (migration 18).
#include "adapters/storage/soci_catalogue_store.hpp"

#include <string>

#include <soci/soci.h>

#include "adapters/storage/database_internals.hpp"

namespace outpost {

using storage::Access;
using storage::Lease;
using storage::run;
using storage::Transaction;

Result<std::optional<CatalogueEdition>> SociCatalogueStore::load_current() {
  return run<std::optional<CatalogueEdition>>(
      db_, Access::read, "load_catalogue", [&](Lease& lease) {
        soci::session& sql = lease.sql();
        CatalogueEdition e;
        soci::indicator ind = soci::i_null;
        sql << "SELECT version, document, updated_at, updated_by FROM catalogue_editions"
               " ORDER BY version DESC LIMIT 1",
            soci::into(e.version, ind), soci::into(e.document), soci::into(e.updated_at),
            soci::into(e.updated_by);
        if (!sql.got_data()) return std::optional<CatalogueEdition>{};
        return std::optional<CatalogueEdition>{std::move(e)};
      });
}

Result<std::int64_t> SociCatalogueStore::current_version() {
  return run<std::int64_t>(db_, Access::read, "catalogue_version", [&](Lease& lease) {
    std::int64_t version = 0;
    soci::indicator ind = soci::i_null;
    lease.sql() << "SELECT max(version) FROM catalogue_editions", soci::into(version, ind);
    return ind == soci::i_ok ? version : std::int64_t{0};
  });
}

Status SociCatalogueStore::save(const CatalogueEdition& edition) {
  auto stored = run<bool>(db_, Access::write, "save_catalogue", [&](Lease& lease) {
    soci::session& sql = lease.sql();
    Transaction tx(sql, lease.dialect());
    std::int64_t version = edition.version, at = edition.updated_at;
    std::string document = edition.document, by = edition.updated_by;
    // The next number only: a concurrent writer's row makes this one stale.
    std::int64_t newest = 0;
    soci::indicator ind = soci::i_null;
    sql << "SELECT max(version) FROM catalogue_editions", soci::into(newest, ind);
    if (ind != soci::i_ok) newest = 0;
    if (newest != version - 1) return false;
    soci::statement insert =
        (sql.prepare << "INSERT INTO catalogue_editions (version, document, updated_at, updated_by)"
                        " VALUES (:version, :document, :updated_at, :updated_by)"
                        " ON CONFLICT (version) DO NOTHING",
         soci::use(version, "version"), soci::use(document, "document"),
         soci::use(at, "updated_at"), soci::use(by, "updated_by"));
    insert.execute(true);
    if (insert.get_affected_rows() != 1) return false;
    tx.commit();
    return true;
  });
  if (!stored) return stored.error();
  if (!stored.value()) {
    return Error::make(ErrorKind::stale_version, "another catalogue edition was stored first");
  }
  return Ok{};
}

Result<std::vector<CatalogueEdition>> SociCatalogueStore::list_editions() {
  return run<std::vector<CatalogueEdition>>(
      db_, Access::read, "list_catalogue_editions", [&](Lease& lease) {
        soci::session& sql = lease.sql();
        std::vector<CatalogueEdition> out;
        CatalogueEdition e;
        soci::statement st =
            (sql.prepare << "SELECT version, updated_at, updated_by"
                            " FROM catalogue_editions ORDER BY version DESC",
             soci::into(e.version), soci::into(e.updated_at), soci::into(e.updated_by));
        st.execute();
        while (st.fetch()) out.push_back(e);
        return out;
      });
}

Result<std::vector<CategoryUse>> SociCatalogueStore::category_use() {
  return run<std::vector<CategoryUse>>(db_, Access::read, "category_use", [&](Lease& lease) {
    soci::session& sql = lease.sql();
    std::vector<CategoryUse> out;
    CategoryUse u;
    soci::statement st =
        (sql.prepare << "SELECT kind, category, count(*) FROM cases GROUP BY kind, category",
         soci::into(u.kind), soci::into(u.code), soci::into(u.cases));
    st.execute();
    while (st.fetch()) out.push_back(u);
    return out;
  });
}

}  // namespace outpost
