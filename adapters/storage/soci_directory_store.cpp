// SociDirectoryStore (soci_directory_store.hpp): departments and staff (migration v3).
#include "adapters/storage/soci_directory_store.hpp"

#include <string>
#include <utility>

#include <soci/soci.h>

#include "adapters/storage/database_internals.hpp"
#include "adapters/storage/dialect.hpp"
#include "adapters/storage/rows.hpp"

namespace outpost {

using storage::Access;
using storage::Dialect;
using storage::Lease;
using storage::run;
using storage::system_now;
using storage::Transaction;

namespace {

using storage::kStaffColumns;
using storage::order_by;
using storage::StaffRow;

// The directory's prepared statements on one connection.
struct DirectoryStatements final : storage::PreparedSet {
  static constexpr std::size_t kSlot = storage::kDirectoryStatementsSlot;
  DirectoryStatements(soci::session& sql, const PiiCipher*);

  StaffRow staff_row;
  std::string lookup_text;
  // lookup_text (a grid) -> staff_row: the grid's active grid leader with the
  // smallest id (byte-wise), if any. Prepared: an assign looks it up each time.
  soci::statement select_grid_leader;
};

DirectoryStatements::DirectoryStatements(soci::session& sql, const PiiCipher*)
    : select_grid_leader(storage::prepare(sql,
                                          std::string("SELECT ") + kStaffColumns +
                                              " FROM staff WHERE grid = :grid AND role = '" +
                                              std::string(kGridLeaderRole) + "' AND active = 1" +
                                              order_by(storage::dialect_of(sql), "id") + " LIMIT 1",
                                          [this](soci::statement& st) {
                                            staff_row.bind_into(st);
                                            st.exchange(soci::use(lookup_text, "grid"));
                                          })) {}

// INSERT of a StaffRow, prepared once per call; `conflict` finishes the statement.
soci::statement insert_staff_statement(soci::session& sql, StaffRow& row, const char* conflict) {
  return (sql.prepare << std::string("INSERT INTO staff (") + kStaffColumns +
                             ", updated_at) VALUES (:id, :name, :department, :role, :grid,"
                             " :micro_grid, :active, :updated_at) " +
                             conflict,
          soci::use(row.id, "id"), soci::use(row.name, "name"),
          soci::use(row.department, "department"), soci::use(row.role, "role"),
          soci::use(row.grid, "grid"), soci::use(row.micro_grid, "micro_grid"),
          soci::use(row.active, "active"), soci::use(row.updated_at, "updated_at"));
}

// Runs a SELECT of kStaffColumns whose inputs are already exchanged on `st`.
std::vector<StaffMember> fetch_staff(soci::statement& st, StaffRow& row, const std::string& text) {
  return storage::select_all(st, row, text, [](const StaffRow& r) { return r.to_staff(); });
}

}  // namespace

Result<std::vector<DepartmentEntry>> SociDirectoryStore::list_departments() {
  return run<std::vector<DepartmentEntry>>(db_, Access::read, "list_departments", [](Lease& lease) {
    DepartmentEntry d;
    int active = 0;
    soci::statement st = (lease.sql().prepare << "SELECT code, name, active FROM departments" +
                                                     order_by(lease.dialect(), "code"),
                          soci::into(d.code), soci::into(d.name), soci::into(active));
    std::vector<DepartmentEntry> out;
    if (st.execute(true)) {
      do {
        d.active = active != 0;
        out.push_back(d);
      } while (st.fetch());
    }
    return out;
  });
}

Status SociDirectoryStore::upsert_department(const DepartmentEntry& d) {
  return run<Ok>(db_, Access::write, "upsert_department", [&](Lease& lease) {
    std::string code = d.code;
    std::string name = d.name;
    int active = d.active ? 1 : 0;
    std::int64_t now = system_now();
    lease.sql()
        << "INSERT INTO departments (code, name, active, updated_at)"
           " VALUES (:code, :name, :active, :now) ON CONFLICT (code) DO UPDATE SET"
           " name = excluded.name, active = excluded.active, updated_at = excluded.updated_at",
        soci::use(code, "code"), soci::use(name, "name"), soci::use(active, "active"),
        soci::use(now, "now");
    return Ok{};
  });
}

Result<std::vector<StaffMember>> SociDirectoryStore::list_staff(const StaffFilter& filter) {
  return run<std::vector<StaffMember>>(db_, Access::read, "list_staff", [&](Lease& lease) {
    StaffRow row;
    soci::statement st(lease.sql());
    std::string text = std::string("SELECT ") + kStaffColumns + " FROM staff WHERE 1 = 1";
    const auto equals = [&](const std::optional<std::string>& value, const char* column) {
      if (!value) return;
      text += std::string(" AND ") + column + " = :" + column;
      st.exchange(soci::use(*value, column));
    };
    equals(filter.department, "department");
    equals(filter.grid, "grid");
    equals(filter.role, "role");
    const int active = filter.active.value_or(true) ? 1 : 0;
    if (filter.active) {
      text += " AND active = :active";
      st.exchange(soci::use(active, "active"));
    }
    return fetch_staff(st, row, text + order_by(lease.dialect(), "id"));
  });
}

Result<std::optional<StaffMember>> SociDirectoryStore::find_staff(std::string_view id) {
  return run<std::optional<StaffMember>>(
      db_, Access::read, "find_staff", [&](Lease& lease) -> std::optional<StaffMember> {
        StaffRow row;
        const std::string key(id);
        soci::statement st(lease.sql());
        st.exchange(soci::use(key, "id"));
        std::vector<StaffMember> found = fetch_staff(
            st, row, std::string("SELECT ") + kStaffColumns + " FROM staff WHERE id = :id");
        if (found.empty()) return std::nullopt;
        return found.front();
      });
}

Status SociDirectoryStore::create_staff(const StaffMember& s) {
  return run<Ok>(db_, Access::write, "create_staff", [&](Lease& lease) -> Status {
    StaffRow row;
    row.assign(s, system_now());
    soci::statement st = insert_staff_statement(lease.sql(), row, "ON CONFLICT (id) DO NOTHING");
    st.execute(true);
    if (st.get_affected_rows() == 0) {
      return Error::make(ErrorKind::already_exists, "a staff member with this id exists already");
    }
    return Ok{};
  });
}

Status SociDirectoryStore::upsert_staff(const StaffMember& s) {
  return run<Ok>(db_, Access::write, "upsert_staff", [&](Lease& lease) {
    StaffRow row;
    row.assign(s, system_now());
    soci::statement st = insert_staff_statement(
        lease.sql(), row,
        "ON CONFLICT (id) DO UPDATE SET name = excluded.name, department = excluded.department,"
        " role = excluded.role, grid = excluded.grid, micro_grid = excluded.micro_grid,"
        " active = excluded.active, updated_at = excluded.updated_at");
    st.execute(true);
    return Ok{};
  });
}

Status SociDirectoryStore::set_staff_active(std::string_view id, bool active) {
  return run<Ok>(db_, Access::write, "set_staff_active", [&](Lease& lease) -> Status {
    std::string key(id);
    int flag = active ? 1 : 0;
    std::int64_t now = system_now();
    soci::statement st =
        (lease.sql().prepare << "UPDATE staff SET active = :active, updated_at = :now"
                                " WHERE id = :id",
         soci::use(flag, "active"), soci::use(now, "now"), soci::use(key, "id"));
    st.execute(true);
    if (st.get_affected_rows() == 0) {
      return Error::make(ErrorKind::not_found, "no staff member with this id");
    }
    return Ok{};
  });
}

Result<std::optional<StaffMember>> SociDirectoryStore::find_grid_leader(std::string_view grid) {
  return run<std::optional<StaffMember>>(
      db_, Access::read, "find_grid_leader", [&](Lease& lease) -> std::optional<StaffMember> {
        DirectoryStatements& st = lease.prepared<DirectoryStatements>();
        st.lookup_text = grid;
        if (!storage::fetch_one(st.select_grid_leader)) return std::nullopt;
        return st.staff_row.to_staff();
      });
}

Result<DirectorySeed> SociDirectoryStore::seed_directory(
    const std::vector<DepartmentEntry>& departments, const std::vector<StaffMember>& staff) {
  return run<DirectorySeed>(db_, Access::write, "seed_directory", [&](Lease& lease) {
    soci::session& sql = lease.sql();
    const std::int64_t now = system_now();
    DirectorySeed seeded;
    Transaction tx(sql, lease.dialect());

    std::string code, name;
    int active = 1;
    soci::statement insert_department =
        (sql.prepare << "INSERT INTO departments (code, name, active, updated_at)"
                        " VALUES (:code, :name, :active, :now) ON CONFLICT (code) DO NOTHING",
         soci::use(code, "code"), soci::use(name, "name"), soci::use(active, "active"),
         soci::use(now, "now"));
    for (const DepartmentEntry& d : departments) {
      code = d.code;
      name = d.name;
      active = d.active ? 1 : 0;
      insert_department.execute(true);
      seeded.departments += static_cast<int>(insert_department.get_affected_rows());
    }

    std::int64_t existing = 0;
    sql << "SELECT count(*) FROM staff", soci::into(existing);
    if (existing == 0) {
      StaffRow row;
      soci::statement insert = insert_staff_statement(sql, row, "ON CONFLICT (id) DO NOTHING");
      for (const StaffMember& s : staff) {
        row.assign(s, now);
        insert.execute(true);
        seeded.staff += static_cast<int>(insert.get_affected_rows());
      }
    }
    tx.commit();
    return seeded;
  });
}

}  // namespace outpost
