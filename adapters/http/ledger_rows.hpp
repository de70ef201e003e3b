// File: adapters/http/ledger_rows.hpp
//
// The ledgers a justice office keeps (GET /api/v1/exports/ledger,
// docs/EXPORTS.md): one row per case in the layout of the paper ledger, with
// zh-CN words instead of codes.
//
//   人民调解台账 (disputes): 序号, 编号, 登记日期, the parties (当事人, 联系电话,
//   身份证号, 对方当事人, 对方联系电话), where (社区, 网格 and 微网格 as codes,
//   社区网格 the most precise of them by name, 地址), 纠纷类别 and its 统计分类
//   (config/statistics.json), 纠纷简要情况, 调解员 (by name), 调解结果, 协议形式, 协议金额（元）,
//   履行期限, 履行情况, 司法确认, 回访情况, 办理状态, 结案日期. The columns the import reads
//   (docs/IMPORT.md) carry its headers and values, so a closed case's row, exported with a purpose
//   (names in clear), imports again.
//
//   诉求台账 (requests): 序号, 编号, 受理时间, 来源渠道, 诉求类别, 诉求人,
//   联系电话, 诉求事项, 诉求内容, where, 承办部门, 承办人, 派单时间, 签收及时,
//   督办次数, 退单次数, 延期次数, 办理时限, 是否超期, 办结时间, 回访满意度,
//   是否解决, 办理状态.
//
// Every value comes from the case as stored, its milestones
// (engine/cases/milestones.hpp: the same definitions as the KPI figures)
// and its facts; no history is read.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "adapters/http/export_labels.hpp"
#include "adapters/http/export_rows.hpp"
#include "engine/reports/statistics.hpp"

namespace outpost::http {

struct LedgerNames {
  const ExportLabels& labels;
  const StatisticsClasses* classes;  // null: 统计分类 is left empty
  // A staff member's name by id ("police-01" → "孙强远"); the id when unknown.
  std::function<std::string(const std::string&)> person;
};

// The ledger's columns for cases of `kind`.
std::span<const Column> ledger_columns(CaseKind kind);

// Row `seq` (1, 2, …) of the ledger: the case `c` with `parties` (masked or
// revealed by the caller).
void ledger_row(RowSink& s, std::int64_t seq, const Case& c, const std::vector<Party>& parties,
                const LedgerNames& names, Millis now);

}  // namespace outpost::http
