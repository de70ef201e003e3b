#include "adapters/storage/soci_report_store.hpp"

#include <algorithm>
#include <optional>
#include <string>

#include <soci/soci.h>

#include "adapters/storage/database_internals.hpp"

namespace outpost {
namespace {

using storage::Access;
using storage::Dialect;
using storage::Lease;
using storage::Transaction;

// The grouping values a scan selects, in the order of its keys.
struct KeyRow {
  ReportKeys keys;

  // The key columns' SQL (aliases c: cases, a: case_assignees).
  static std::string column(ReportGroup g, Dialect dialect) {
    switch (g) {
      case ReportGroup::community:
        return "c.community";
      case ReportGroup::grid:
        return "c.grid";
      case ReportGroup::category:
        return "c.category";
      case ReportGroup::department:
        return "c.department";
      case ReportGroup::staff:
        return "coalesce(a.assignee, '')";
      case ReportGroup::month:
      case ReportGroup::quarter:
        return dialect == Dialect::sqlite
                   ? "strftime('%Y-%m', (c.created_at + :utc_offset) / 1000, 'unixepoch')"
                   : "to_char(to_timestamp((c.created_at + :utc_offset) / 1000.0)"
                     " AT TIME ZONE 'UTC', 'YYYY-MM')";
    }
    return "''";
  }

  std::string& field(ReportGroup g) {
    switch (g) {
      case ReportGroup::community:
        return keys.community;
      case ReportGroup::grid:
        return keys.grid;
      case ReportGroup::category:
        return keys.category;
      case ReportGroup::department:
        return keys.department;
      case ReportGroup::staff:
        return keys.staff;
      case ReportGroup::month:
      case ReportGroup::quarter:
        break;
    }
    return keys.month;
  }

  // "k1, k2, " for the SELECT list, binding each into its field.
  std::string select(soci::statement& st, const ReportScan& scan, Dialect dialect) {
    std::string text;
    for (ReportGroup g : scan.keys) {
      text += column(g, dialect) + ", ";
      st.exchange(soci::into(field(g)));
    }
    return text;
  }
};

bool has_key(const ReportScan& scan, ReportGroup g) {
  return std::find(scan.keys.begin(), scan.keys.end(), g) != scan.keys.end();
}

// FROM and WHERE of the cohort, binding the scan's values.
std::string cohort(soci::statement& st, ReportScan& scan) {
  std::string text = " FROM cases c";
  if (has_key(scan, ReportGroup::staff)) {
    text += " LEFT JOIN case_assignees a ON a.case_id = c.id AND a.assignee NOT LIKE 'dept:%'";
  }
  text += " WHERE c.created_at >= :created_from AND c.created_at < :created_to";
  st.exchange(soci::use(scan.created_from, "created_from"));
  st.exchange(soci::use(scan.created_to, "created_to"));
  if (has_key(scan, ReportGroup::month)) st.exchange(soci::use(scan.utc_offset, "utc_offset"));
  if (scan.scope.department) {
    text += " AND c.department = :department";
    st.exchange(soci::use(*scan.scope.department, "department"));
  }
  if (!scan.scope.confidential) text += " AND c.confidential = 0";
  return text;
}

// The inputs of the counts, as grouped columns, then the class's sums.
constexpr const char* kClassColumns =
    "c.kind, CASE WHEN c.kpi_closed_at IS NULL THEN 0 ELSE 1 END,"
    " CASE WHEN c.deadline < :now THEN 1 ELSE 0 END,"
    " CASE WHEN c.kpi_performance_due <= :today THEN 1 ELSE 0 END,"
    " c.kpi_ack_in_time, c.kpi_visit, c.kpi_resolved, c.kpi_mediated, c.kpi_agreement,"
    " c.kpi_failed, c.kpi_refused, c.kpi_performed, c.kpi_judicial_applied,"
    " c.kpi_judicial_confirmed, count(*), CAST(sum(c.return_count) AS bigint),"
    " CAST(sum(c.kpi_arbitrations) AS bigint), CAST(sum(c.kpi_extensions) AS bigint),"
    " CAST(sum(c.kpi_extensions_approved) AS bigint), CAST(sum(c.kpi_escalations) AS bigint),"
    " CAST(sum(c.kpi_reworks) AS bigint)";
constexpr int kGroupedClassColumns = 14;

struct ClassRow {
  std::string kind, visit;
  int closed = 0, overdue = 0, due = 0, ack = 0, resolved = 0;
  soci::indicator ack_ind = soci::i_null, visit_ind = soci::i_null, resolved_ind = soci::i_null;
  int mediated = 0, agreement = 0, failed = 0, refused = 0, performed = 0;
  int judicial_applied = 0, judicial_confirmed = 0;
  std::int64_t weight = 0, returns = 0, arbitrations = 0, extensions = 0, approved = 0;
  std::int64_t escalations = 0, reworks = 0;
  std::int64_t parties = 0, agreement_written = 0, agreement_oral = 0, agreed_amount = 0;

  void bind(soci::statement& st) {
    st.exchange(soci::into(kind));
    st.exchange(soci::into(closed));
    st.exchange(soci::into(overdue));
    st.exchange(soci::into(due));
    st.exchange(soci::into(ack, ack_ind));
    st.exchange(soci::into(visit, visit_ind));
    st.exchange(soci::into(resolved, resolved_ind));
    for (int* flag : {&mediated, &agreement, &failed, &refused, &performed, &judicial_applied,
                      &judicial_confirmed}) {
      st.exchange(soci::into(*flag));
    }
    for (std::int64_t* sum :
         {&weight, &returns, &arbitrations, &extensions, &approved, &escalations, &reworks,
          &parties, &agreement_written, &agreement_oral, &agreed_amount}) {
      st.exchange(soci::into(*sum));
    }
  }

  void read_into(ReportClass& c) const {
    c.kind = parse_case_kind(kind).value_or(CaseKind::dispute);
    c.weight = weight;
    c.closed = closed != 0;
    c.overdue = overdue != 0;
    c.performance_due = due != 0;
    c.returns = returns;
    Milestones& m = c.milestones;
    m = Milestones{};
    if (ack_ind == soci::i_ok) m.acknowledged_in_time = ack != 0;
    if (visit_ind == soci::i_ok) m.visit_satisfaction = visit;
    if (resolved_ind == soci::i_ok) m.visit_resolved = resolved != 0;
    m.mediated = mediated != 0;
    m.agreement = agreement != 0;
    m.mediation_failed = failed != 0;
    m.refused = refused != 0;
    m.performed = performed != 0;
    m.judicial_applied = judicial_applied != 0;
    m.judicial_confirmed = judicial_confirmed != 0;
    m.arbitrations = arbitrations;
    m.extensions = extensions;
    m.extensions_approved = approved;
    m.escalations = escalations;
    m.reworks = reworks;
    c.parties = parties;
    c.agreement_written = agreement_written;
    c.agreement_oral = agreement_oral;
    c.agreed_amount = agreed_amount;
  }
};

struct SpanRow {
  std::int64_t id = 0, created_at = 0;
  std::int64_t times[3] = {0, 0, 0};
  soci::indicator inds[3] = {soci::i_null, soci::i_null, soci::i_null};

  void bind(soci::statement& st) {
    st.exchange(soci::into(created_at));
    for (int i = 0; i < 3; ++i) st.exchange(soci::into(times[i], inds[i]));
  }

  std::optional<Millis> time(int i) const {
    return inds[i] == soci::i_ok ? std::optional<Millis>(times[i]) : std::nullopt;
  }
};

void run_query(soci::statement& st, const std::string& text, const std::function<void()>& each) {
  st.alloc();
  st.prepare(text, soci::details::st_one_time_query);
  st.define_and_bind();
  if (st.execute(true)) {
    do {
      each();
    } while (st.fetch());
  }
}

// What a dispute's record holds for the summed figures, in each class's row
// (zero for requests): the parties named at registration (kpi_parties,
// stored with the case from its creating history row, migration 25), and,
// read in SQL from its facts' JSON (no JSON leaves the database), the form
// and amount of its latest agreement (facts.agreement_form,
// agreement_amount). Facts are parsed only when their text names an
// agreement_ key (boost::json::serialize writes keys unescaped): a LIKE is
// far cheaper than a parse, and most cases have no agreement.
std::string details_columns(Dialect dialect) {
  const std::string dispute = "c.kind = 'dispute'";
  const std::string parsed = "(CASE WHEN " + dispute +
                             " AND c.facts LIKE '%\"agreement\\_%' ESCAPE '\\' THEN " +
                             (dialect == Dialect::sqlite ? "c.facts" : "c.facts::json") + " END)";
  std::string form, amount;
  if (dialect == Dialect::sqlite) {
    form = "json_extract(" + parsed + ", '$.agreement_form')";
    amount = "json_extract(" + parsed + ", '$.agreement_amount')";
  } else {
    form = "(" + parsed + " ->> 'agreement_form')";
    amount = "(" + parsed + " ->> 'agreement_amount')::bigint";
  }
  return ", CAST(coalesce(sum(CASE WHEN " + dispute + " THEN c.kpi_parties END), 0) AS bigint)," +
         " CAST(sum(CASE WHEN " + form + " = 'written' THEN 1 ELSE 0 END) AS bigint)," +
         " CAST(sum(CASE WHEN " + form + " = 'oral' THEN 1 ELSE 0 END) AS bigint)," +
         " CAST(coalesce(sum(" + amount + "), 0) AS bigint)";
}

}  // namespace

Status SociReportStore::scan_report_classes(const ReportScan& scan,
                                            const std::function<void(const ReportClass&)>& each) {
  return run<Ok>(db_, Access::read, "scan_report_classes", [&](Lease& lease) -> Result<Ok> {
    ReportScan s = scan;
    KeyRow key;
    ClassRow row;
    // The classes are a few dozen rows, but PostgreSQL estimates their number
    // by multiplying the grouped columns' distinct values and, within the
    // default work_mem (4 MB), may then sort the whole cohort on disk to group
    // it instead of hashing it (a million cases: 1.6 s against 0.6 s).
    // Enough memory for the hash of that estimate, for this query alone.
    std::optional<Transaction> tx;
    if (lease.dialect() == Dialect::postgresql) {
      tx.emplace(lease.sql(), lease.dialect());
      lease.sql() << "SET LOCAL work_mem = '64MB'";
    }
    soci::statement st(lease.sql());
    std::string text = "SELECT " + key.select(st, s, lease.dialect());
    row.bind(st);
    text += kClassColumns + details_columns(lease.dialect()) + cohort(st, s);
    st.exchange(soci::use(s.now, "now"));
    st.exchange(soci::use(s.today, "today"));
    text += " GROUP BY ";
    const int grouped = static_cast<int>(s.keys.size()) + kGroupedClassColumns;
    for (int i = 1; i <= grouped; ++i) text += (i > 1 ? ", " : "") + std::to_string(i);
    ReportClass c;
    run_query(st, text, [&] {
      c.keys = key.keys;
      row.read_into(c);
      each(c);
    });
    if (tx) tx->commit();
    return Ok{};
  });
}

Status SociReportStore::scan_report_spans(const ReportScan& scan,
                                          const std::function<void(const ReportSpan&)>& each) {
  return run<Ok>(db_, Access::read, "scan_report_spans", [&](Lease& lease) -> Result<Ok> {
    ReportScan s = scan;
    KeyRow key;
    SpanRow row;
    soci::statement st(lease.sql());
    st.exchange(soci::into(row.id));
    std::string text = "SELECT c.id, " + key.select(st, s, lease.dialect()) +
                       "c.created_at, c.kpi_dispatched_at, c.kpi_handled_at, c.kpi_closed_at";
    row.bind(st);
    text += cohort(st, s) +
            " AND (c.kpi_dispatched_at IS NOT NULL OR c.kpi_handled_at IS NOT NULL"
            " OR c.kpi_closed_at IS NOT NULL)";
    if (has_key(s, ReportGroup::staff)) text += " ORDER BY c.id";
    ReportSpan span;
    run_query(st, text, [&] {
      span.id = row.id;
      span.keys = key.keys;
      span.created_at = row.created_at;
      span.dispatched_at = row.time(0);
      span.first_handled_at = row.time(1);
      span.closed_at = row.time(2);
      each(span);
    });
    return Ok{};
  });
}

}  // namespace outpost
