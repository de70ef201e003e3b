#include "engine/directory/catalogue_service.hpp"

#include <map>
#include <utility>

namespace outpost {
namespace {

std::string path_of_kind(const std::string& kind) {
  return "categories." + kind;
}

}  // namespace

Result<std::shared_ptr<const CatalogueState>> CatalogueService::read(
    CatalogueEdition edition) const {
  auto parsed = parse_(edition.document);
  if (!parsed) return parsed.error();
  return std::make_shared<const CatalogueState>(CatalogueState{
      std::move(edition), std::make_shared<const Catalogue>(std::move(parsed.value().catalogue)),
      std::move(parsed.value().policy)});
}

void CatalogueService::put_in_force(std::shared_ptr<const CatalogueState> state) {
  current_ = std::move(state);
  for (const auto& listener : listeners_) listener(*current_);
}

Status CatalogueService::start(const std::string& seed) {
  auto stored = store_.load_current();
  if (!stored) return stored.error();
  if (!stored.value()) {
    // Checked before it is stored: a bad seed stores nothing.
    if (auto checked = parse_(seed); !checked) return checked.error();
    const CatalogueEdition first{1, seed, "config", clock_.now()};
    Status saved = store_.save(first);
    if (!saved && saved.error().kind != ErrorKind::stale_version) return saved.error();
    stored = store_.load_current();  // ours, or the one another process stored first
    if (!stored) return stored.error();
    if (!stored.value()) return Error::make(ErrorKind::internal, "the seed edition is not stored");
  }
  auto state = read(std::move(*stored.value()));
  if (!state) return state.error();
  std::lock_guard lock(mutex_);
  put_in_force(std::move(state.value()));
  return Ok{};
}

Status CatalogueService::refresh() {
  auto version = store_.current_version();
  if (!version) return version.error();
  {
    std::lock_guard lock(mutex_);
    if (current_ && current_->edition.version >= version.value()) return Ok{};
  }
  auto stored = store_.load_current();
  if (!stored) return stored.error();
  if (!stored.value()) return Ok{};
  auto state = read(std::move(*stored.value()));
  if (!state) return state.error();
  std::lock_guard lock(mutex_);
  if (current_ && current_->edition.version >= state.value()->edition.version) return Ok{};
  put_in_force(std::move(state.value()));
  return Ok{};
}

std::shared_ptr<const CatalogueState> CatalogueService::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

Status CatalogueService::check_change(const Catalogue& before, const Catalogue& after) {
  std::vector<FieldError> problems;
  for (const Department& d : before.departments()) {
    if (after.find_department(d.code) == nullptr) {
      problems.push_back(
          {"departments", "部门“" + d.name + "”（" + d.code +
                              "）不能从目录中删除：人员和案件引用它；可改名，或在部门管理中停用 "
                              "(department '" +
                              d.code + "' cannot be removed: staff and cases name it)"});
    }
  }
  std::map<std::pair<std::string, std::string>, std::int64_t> used;
  bool counted = false;
  for (const Category& c : before.categories()) {
    if (after.find_category(c.kind, c.code) != nullptr) continue;
    if (!counted) {
      auto uses = store_.category_use();
      if (!uses) return uses.error();
      for (const CategoryUse& u : uses.value()) used[{u.kind, u.code}] = u.cases;
      counted = true;
    }
    const auto n = used.find({c.kind, c.code});
    if (n == used.end() || n->second == 0) continue;
    problems.push_back({path_of_kind(c.kind),
                        "类别“" + c.name + "”（" + c.code + "）已有 " + std::to_string(n->second) +
                            " 件案件使用，不能删除；请改为停用（\"active\": false） (category '" +
                            c.code + "' is used by " + std::to_string(n->second) +
                            " cases: mark it \"active\": false instead of removing it)"});
  }
  if (problems.empty()) return Ok{};
  return Error::invalid_fields(std::move(problems), "the catalogue change is not allowed");
}

Result<std::shared_ptr<const CatalogueState>> CatalogueService::replace(
    const Actor& actor, std::int64_t expected_version, const std::string& document) {
  if (Status s = permissions_.check(Action::manage_catalogue, actor); !s) return s.error();
  if (Status s = refresh(); !s) return s.error();
  const std::shared_ptr<const CatalogueState> before = current();
  if (!before) return Error::make(ErrorKind::unavailable, "the catalogue is not loaded");
  if (before->edition.version != expected_version) {
    return Error::make(ErrorKind::stale_version,
                       "目录已被修改（当前版本 " + std::to_string(before->edition.version) +
                           "），请重新加载后再编辑 (the catalogue has changed: edition " +
                           std::to_string(before->edition.version) + " is current)");
  }
  auto next = read(CatalogueEdition{expected_version + 1, document, actor.username, clock_.now()});
  if (!next) return next.error();
  if (Status s = check_change(*before->catalogue, *next.value()->catalogue); !s) return s.error();
  if (Status s = store_.save(next.value()->edition); !s) {
    if (s.error().kind != ErrorKind::stale_version) return s.error();
    return Error::make(ErrorKind::stale_version,
                       "目录已被他人修改，请重新加载后再编辑 (the catalogue has changed "
                       "concurrently)");
  }
  std::lock_guard lock(mutex_);
  if (!current_ || current_->edition.version < next.value()->edition.version) {
    put_in_force(next.value());
  }
  return next.value();
}

Result<std::vector<CatalogueEdition>> CatalogueService::editions(const Actor& actor) {
  if (Status s = permissions_.check(Action::manage_catalogue, actor); !s) return s.error();
  return store_.list_editions();
}

}  // namespace outpost
