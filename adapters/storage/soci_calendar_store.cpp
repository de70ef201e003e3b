// SociCalendarStore (soci_calendar_store.hpp): entered calendar years (migration 16).
#include "adapters/storage/soci_calendar_store.hpp"

#include <cstdio>
#include <map>
#include <string>

#include <soci/soci.h>

#include "adapters/storage/database_internals.hpp"

namespace outpost {

using storage::Access;
using storage::Lease;
using storage::run;
using storage::Transaction;

namespace {

// Only dates this store wrote itself: "YYYY-MM-DD".
LocalDate parse_stored_date(const std::string& s) {
  LocalDate d;
  if (std::sscanf(s.c_str(), "%d-%d-%d", &d.year, &d.month, &d.day) != 3) {
    throw std::runtime_error("storage: calendar_days holds a date that is not YYYY-MM-DD");
  }
  return d;
}

void insert_day(soci::session& sql, int year, const std::string& kind, const std::string& name,
                LocalDate first, LocalDate last) {
  int y = year;
  std::string k = kind, n = name, f = to_string(first), l = to_string(last);
  sql << "INSERT INTO calendar_days (year, kind, name, first_day, last_day)"
         " VALUES (:year, :kind, :name, :first_day, :last_day)",
      soci::use(y, "year"), soci::use(k, "kind"), soci::use(n, "name"), soci::use(f, "first_day"),
      soci::use(l, "last_day");
}

}  // namespace

Result<std::vector<StoredCalendarYear>> SociCalendarStore::load_years() {
  return run<std::vector<StoredCalendarYear>>(
      db_, Access::read, "load_calendar_years", [&](Lease& lease) {
        soci::session& sql = lease.sql();
        std::map<int, StoredCalendarYear> years;
        StoredCalendarYear row;
        int year = 0;
        soci::statement head = (sql.prepare << "SELECT year, source, updated_at, updated_by"
                                               " FROM calendar_years ORDER BY year",
                                soci::into(year), soci::into(row.arrangement.source),
                                soci::into(row.updated_at), soci::into(row.updated_by));
        head.execute();
        while (head.fetch()) {
          row.arrangement.year = year;
          years[year] = row;
        }
        std::string kind, name, first, last;
        soci::statement days = (sql.prepare << "SELECT year, kind, name, first_day, last_day"
                                               " FROM calendar_days ORDER BY year, first_day",
                                soci::into(year), soci::into(kind), soci::into(name),
                                soci::into(first), soci::into(last));
        days.execute();
        while (days.fetch()) {
          YearArrangement& a = years.at(year).arrangement;
          if (kind == "holiday") {
            a.holidays.push_back({parse_stored_date(first), parse_stored_date(last), name});
          } else {
            a.make_up_days.push_back(parse_stored_date(first));
          }
        }
        std::vector<StoredCalendarYear> out;
        for (auto& [y, stored] : years) out.push_back(std::move(stored));
        return out;
      });
}

Status SociCalendarStore::save_year(const StoredCalendarYear& stored) {
  return run<Ok>(db_, Access::write, "save_calendar_year", [&](Lease& lease) {
    soci::session& sql = lease.sql();
    Transaction tx(sql, lease.dialect());
    const YearArrangement& a = stored.arrangement;
    int year = a.year;
    std::string source = a.source, by = stored.updated_by;
    std::int64_t at = stored.updated_at;
    sql << "DELETE FROM calendar_days WHERE year = :year", soci::use(year, "year");
    sql << "INSERT INTO calendar_years (year, source, updated_at, updated_by)"
           " VALUES (:year, :source, :updated_at, :updated_by) ON CONFLICT (year) DO UPDATE SET"
           " source = excluded.source, updated_at = excluded.updated_at,"
           " updated_by = excluded.updated_by",
        soci::use(year, "year"), soci::use(source, "source"), soci::use(at, "updated_at"),
        soci::use(by, "updated_by");
    for (const HolidayRange& h : a.holidays) insert_day(sql, year, "holiday", h.name, h.from, h.to);
    for (LocalDate d : a.make_up_days) insert_day(sql, year, "make_up", "", d, d);
    tx.commit();
    return Ok{};
  });
}

}  // namespace outpost
