#include "adapters/storage/soci_report_store.hpp"

#include <string>

#include <soci/soci.h>

#include "adapters/storage/database_internals.hpp"
#include "adapters/storage/milestone_columns.hpp"

namespace outpost {
namespace {

using storage::Access;
using storage::Lease;
using storage::MilestoneRow;

// One scanned row as bound variables.
struct ScanRow {
  std::int64_t id = 0, created_at = 0, deadline = 0, returns = 0;
  soci::indicator deadline_ind = soci::i_null;
  std::string kind, state, community, grid, category, department, staff;
  soci::indicator staff_ind = soci::i_null;
  MilestoneRow milestones;

  void bind_into(soci::statement& st, bool per_staff) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(kind));
    st.exchange(soci::into(state));
    st.exchange(soci::into(community));
    st.exchange(soci::into(grid));
    st.exchange(soci::into(category));
    st.exchange(soci::into(department));
    st.exchange(soci::into(created_at));
    st.exchange(soci::into(deadline, deadline_ind));
    st.exchange(soci::into(returns));
    milestones.bind_into(st);
    if (per_staff) st.exchange(soci::into(staff, staff_ind));
  }

  void read_into(ReportCase& c) const {
    c.id = id;
    c.kind = parse_case_kind(kind).value_or(CaseKind::dispute);
    c.state = state;
    c.community = community;
    c.grid = grid;
    c.category = category;
    c.department = department;
    c.staff = staff_ind == soci::i_ok ? staff : std::string();
    c.created_at = created_at;
    c.deadline = deadline_ind == soci::i_ok ? std::optional<Millis>(deadline) : std::nullopt;
    c.returns = returns;
    c.milestones = milestones.to_milestones();
  }
};

}  // namespace

Status SociReportStore::scan_report_cases(const ReportScan& scan,
                                          const std::function<void(const ReportCase&)>& each) {
  return run<Ok>(db_, Access::read, "scan_report_cases", [&](Lease& lease) -> Result<Ok> {
    ScanRow row;
    ReportScan s = scan;
    soci::statement st(lease.sql());
    row.bind_into(st, s.per_staff);
    std::string text =
        "SELECT c.id, c.kind, c.state, c.community, c.grid, c.category, c.department,"
        " c.created_at, c.deadline, c.return_count, " +
        std::string(storage::kMilestoneColumns) + (s.per_staff ? ", a.assignee" : "") +
        " FROM cases c" +
        (s.per_staff ? " LEFT JOIN case_assignees a ON a.case_id = c.id"
                       " AND a.assignee NOT LIKE 'dept:%'"
                     : "") +
        " WHERE c.created_at >= :created_from AND c.created_at < :created_to";
    st.exchange(soci::use(s.created_from, "created_from"));
    st.exchange(soci::use(s.created_to, "created_to"));
    if (s.scope.department) {
      text += " AND c.department = :department";
      st.exchange(soci::use(*s.scope.department, "department"));
    }
    if (!s.scope.confidential) text += " AND c.confidential = 0";
    text += s.per_staff ? " ORDER BY c.id, a.assignee" : " ORDER BY c.id";
    st.alloc();
    st.prepare(text, soci::details::st_one_time_query);
    st.define_and_bind();
    ReportCase c;
    if (st.execute(true)) {
      do {
        row.read_into(c);
        each(c);
      } while (st.fetch());
    }
    return Ok{};
  });
}

}  // namespace outpost
