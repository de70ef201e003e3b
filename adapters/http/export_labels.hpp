// File: adapters/http/export_labels.hpp
//
// The zh-CN labels an export writes next to each code, read once from the
// workflows and the configuration documents the server already loaded
// (catalogue.json, jurisdiction.json). Read-only after construction, so one
// instance serves every request thread.
//
//   const ExportLabels labels(workflows, catalogue_document, jurisdiction_document);
//   labels.state(CaseKind::dispute, "registered");  // "已登记"
//   labels.place("LF-G01");                          // "龙凤社区第1网格"
#pragma once

#include <array>
#include <map>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "engine/cases/case.hpp"
#include "engine/cases/workflow.hpp"

namespace outpost::http {

// The zh-CN names of the codes an export shows next to them: kinds, states
// and events (from the workflows), categories and departments (catalogue),
// communities, grids and micro-grids (jurisdiction). An unknown code is its
// own label.
class ExportLabels {
 public:
  ExportLabels(const WorkflowRegistry& workflows, const boost::json::value& catalogue_document,
               const boost::json::value& jurisdiction_document);

  static std::string_view kind(CaseKind kind);
  std::string_view state(CaseKind kind, std::string_view state) const;
  std::string_view event(CaseKind kind, std::string_view event) const;
  std::string_view category(CaseKind kind, std::string_view code) const;
  std::string_view department(std::string_view code) const;
  std::string_view place(std::string_view code) const;  // community, grid or micro-grid

 private:
  using Names = std::map<std::string, std::string, std::less<>>;
  using NamesByKind = std::array<Names, kCaseKinds.size()>;  // indexed by CaseKind
  static std::string_view find(const Names& names, std::string_view key);

  NamesByKind states_, events_, categories_;
  Names departments_, places_;
};

}  // namespace outpost::http
