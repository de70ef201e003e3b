#include "engine/cases/code_labels.hpp"

#include <map>

namespace outpost {

std::string_view code_label(std::string_view code) {
  static const std::map<std::string_view, std::string_view> kLabels{
      // Consent (Art. 17) and an agreement's form (Art. 28).
      {"agree", "同意调解"},
      {"refuse", "拒绝调解"},
      {"written", "书面"},
      {"oral", "口头"},
      // A follow-up visit's satisfaction (回访).
      {"satisfied", "满意"},
      {"basically_satisfied", "基本满意"},
      {"dissatisfied", "不满意"},
      // record_performance's outcome (履行情况).
      {"performed", "已履行"},
      {"partly", "部分履行"},
      {"not_performed", "未履行"},
      // facts.judicial_confirmation (司法确认, Art. 33).
      {"applied", "已申请"},
      {"confirmed", "已确认"},
      {"not_confirmed", "不予确认"},
      {"rejected", "驳回申请"},
      {"lapsed", "逾期未申请"},
      // A case's channel (engine/cases/new_case.cpp), as the console names it.
      {"desk", "窗口来访"},
      {"phone", "电话"},
      {"visit", "上门走访"},
      {"patrol", "网格巡查"},
      {"online", "网上"},
      {"hotline", "12345热线"},
      {"meeting", "会议"},
      {"grid", "网格员上报"}};
  auto it = kLabels.find(code);
  return it != kLabels.end() ? it->second : code;
}

}  // namespace outpost
