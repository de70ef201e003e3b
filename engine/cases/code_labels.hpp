// File: engine/cases/code_labels.hpp
//
// The zh-CN words for the codes a case's record holds, where a person reads
// them (the printed forms, the ledgers): a channel ("visit" → "上门走访"), a
// consent, an agreement's form, a follow-up's satisfaction, a performance
// outcome, the state of a judicial confirmation. An unknown code is itself.
//
//   code_label("partly");   // "部分履行"
//   code_label("lapsed");   // "逾期未申请"
#pragma once

#include <string_view>

namespace outpost {

std::string_view code_label(std::string_view code);

}  // namespace outpost
