#include "engine/deadlines/calendar_service.hpp"

#include <utility>

namespace outpost {

Status CalendarService::refresh() {
  auto years = store_.load_years();
  if (!years) return years.error();
  std::lock_guard lock(mutex_);
  for (StoredCalendarYear& y : years.value()) {
    auto known = entered_.find(y.arrangement.year);
    if (known != entered_.end() && known->second.updated_at == y.updated_at &&
        known->second.updated_by == y.updated_by) {
      continue;
    }
    calendar_.year_table().put(y.arrangement);
    entered_[y.arrangement.year] = std::move(y);
  }
  return Ok{};
}

Result<StoredCalendarYear> CalendarService::put_year(const Actor& actor,
                                                     YearArrangement arrangement) {
  if (Status s = permissions_.check(Action::manage_calendar, actor); !s) return s.error();
  StoredCalendarYear y{std::move(arrangement), actor.username, clock_.now()};
  if (Status s = store_.save_year(y); !s) return s.error();
  std::lock_guard lock(mutex_);
  calendar_.year_table().put(y.arrangement);
  entered_[y.arrangement.year] = y;
  return y;
}

std::vector<CalendarYearInfo> CalendarService::list() const {
  const int this_year = calendar_.local_date(clock_.now()).year;
  std::map<int, CalendarYearInfo> years;
  for (const auto& [y, status] : calendar_.listed_years()) years[y] = {y, status, std::nullopt};
  for (int y : {this_year, this_year + 1}) {
    years.try_emplace(y, CalendarYearInfo{y, YearStatus::not_listed, std::nullopt});
  }
  {
    std::lock_guard lock(mutex_);
    for (const auto& [y, stored] : entered_) years[y] = {y, YearStatus::published, stored};
  }
  std::vector<CalendarYearInfo> out;
  for (auto& [y, info] : years) out.push_back(std::move(info));
  return out;
}

CalendarHealth CalendarService::health() const {
  const int this_year = calendar_.local_date(clock_.now()).year;
  CalendarHealth h{calendar_.years_without_holidays(this_year, this_year + 1), {}};
  for (int y : calendar_.year_table().fallback_years()) {
    if (!calendar_.years_without_holidays(y, y).empty()) h.fallback_used.insert(y);
  }
  return h;
}

}  // namespace outpost
