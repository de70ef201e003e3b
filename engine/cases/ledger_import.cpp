#include "engine/cases/ledger_import.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <utility>

#include "engine/access/free_text.hpp"
#include "engine/cases/new_case.hpp"

namespace outpost {
namespace json = boost::json;

namespace {

// What a ledger's rows become: closed disputes, registered at the desk.
constexpr std::string_view kHistoricState = "closed";
constexpr std::string_view kImportEvent = "import";
constexpr std::size_t kMaxLedgerBytes = 64;
constexpr std::size_t kMaxNumberBytes = 64;
constexpr std::size_t kTitleCharacters = 40;
// Mainland time: a ledger's dates are days in UTC+8.
constexpr Millis kUtcOffset = 8 * 3600 * 1000LL;

struct ResultWords {
  std::string_view text;
  bool agreement;
};
constexpr std::array<ResultWords, 6> kResults{{{"调解成功", true},
                                               {"成功", true},
                                               {"达成协议", true},
                                               {"调解不成", false},
                                               {"调解失败", false},
                                               {"未达成协议", false}}};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool read_number(std::string_view& s, int max_digits, int& out) {
  int digits = 0;
  out = 0;
  while (!s.empty() && s.front() >= '0' && s.front() <= '9' && digits < max_digits) {
    out = out * 10 + (s.front() - '0');
    s.remove_prefix(1);
    ++digits;
  }
  return digits > 0;
}

bool skip(std::string_view& s, std::string_view sep) {
  if (!s.starts_with(sep)) return false;
  s.remove_prefix(sep.size());
  return true;
}

// 2021-03-05, 2021/3/5, 2021.3.5 or 2021年3月5日: that day's midnight in UTC+8.
std::optional<Millis> parse_ledger_date(std::string_view text) {
  std::string_view s = trim(text);
  int y = 0, m = 0, d = 0;
  if (!read_number(s, 4, y)) return std::nullopt;
  const bool chinese = skip(s, "年");
  std::string_view sep;
  if (!chinese) {
    if (s.empty() || (s.front() != '-' && s.front() != '/' && s.front() != '.')) {
      return std::nullopt;
    }
    sep = s.substr(0, 1);
    s.remove_prefix(1);
  }
  if (!read_number(s, 2, m)) return std::nullopt;
  if (chinese ? !skip(s, "月") : !skip(s, sep)) return std::nullopt;
  if (!read_number(s, 2, d)) return std::nullopt;
  if (chinese) skip(s, "日");
  if (!s.empty() || y < 1949) return std::nullopt;
  using namespace std::chrono;
  const year_month_day ymd{year(y), month(static_cast<unsigned>(m)), day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return std::nullopt;
  return duration_cast<milliseconds>(sys_days(ymd).time_since_epoch()).count() - kUtcOffset;
}

std::string iso_date(Millis at) {
  using namespace std::chrono;
  const year_month_day ymd{floor<days>(sys_time<milliseconds>(milliseconds(at + kUtcOffset)))};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

// The first `n` characters of UTF-8 text, up to its first line break.
std::string first_characters(std::string_view text, std::size_t n) {
  text = text.substr(0, text.find('\n'));
  std::size_t pos = 0;
  for (std::size_t count = 0; pos < text.size() && count < n; ++count) {
    ++pos;
    while (pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) ++pos;
  }
  return std::string(trim(text.substr(0, pos)));
}

const Category* category_of(const Catalogue& catalogue, std::string_view value) {
  if (const Category* c = catalogue.find_category("dispute", value)) return c;
  for (const Category& c : catalogue.categories()) {
    if (c.kind == "dispute" && c.name == value) return &c;
  }
  return nullptr;
}

const ResultWords* result_of(std::string_view value) {
  for (const ResultWords& r : kResults) {
    if (r.text == value) return &r;
  }
  return nullptr;
}

// The ledger field a FieldError of draft_case names.
std::string_view ledger_field_of(std::string_view field) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 11> kFields{{
      {"category", "category"},
      {"title", "summary"},
      {"description", "summary"},
      {"location.community", "community"},
      {"location.grid", "grid"},
      {"location.micro_grid", "micro_grid"},
      {"location.address", "address"},
      {"parties[0].name", "applicant"},
      {"parties[0].phone", "applicant_phone"},
      {"parties[0].id_number", "applicant_id_number"},
      {"parties[1].name", "respondent"},
  }};
  for (const auto& [from, to] : kFields) {
    if (from == field) return to;
  }
  return field == "parties[1].phone" ? "respondent_phone" : "summary";
}

}  // namespace

bool is_ledger_field(std::string_view field) {
  return std::any_of(kLedgerFields.begin(), kLedgerFields.end(),
                     [&](const LedgerField& f) { return f.field == field; });
}

LedgerImport::LedgerImport(ImportStore& store, const ImportRules& rules, const Clock& clock,
                           const Permissions& permissions, Actor actor, ImportOptions options)
    : store_(store),
      rules_(rules),
      clock_(clock),
      permissions_(permissions),
      actor_(std::move(actor)),
      options_(std::move(options)) {
  report_.dry_run = options_.dry_run;
  report_.ledger = options_.ledger;
  report_.file_sha256 = options_.file_sha256;
}

Status LedgerImport::begin() {
  if (Status s = permissions_.check(Action::import_cases, actor_); !s) return s;
  const std::string_view ledger = trim(options_.ledger);
  if (ledger.empty() || ledger.size() > kMaxLedgerBytes ||
      ledger.size() != options_.ledger.size()) {
    return Error::invalid_field("ledger", "is required: 1 to 64 bytes, no surrounding spaces");
  }
  return Ok{};
}

std::string LedgerImport::column_of(std::string_view field) const {
  if (auto it = options_.columns.find(field); it != options_.columns.end()) return it->second;
  for (const LedgerField& f : kLedgerFields) {
    if (f.field == field) return std::string(f.column);
  }
  return std::string(field);
}

void LedgerImport::problem(const LedgerRecord& r, std::string_view field, std::string code,
                           std::string reason) {
  report_.problems.push_back(
      {r.row, column_of(field), std::string(field), std::move(code), std::move(reason)});
}

Status LedgerImport::add(LedgerRecord r) {
  ++report_.rows;
  const std::size_t problems_before = report_.problems.size();
  const auto value = [&](std::string_view field) -> std::string {
    auto it = r.values.find(std::string(field));
    return it == r.values.end() ? std::string() : std::string(trim(it->second));
  };
  for (const LedgerField& f : kLedgerFields) {
    if (f.required && value(f.field).empty()) {
      problem(r, f.field, "missing_field", column_of(f.field) + "为空");
    }
  }
  const std::string number = value("number");
  if (number.size() > kMaxNumberBytes) problem(r, "number", "too_long", "编号超过64字节");
  if (!number.empty()) {
    auto [it, fresh] = seen_.try_emplace(number, r.row);
    if (!fresh) {
      problem(r, "number", "duplicate_in_file", "编号与第" + std::to_string(it->second) + "行重复");
    }
  }
  const auto date = [&](std::string_view field) -> std::optional<Millis> {
    const std::string text = value(field);
    if (text.empty()) return std::nullopt;
    auto at = parse_ledger_date(text);
    if (!at) problem(r, field, "bad_date", "日期“" + text + "”无法识别，应为 YYYY-MM-DD");
    return at;
  };
  const auto registered = date("registered_on");
  const auto closed = date("closed_on");
  if (registered && closed && *closed < *registered) {
    problem(r, "closed_on", "closed_before_registered", "结案日期早于登记日期");
  }
  if (closed && *closed > clock_.now()) {
    problem(r, "closed_on", "closed_in_future", "结案日期晚于今天");
  }
  const std::string category_text = value("category");
  const Category* category = category_of(rules_.catalogue, category_text);
  if (!category_text.empty() && category == nullptr) {
    problem(r, "category", "unknown_category", "未知的纠纷类别“" + category_text + "”");
  }
  const std::string community = value("community"), grid = value("grid"),
                    micro_grid = value("micro_grid");
  if (!community.empty() && !rules_.jurisdiction.has_community(community)) {
    problem(r, "community", "unknown_community", "未知的社区代码“" + community + "”");
  }
  if (!grid.empty() && rules_.jurisdiction.community_of_grid(grid) != community) {
    problem(r, "grid", "unknown_grid", "网格代码“" + grid + "”不存在或不属于该社区");
  }
  if (!micro_grid.empty() && rules_.jurisdiction.grid_of_micro_grid(micro_grid) != grid) {
    problem(r, "micro_grid", "unknown_micro_grid",
            "微网格代码“" + micro_grid + "”不存在或不属于该网格");
  }
  for (std::string_view field : {"applicant_phone", "respondent_phone"}) {
    if (const std::string phone = value(field); !phone.empty() && !valid_phone(phone)) {
      problem(r, field, "bad_phone", "联系电话“" + phone + "”格式不正确");
    }
  }
  if (const std::string id = value("applicant_id_number"); !id.empty() && !valid_id_number(id)) {
    problem(r, "applicant_id_number", "bad_id_number",
            "身份证号格式不正确（应为18位，末位可为X，或15位数字）");
  }
  const std::string result = value("result");
  const ResultWords* outcome = result_of(result);
  if (!result.empty() && outcome == nullptr) {
    problem(r, "result", "unknown_result", "调解结果应为“调解成功”或“调解不成”");
  }
  if (report_.problems.size() != problems_before) return Ok{};

  NewCase cmd;
  cmd.kind = "dispute";
  cmd.category = category->code;
  cmd.title = first_characters(value("summary"), kTitleCharacters);
  cmd.description = value("summary");
  cmd.channel = "desk";
  cmd.location = {community, grid, micro_grid, value("address")};
  cmd.parties = {
      {"applicant", value("applicant"), value("applicant_phone"), value("applicant_id_number")},
      {"respondent", value("respondent"), value("respondent_phone"), ""}};
  auto drafted = draft_case(cmd, rules_.catalogue, rules_.jurisdiction, rules_.workflows);
  if (!drafted) {
    for (const FieldError& e : drafted.error().fields) {
      problem(r, ledger_field_of(e.field), "invalid", "不符合登记规则：" + e.message);
    }
    return Ok{};
  }
  Case c = std::move(drafted.value());
  c.state = kHistoricState;
  c.version = 1;
  c.created_at = *registered;
  c.updated_at = *closed;
  c.milestones.closed_at = *closed;
  c.milestones.mediated = outcome != nullptr;
  c.milestones.agreement = outcome != nullptr && outcome->agreement;
  c.milestones.mediation_failed = outcome != nullptr && !outcome->agreement;
  c.facts["source"] = "import";
  c.facts["historic"] = true;
  c.facts["import"] = json::object{{"ledger", options_.ledger},
                                   {"number", number},
                                   {"row", r.row},
                                   {"registered_on", iso_date(*registered)},
                                   {"closed_on", iso_date(*closed)},
                                   {"result", result}};
  HistoricCase h;
  h.first.seq = 1;
  h.first.at = std::max(clock_.now(), c.updated_at);
  h.first.actor = actor_.username;
  h.first.event = kImportEvent;
  h.first.to_state = c.state;
  h.first.data = json::object{{"source", "import"},
                              {"ledger", options_.ledger},
                              {"number", number},
                              {"row", r.row},
                              {"file_sha256", options_.file_sha256},
                              {"category", c.category},
                              {"community", c.location.community},
                              {"grid", c.location.grid},
                              {"registered_on", iso_date(*registered)},
                              {"closed_on", iso_date(*closed)},
                              {"result", result}};
  conceal_free_text(c, h.first.seq, h.first.data);
  h.c = std::move(c);
  h.number = number;
  h.row = r.row;
  pending_.push_back(std::move(h));
  if (pending_.size() >= kBatch) return flush();
  return Ok{};
}

Status LedgerImport::flush() {
  if (pending_.empty()) return Ok{};
  std::vector<std::string> numbers;
  numbers.reserve(pending_.size());
  for (const HistoricCase& h : pending_) numbers.push_back(h.number);
  auto known = store_.imported_numbers(options_.ledger, numbers);
  if (!known) return known.error();
  std::vector<HistoricCase> fresh;
  for (HistoricCase& h : pending_) {
    if (known.value().contains(h.number)) {
      LedgerRecord where;
      where.row = h.row;
      problem(where, "number", "already_imported", "编号已从台账“" + options_.ledger + "”导入过");
    } else {
      fresh.push_back(std::move(h));
    }
  }
  pending_.clear();
  report_.accepted += static_cast<std::int64_t>(fresh.size());
  if (options_.dry_run || fresh.empty()) return Ok{};
  auto stored = store_.insert_historic(options_.ledger, std::move(fresh));
  if (!stored) return stored.error();
  report_.imported += stored.value();
  return Ok{};
}

Result<ImportReport> LedgerImport::finish() {
  if (Status s = flush(); !s) return s.error();
  std::stable_sort(report_.problems.begin(), report_.problems.end(),
                   [](const RowProblem& a, const RowProblem& b) { return a.row < b.row; });
  return std::move(report_);
}

}  // namespace outpost
