#include "adapters/http/export_labels.hpp"

#include <utility>

namespace outpost::http {
namespace json = boost::json;

namespace {

// History entries the engine writes besides the workflows' events.
constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kEngineEvents{{
    {"register", "登记"},
    {"submit", "提交诉求"},
    {"deadline_warning", "时限预警"},
    {"deadline_breached", "超出时限"},
    {"escalated", "督办"},
    {"add_note", "添加备注"},
    {"add_attachment", "添加附件"},
    {"deidentified", "脱敏"},
    {"performance_reminder", "履行期限提醒"},
    {"performance_check_due", "履行情况待回查"},
    {"judicial_confirmation_lapsed", "司法确认申请期满"},
    {"import", "台账导入"},
    {"generate_document", "生成文书"},
    {"attach_signed_document", "上传签署文书"},
}};

}  // namespace

ExportLabels::ExportLabels(const WorkflowRegistry& workflows, const json::value& catalogue,
                           const json::value& jurisdiction) {
  for (const auto& wf : workflows.all()) {
    const WorkflowGraph& g = wf->graph();
    const auto kind = static_cast<std::size_t>(g.kind);
    for (const auto& s : g.states) states_[kind][s.name] = s.label;
    for (const auto& e : g.events) events_[kind][e.name] = e.label;
    // What the engine records besides the workflow's events.
    for (const auto& [name, label] : kEngineEvents) {
      events_[kind].emplace(std::string(name), std::string(label));
    }
  }
  const auto text = [](const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  // f(o) for each object of the array `list` (absent or not an array: none).
  const auto each = [](const json::value* list, auto&& f) {
    if (list == nullptr || !list->is_array()) return;
    for (const json::value& item : list->get_array()) {
      if (item.is_object()) f(item.get_object());
    }
  };
  const auto member = [](const json::value& doc, std::string_view key) -> const json::value* {
    const json::object* o = doc.if_object();
    return o != nullptr ? o->if_contains(key) : nullptr;
  };
  each(member(catalogue, "departments"),
       [&](const json::object& d) { departments_[text(d, "code")] = text(d, "name"); });
  // "categories": {"dispute": [{code, name}, …], "request": […]}
  if (const json::value* cats = member(catalogue, "categories"); cats && cats->is_object()) {
    for (const auto& kv : cats->get_object()) {
      const auto kind = parse_case_kind(kv.key());
      if (!kind) continue;
      each(&kv.value(), [&](const json::object& c) {
        categories_[static_cast<std::size_t>(*kind)][text(c, "code")] = text(c, "name");
      });
    }
  }
  each(member(jurisdiction, "communities"), [&](const json::object& community) {
    places_[text(community, "code")] = text(community, "name");
    each(community.if_contains("grids"), [&](const json::object& grid) {
      places_[text(grid, "code")] = text(grid, "name");
      each(grid.if_contains("micro_grids"),
           [&](const json::object& micro) { places_[text(micro, "code")] = text(micro, "name"); });
    });
  });
}

std::string_view ExportLabels::kind(CaseKind kind) {
  return kind == CaseKind::dispute ? "矛盾纠纷" : "居民诉求";
}

std::string_view ExportLabels::find(const Names& names, std::string_view key) {
  auto it = names.find(key);
  if (it == names.end() || it->second.empty()) return {};
  return it->second;
}

std::string_view ExportLabels::state(CaseKind kind, std::string_view state) const {
  auto label = find(states_[static_cast<std::size_t>(kind)], state);
  return label.empty() ? state : label;
}

std::string_view ExportLabels::event(CaseKind kind, std::string_view event) const {
  auto label = find(events_[static_cast<std::size_t>(kind)], event);
  return label.empty() ? event : label;
}

std::string_view ExportLabels::category(CaseKind kind, std::string_view code) const {
  auto label = find(categories_[static_cast<std::size_t>(kind)], code);
  return label.empty() ? code : label;
}

std::string_view ExportLabels::department(std::string_view code) const {
  auto label = find(departments_, code);
  return label.empty() ? code : label;
}

std::string_view ExportLabels::place(std::string_view code) const {
  auto label = find(places_, code);
  return label.empty() ? code : label;
}

}  // namespace outpost::http
