#!/usr/bin/env bash
# The KPI report scenario (issue 15): one quarter's figures over the stored
# cases, `outpost report kpis` against the equivalent GROUP BY in psql, side
# by side, alternating, several times. bench/run calls it on the PostgreSQL
# database it bulk-loaded (bench/bulk_load.sql: 1,000,000 cases received in
# 2026 Q1); it can also run on its own against any migrated database.
#
#   bench/kpi.sh OUTPOST_BINARY DATABASE_URL [REPETITIONS] >>results.txt
#
# Prints one line for bench/report.py:
#   kpi cases=N from=… to=… runs=R engine_s=… psql_s=… ratio=…
# (medians of the wall times, each including process start and connection).
# The engine: every figure of docs/REPORTS.md, totals (no group_by), as JSON.
# psql: the same cohort's counts and ratios in one GROUP BY-less aggregate and
# the medians and 90th percentiles of the three spans with percentile_disc —
# in calendar hours, since SQL knows no working-day calendar: the engine does
# strictly more work.
set -euo pipefail

readonly PG_BIN=/usr/lib/postgresql/15/bin
outpost=$1 db=$2 reps=${3:-5}
from=2026-01-01 to=2026-03-31
# The cohort: local dates (+08:00), both included.
created_from=$(($(date -u -d "$from" +%s) * 1000 - 8 * 3600000))
created_to=$(($(date -u -d "$to + 1 day" +%s) * 1000 - 8 * 3600000))

read -r -d '' group_by_sql <<SQL || true
SELECT count(*) AS received,
       sum(CASE WHEN kind = 'dispute' THEN 1 ELSE 0 END) AS disputes,
       sum(CASE WHEN kind = 'request' THEN 1 ELSE 0 END) AS requests,
       sum(CASE WHEN kpi_closed_at IS NULL THEN 1 ELSE 0 END) AS open_now,
       sum(CASE WHEN deadline < $(date +%s)000 THEN 1 ELSE 0 END) AS overdue_now,
       sum(CASE WHEN kind = 'request' AND kpi_ack_in_time = 1 THEN 1 ELSE 0 END) AS ack_in_time,
       sum(CASE WHEN kind = 'request' AND kpi_ack_in_time IS NOT NULL THEN 1 ELSE 0 END) AS ack_decided,
       sum(CASE WHEN kpi_visit IS NOT NULL THEN 1 ELSE 0 END) AS visited,
       sum(CASE WHEN kpi_visit IS NOT NULL AND kpi_resolved = 1 THEN 1 ELSE 0 END) AS resolved,
       sum(CASE WHEN kpi_visit <> 'dissatisfied' THEN 1 ELSE 0 END) AS satisfied,
       sum(CASE WHEN kpi_visit = 'dissatisfied' THEN 1 ELSE 0 END) AS dissatisfied,
       sum(kpi_mediated) AS mediated, sum(kpi_mediated * kpi_agreement) AS agreed,
       sum(CASE WHEN kpi_refused = 1 OR kpi_failed = 1 THEN 1 ELSE 0 END) AS refused_or_failed,
       sum(CASE WHEN kpi_agreement = 1 AND (kpi_performed = 1
                OR kpi_performance_due <= to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'))
           THEN 1 ELSE 0 END) AS due,
       sum(kpi_performed * kpi_agreement) AS performed,
       sum(kpi_judicial_applied) AS judicial_applied, sum(kpi_judicial_confirmed) AS confirmed,
       sum(return_count) AS returns, sum(kpi_arbitrations) AS arbitrations,
       sum(kpi_extensions) AS extensions, sum(kpi_extensions_approved) AS approved,
       sum(kpi_escalations) AS escalations,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY kpi_dispatched_at - created_at) AS dispatch_p50,
       percentile_disc(0.9) WITHIN GROUP (ORDER BY kpi_dispatched_at - created_at) AS dispatch_p90,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY kpi_handled_at - created_at) AS handled_p50,
       percentile_disc(0.9) WITHIN GROUP (ORDER BY kpi_handled_at - created_at) AS handled_p90,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY kpi_closed_at - created_at) AS closed_p50,
       percentile_disc(0.9) WITHIN GROUP (ORDER BY kpi_closed_at - created_at) AS closed_p90
  FROM cases WHERE created_at >= $created_from AND created_at < $created_to
SQL

now_s() { date +%s.%N; }
median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

cases=$("$PG_BIN/psql" -X -At -c "SELECT count(*) FROM cases WHERE created_at >= $created_from AND created_at < $created_to" "$db")
engine_times=() psql_times=()
for ((i = 0; i < reps; i++)); do
  t0=$(now_s)
  "$outpost" report kpis --database "$db" --from "$from" --to "$to" --format json \
    --log-level warn >/dev/null
  t1=$(now_s)
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -c "$group_by_sql" "$db" >/dev/null
  t2=$(now_s)
  engine_times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')")
  psql_times+=("$(awk -v a="$t1" -v b="$t2" 'BEGIN {print b - a}')")
done
engine=$(printf '%s\n' "${engine_times[@]}" | median)
psql=$(printf '%s\n' "${psql_times[@]}" | median)
printf 'kpi cases=%s from=%s to=%s runs=%s engine_s=%.3f psql_s=%.3f ratio=%.2f\n' \
  "$cases" "$from" "$to" "$reps" "$engine" "$psql" "$(awk -v e="$engine" -v p="$psql" 'BEGIN {print e / p}')"
