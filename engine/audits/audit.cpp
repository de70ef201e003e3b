#include "engine/audits/audit.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "engine/cases/audit_chain.hpp"

namespace outpost {
namespace {

std::pair<int, unsigned> year_quarter(Millis at) {
  using namespace std::chrono;
  const year_month_day ymd{floor<days>(sys_time<milliseconds>(milliseconds(at)))};
  return {static_cast<int>(ymd.year()), (static_cast<unsigned>(ymd.month()) - 1) / 3 + 1};
}

}  // namespace

const AuditFinding* Audit::finding_for_case(CaseId id) const {
  const auto it = std::find_if(findings.begin(), findings.end(),
                               [id](const AuditFinding& f) { return f.case_id == id; });
  return it == findings.end() ? nullptr : &*it;
}

const AuditFinding* Audit::finding(std::int64_t id) const {
  const auto it = std::find_if(findings.begin(), findings.end(),
                               [id](const AuditFinding& f) { return f.id == id; });
  return it == findings.end() ? nullptr : &*it;
}

bool Audit::in_sample(CaseId id) const {
  if (!sample) return false;
  const auto& ids = sample->draw.case_ids;
  return std::binary_search(ids.begin(), ids.end(), id);
}

std::string format_audit_number(Millis period_from, std::int64_t seq) {
  const auto [year, quarter] = year_quarter(period_from);
  char buf[48];
  std::snprintf(buf, sizeof buf, "SJ-%04d-Q%u-%03lld", year, quarter, static_cast<long long>(seq));
  return buf;
}

std::string audit_number_counter(Millis period_from) {
  const auto [year, quarter] = year_quarter(period_from);
  return "audit-" + std::to_string(year) + "-Q" + std::to_string(quarter);
}

std::string canonical_form(const AuditHistoryEntry& e) {
  return canonical_row("audit_id", e.audit_id, e);
}

void seal(AuditHistoryEntry& e, std::string_view prev_hash) {
  seal_row(e, prev_hash);
}

std::int64_t first_broken_link(const std::vector<AuditHistoryEntry>& entries) {
  return first_broken_link_of(entries);
}

}  // namespace outpost
