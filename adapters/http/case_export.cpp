#include "adapters/http/case_export.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <memory>
#include <span>
#include <stdexcept>
#include <vector>

#include <unistd.h>

#include <boost/json/serialize.hpp>

#include "adapters/export/csv.hpp"
#include "adapters/export/xlsx.hpp"
#include "adapters/http/case_json.hpp"
#include "adapters/http/export_rows.hpp"
#include "adapters/http/handler_support.hpp"
#include "adapters/http/json_text.hpp"
#include "adapters/http/ledger_rows.hpp"
#include "engine/access/masking.hpp"

namespace outpost::http {
namespace json = boost::json;

namespace {

constexpr Millis kShanghaiOffset = 8 * 3600 * 1000;

// clang-format off
constexpr std::array<Column, 30> kCaseColumns{{
    {"id", "案件ID"}, {"number", "案件编号"},
    {"kind", "类型"}, {"kind_label", "类型名称"},
    {"state", "状态"}, {"state_label", "状态名称"},
    {"category", "类别"}, {"category_label", "类别名称"},
    {"title", "标题"}, {"description", "描述"}, {"channel", "渠道"},
    {"community", "社区"}, {"community_label", "社区名称"},
    {"grid", "网格"}, {"grid_label", "网格名称"},
    {"micro_grid", "微网格"}, {"address", "地址"},
    {"parties", "当事人"},
    {"urgency", "紧急程度"}, {"risk_level", "风险等级"}, {"confidential", "保密"},
    {"department", "承办部门"}, {"department_label", "承办部门名称"},
    {"assignees", "承办人"}, {"return_count", "退单次数"},
    {"deadline", "办理时限"}, {"overdue", "是否超期"},
    {"created_at", "受理时间"}, {"updated_at", "更新时间"}, {"version", "版本"},
}};

constexpr std::array<Column, 15> kHistoryColumns{{
    {"case_id", "案件ID"}, {"number", "案件编号"}, {"kind", "类型"},
    {"seq", "序号"}, {"at", "时间"}, {"actor", "操作人"},
    {"event", "事件"}, {"event_label", "事件名称"},
    {"from_state", "原状态"}, {"from_state_label", "原状态名称"},
    {"to_state", "新状态"}, {"to_state_label", "新状态名称"},
    {"data", "数据"}, {"hash", "哈希"}, {"prev_hash", "前哈希"},
}};
// clang-format on

std::string_view role_label(std::string_view role) {
  if (role == "applicant") return "申请人";
  if (role == "respondent") return "被申请人";
  if (role == "other") return "其他当事人";
  return role;
}

// "2026-12-06T13:58:57+08:00": the same wall time as the CSV, with its offset.
std::string shanghai_rfc3339(Millis at) {
  std::string local = shanghai_time(at);
  local[10] = 'T';
  return local + "+08:00";
}

// "申请人 张* 138****8000 5001**********1234；被申请人 李*": the parties as one
// cell of CSV or XLSX.
std::string parties_cell(const std::vector<Party>& parties) {
  std::string cell;
  for (const Party& p : parties) {
    if (!cell.empty()) cell += "；";
    cell += role_label(p.role);
    for (const std::string* v : {&p.name, &p.phone, &p.id_number}) {
      if (!v->empty()) cell += " " + *v;
    }
  }
  return cell;
}

std::string list_cell(const std::vector<std::string>& items) {
  std::string cell;
  for (const std::string& s : items) cell += (cell.empty() ? "" : "、") + s;
  return cell;
}

// The cells CSV and XLSX write alike: text (a person's, neutralised by the
// writer; or ours), flags as 是/否, parties, lists and objects as one text.
// `Sink::cell(key)` gives the writer of the next cell.
template <class Sink>
class TextCells : public RowSink {
 public:
  void ours(std::string_view key, std::string_view v) override { cell(key).ours(v); }
  void text(std::string_view key, std::string_view v) override { cell(key).text(v); }
  void flag(std::string_view key, bool b) override { cell(key).ours(b ? "是" : "否"); }
  void parties(std::string_view key, const std::vector<Party>& parties) override {
    cell(key).text(parties_cell(parties));
  }
  void list(std::string_view key, const std::vector<std::string>& items) override {
    cell(key).text(list_cell(items));
  }
  void object(std::string_view key, const json::object& o) override {
    cell(key).text(o.empty() ? std::string() : json::serialize(o));
  }

 protected:
  auto& cell(std::string_view key) {
    next(key);
    return static_cast<Sink&>(*this).writer();
  }
};

class CsvSink final : public TextCells<CsvSink> {
 public:
  explicit CsvSink(std::string*& out) : out_(out) {}

  void number(std::string_view key, std::int64_t n) override { cell(key).number(n); }
  void time(std::string_view key, std::optional<Millis> at) override {
    cell(key).ours(at ? shanghai_time(*at) : std::string());
  }
  void day(std::string_view key, std::optional<Millis> at) override {
    cell(key).ours(at ? shanghai_time(*at).substr(0, 10) : std::string());
  }
  csv::CsvWriter& writer() { return *row_; }

 private:
  void write_header() override {
    csv::CsvWriter w(*out_);
    w.bom();
    for (const Column& c : columns()) w.ours(c.header);
    w.end_row();
  }
  void open_row() override { row_.emplace(*out_); }
  void close_row() override {
    row_->end_row();
    row_.reset();
  }

  std::string*& out_;
  std::optional<csv::CsvWriter> row_;
};

// A sheet of the workbook (adapters/export/xlsx.hpp): numbers as numbers,
// times as dates, the rest as text; the header frozen, A4 landscape.
class XlsxSink final : public TextCells<XlsxSink> {
 public:
  explicit XlsxSink(std::string sheet_name) : sheet_name_(std::move(sheet_name)) {}
  void start(xlsx::XlsxWriter& book) { book_ = &book; }

  void number(std::string_view key, std::int64_t n) override {
    cell(key).number(static_cast<double>(n));
  }
  void time(std::string_view key, std::optional<Millis> at) override {
    if (at) {
      // Whole seconds, as the CSV writes them.
      cell(key).date_time((*at + kShanghaiOffset) / 1000 * 1000);
    } else {
      cell(key).blank();
    }
  }
  void day(std::string_view key, std::optional<Millis> at) override {
    constexpr Millis kDay = 24 * 3600 * 1000;
    if (at) {
      cell(key).date((*at + kShanghaiOffset) / kDay * kDay);
    } else {
      cell(key).blank();
    }
  }
  xlsx::XlsxWriter& writer() { return *book_; }

 private:
  // Wide columns for free text, narrower ones for codes.
  static double width(std::string_view key) {
    if (key == "description" || key == "data" || key == "parties" || key == "address" ||
        key == "summary") {
      return 40;
    }
    if (key == "title" || key == "hash" || key == "prev_hash" || key == "place") return 28;
    if (key.ends_with("_at") || key == "at" || key == "deadline") return 20;
    if (key.ends_with("_on") || key.ends_with("phone") || key == "id_number" ||
        key == "applicant_id_number" || key == "mediators" || key == "assignees") {
      return 16;
    }
    if (key.ends_with("_label") || key == "number") return 16;
    return 11;
  }
  void write_header() override {
    std::vector<xlsx::XlsxColumn> cols;
    for (const Column& c : columns()) cols.push_back({c.header, width(c.key)});
    book_->sheet(sheet_name_, cols);
  }
  void open_row() override {}
  void close_row() override { book_->end_row(); }

  std::string sheet_name_;
  xlsx::XlsxWriter* book_ = nullptr;
};

class JsonLinesSink final : public RowSink {
 public:
  explicit JsonLinesSink(std::string*& out) : out_(out) {}

  void ours(std::string_view key, std::string_view v) override { member(key).text_or_null(v); }
  void text(std::string_view key, std::string_view v) override { ours(key, v); }
  void number(std::string_view key, std::int64_t n) override { member(key).value(n); }
  void flag(std::string_view key, bool b) override { member(key).value(b); }
  void time(std::string_view key, std::optional<Millis> at) override {
    if (at) {
      member(key).value(shanghai_rfc3339(*at));
    } else {
      member(key).null();
    }
  }
  void day(std::string_view key, std::optional<Millis> at) override {
    if (at) {
      member(key).value(shanghai_time(*at).substr(0, 10));
    } else {
      member(key).null();
    }
  }
  void parties(std::string_view key, const std::vector<Party>& parties) override {
    member(key).begin_array();
    for (const Party& p : parties) {
      row_->begin_object();
      row_->member("role", p.role).member("role_label", role_label(p.role));
      row_->key("name").text_or_null(p.name);
      row_->key("phone").text_or_null(p.phone);
      row_->key("id_number").text_or_null(p.id_number);
      row_->end_object();
    }
    row_->end_array();
  }
  void list(std::string_view key, const std::vector<std::string>& items) override {
    member(key).begin_array();
    for (const std::string& s : items) row_->value(s);
    row_->end_array();
  }
  void object(std::string_view key, const json::object& o) override {
    member(key).value(json::value(o));
  }

 private:
  void write_header() override {}
  void open_row() override {
    row_.emplace(*out_);
    row_->begin_object();
  }
  void close_row() override {
    row_->end_object();
    *out_ += '\n';
    row_.reset();
  }
  JsonText& member(std::string_view key) { return row_->key(next(key).key); }

  std::string*& out_;
  std::optional<JsonText> row_;
};

void case_row(RowSink& s, const Case& c, const std::vector<Party>& parties,
              const ExportLabels& labels, Millis now) {
  s.begin_row();
  s.number("id", c.id);
  s.ours("number", c.number);
  s.ours("kind", to_string(c.kind));
  s.ours("kind_label", ExportLabels::kind(c.kind));
  s.ours("state", c.state);
  s.ours("state_label", labels.state(c.kind, c.state));
  s.ours("category", c.category);
  s.ours("category_label", labels.category(c.kind, c.category));
  s.text("title", c.title);
  s.text("description", c.description);
  s.ours("channel", c.channel);
  s.ours("community", c.location.community);
  s.ours("community_label", labels.place(c.location.community));
  s.ours("grid", c.location.grid);
  s.ours("grid_label", labels.place(c.location.grid));
  s.ours("micro_grid", c.location.micro_grid);
  s.text("address", c.location.address);
  s.parties("parties", parties);
  s.ours("urgency", c.urgency);
  s.ours("risk_level", c.risk_level);
  s.flag("confidential", c.confidential);
  s.ours("department", c.assignment.department);
  s.ours("department_label", c.assignment.department.empty()
                                 ? std::string_view()
                                 : labels.department(c.assignment.department));
  s.list("assignees", c.assignment.assignees);
  const json::value* returns = c.facts.if_contains("returns");
  s.number("return_count", returns != nullptr && returns->is_int64() ? returns->get_int64() : 0);
  s.time("deadline", c.deadline);
  s.flag("overdue", case_is_overdue(c, now));
  s.time("created_at", c.created_at);
  s.time("updated_at", c.updated_at);
  s.number("version", c.version);
  s.end_row();
}

void history_row(RowSink& s, const Case& c, const HistoryEntry& e, const ExportLabels& labels) {
  s.begin_row();
  s.number("case_id", e.case_id);
  s.ours("number", c.number);
  s.ours("kind", to_string(c.kind));
  s.number("seq", e.seq);
  s.time("at", e.at);
  s.text("actor", e.actor);
  s.ours("event", e.event);
  s.ours("event_label", labels.event(c.kind, e.event));
  s.ours("from_state", e.from_state);
  s.ours("from_state_label",
         e.from_state.empty() ? std::string_view() : labels.state(c.kind, e.from_state));
  s.ours("to_state", e.to_state);
  s.ours("to_state_label", labels.state(c.kind, e.to_state));
  s.object("data", e.data);
  s.ours("hash", e.hash);
  s.ours("prev_hash", e.prev_hash);
  s.end_row();
}

// The table an export writes: the cases', the history's or the ledger of
// the request's kind (read_export_request makes sure it names one).
std::span<const Column> columns_of(const ExportRequest& req) {
  if (req.kind == ExportKind::history) return kHistoryColumns;
  if (req.kind == ExportKind::ledger) {
    return ledger_columns(req.filter.kind == "request" ? CaseKind::request : CaseKind::dispute);
  }
  return kCaseColumns;
}

// The body of one export: pages of cases through the list's cursor, each
// case written as one row (cases) or as its history entries (history).
// Windows of ids read at once ahead of the one being written.
constexpr std::size_t kWindowsAhead = 3;

class ExportStream {
 public:
  ExportStream(ExportSources sources, ExportRequest req, Actor actor)
      : src_(sources), req_(std::move(req)), actor_(std::move(actor)) {
    if (req_.format == ExportFormat::csv) {
      sink_ = std::make_unique<CsvSink>(out_);
    } else if (req_.format == ExportFormat::xlsx) {
      auto sink = std::make_unique<XlsxSink>(export_sheet_name(req_));
      xlsx_sink_ = sink.get();
      sink_ = std::move(sink);
    } else {
      sink_ = std::make_unique<JsonLinesSink>(out_);
    }
    req_.filter.limit = req_.page_size;
    req_.filter.with_milestones = req_.kind == ExportKind::ledger;
    req_.filter.oldest_first = true;
    req_.filter.cursor.reset();
    // A case created at or after `to` has no entry before it (a case's
    // entries are never older than the case): the store need not read it.
    if (req_.to && (!req_.filter.created_to || *req_.to < *req_.filter.created_to)) {
      req_.filter.created_to = req_.to;
    }
    reveal_ = req_.purpose.has_value() && src_.privacy != nullptr;
    // Revealed parties are read in clear; otherwise the stored masked form.
    req_.filter.clear_parties = reveal_;
  }

  ExportStream(const ExportStream&) = delete;
  ExportStream& operator=(const ExportStream&) = delete;
  ~ExportStream() {
    book_.reset();
    if (!file_path_.empty()) {
      std::error_code ec;
      std::filesystem::remove(file_path_, ec);
    }
  }

  Result<bool> operator()(std::string& out) {
    if (xlsx_sink_ != nullptr) return workbook_piece(out);
    return rows_piece(out);
  }

 private:
  // The rows, written to `out` until it holds a piece (CSV, JSON lines).
  Result<bool> rows_piece(std::string& out) {
    out_ = &out;
    if (!started_) {
      started_ = true;
      const std::span<const Column> columns = columns_of(req_);
      sink_->header(columns.data(), columns.size());
    }
    while (out.size() < kExportPieceBytes) {
      if (req_.max_rows && rows_ >= *req_.max_rows) return false;
      if (next_ == page_.size()) {
        if (last_page_) return false;
        if (Status s = fetch_page(); !s) return s.error();
        continue;
      }
      if (Status s = write(page_[next_]); !s) return s.error();
      ++next_;
    }
    return true;
  }

  // XLSX: the whole workbook is written first, row by row to libxlsxwriter's
  // temporary files (constant memory), then zipped into one temporary file
  // (in the system's temp folder), which is unlinked as soon as it is open
  // for reading and handed on in pieces. An error before the file is
  // complete comes before the first piece: the caller gets problem+json.
  Result<bool> workbook_piece(std::string& out) {
    if (!file_) {
      if (Status s = write_workbook(); !s) return s.error();
    }
    out.resize(kExportPieceBytes);
    file_->read(out.data(), static_cast<std::streamsize>(out.size()));
    out.resize(static_cast<std::size_t>(file_->gcount()));
    if (file_->bad()) return Error::make(ErrorKind::unavailable, "the spreadsheet cannot be read");
    return !file_->eof();
  }

  Status write_workbook() {
    const std::filesystem::path dir = std::filesystem::temp_directory_path();
    std::string pattern = (dir / "outpost-export-XXXXXX").string();
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0) return Error::make(ErrorKind::unavailable, "no temporary file for the spreadsheet");
    ::close(fd);
    file_path_ = pattern;
    auto book = xlsx::XlsxWriter::open(file_path_, dir.string());
    if (!book) return book.error();
    book_ = std::move(book.value());
    xlsx_sink_->start(*book_);
    std::string unused;
    for (;;) {
      auto more = rows_piece(unused);
      if (!more) return more.error();
      if (!more.value()) break;
      unused.clear();
    }
    Status closed = book_->close();
    book_.reset();
    if (!closed) return closed;
    file_ = std::make_unique<std::ifstream>(file_path_, std::ios::binary);
    std::error_code ec;
    std::filesystem::remove(file_path_, ec);
    file_path_.clear();
    if (!*file_) return Error::make(ErrorKind::unavailable, "the spreadsheet cannot be read");
    return Ok{};
  }

  // The next page of cases. The ids of the matching cases are cut into
  // windows of page_size ids, from the lowest matching id to the highest
  // (both found once, at the start); up to kWindowsAhead windows are read at
  // once on other threads, so the database reads and the rows' decoding run
  // beside the writing of this page, in id order. At most kWindowsAhead + 1
  // pages are held. Cases registered after the start are not exported.
  Status fetch_page() {
    page_.clear();
    next_ = 0;
    if (!bounds_known_) {
      if (Status s = find_bounds(); !s) return s;
    }
    while (ahead_.size() < kWindowsAhead && window_from_ <= last_id_) start_window();
    if (ahead_.empty()) {
      last_page_ = true;
      return Ok{};
    }
    auto fetched = ahead_.front().get();
    ahead_.pop_front();
    if (!fetched) return fetched.error();
    page_ = std::move(fetched.value().items);
    if (window_from_ <= last_id_) start_window();
    last_page_ = ahead_.empty();
    now_ = src_.cases.clock().now();
    return Ok{};
  }

  // The lowest and highest id the filter matches now.
  Status find_bounds() {
    bounds_known_ = true;
    CaseFilter edge = req_.filter;
    edge.limit = 1;
    auto lowest = src_.cases.list(edge, actor_);
    if (!lowest) return lowest.error();
    edge.oldest_first = false;
    auto highest = src_.cases.list(edge, actor_);
    if (!highest) return highest.error();
    if (lowest.value().items.empty() || highest.value().items.empty()) return Ok{};
    window_from_ = lowest.value().items.front().id;
    last_id_ = highest.value().items.front().id;
    return Ok{};
  }

  void start_window() {
    CaseFilter window = req_.filter;
    window.cursor = window_from_ - 1;
    window.id_below = window_from_ + req_.page_size;
    window.limit = req_.page_size;
    window_from_ += req_.page_size;
    ahead_.push_back(std::async(std::launch::async, [this, window = std::move(window)] {
      return src_.cases.list(window, actor_);
    }));
  }

  Status write(const Case& c) {
    if (req_.kind == ExportKind::history) return write_history(c);
    auto parties = parties_of(c);
    if (!parties) return parties.error();
    if (req_.kind == ExportKind::ledger) {
      ledger_row(*sink_, rows_ + 1, c, parties.value(), ledger_names_, now_);
    } else {
      case_row(*sink_, c, parties.value(), src_.labels, now_);
    }
    ++rows_;
    return Ok{};
  }

  // The history entries of `c` within [from, to), up to max_rows in all.
  Status write_history(const Case& c) {
    auto entries = src_.cases.history(c.id, actor_);
    if (!entries) return entries.error();
    for (const HistoryEntry& e : entries.value()) {
      if ((req_.from && e.at < *req_.from) || (req_.to && e.at >= *req_.to)) continue;
      if (req_.max_rows && rows_ >= *req_.max_rows) break;
      history_row(*sink_, c, e, src_.labels);
      ++rows_;
    }
    return Ok{};
  }

  // Masked, or — with a purpose and a role that may reveal this case — in
  // clear after the case's access_log row is written.
  Result<std::vector<Party>> parties_of(const Case& c) {
    if (!reveal_ || !src_.cases.permissions().check(Action::reveal, actor_, &c)) {
      return masked_parties(c.parties);
    }
    // The parties' fields only: an export shows the free text masked.
    auto shown = src_.privacy->reveal(c, {"name", "phone", "id_number"}, *req_.purpose, actor_);
    if (!shown) return shown.error();
    return std::move(shown.value().parties);
  }

  // A staff member's name, asked of the directory once per export.
  std::string person(const std::string& id) {
    auto [it, fresh] = people_.try_emplace(id, id);
    if (fresh && src_.staff != nullptr) {
      auto member = src_.staff->find_staff(id);
      if (member && member.value() && !member.value()->name.empty()) {
        it->second = member.value()->name;
      }
    }
    return it->second;
  }

  ExportSources src_;
  ExportRequest req_;
  Actor actor_;
  std::map<std::string, std::string> people_;
  LedgerNames ledger_names_{src_.labels, src_.classes,
                            [this](const std::string& id) { return person(id); }};
  std::string* out_ = nullptr;
  std::unique_ptr<RowSink> sink_;
  XlsxSink* xlsx_sink_ = nullptr;  // sink_ when the format is xlsx
  std::unique_ptr<xlsx::XlsxWriter> book_;
  std::string file_path_;  // the workbook's file until it is open for reading
  std::unique_ptr<std::ifstream> file_;
  bool reveal_ = false;
  bool started_ = false;
  std::vector<Case> page_;
  std::size_t next_ = 0;
  bool last_page_ = false;
  std::int64_t rows_ = 0;
  Millis now_ = 0;
  bool bounds_known_ = false;
  CaseId window_from_ = 1, last_id_ = 0;
  // Declared last: destroyed first, so reads still running end before the
  // members they use go.
  std::deque<std::future<Result<CasePage>>> ahead_;
};

bool accepts_json_lines(std::optional<std::string_view> accept) {
  if (!accept) return false;
  return accept->find("application/x-ndjson") != std::string_view::npos ||
         accept->find("application/jsonl") != std::string_view::npos;
}

void read_bounded(std::string_view name, std::string_view value, std::int64_t max,
                  std::optional<std::int64_t>& out, Error& err) {
  out = parse_int(value);
  if (!out || *out < 1 || *out > max) {
    err.fields.push_back(
        {std::string(name), "must be an integer from 1 to " + std::to_string(max)});
  }
}

}  // namespace

Result<ExportRequest> read_export_request(const QueryParams& query,
                                          std::optional<std::string_view> accept, ExportKind kind) {
  ExportRequest req;
  req.kind = kind;
  req.format = accepts_json_lines(accept) ? ExportFormat::jsonl : ExportFormat::csv;
  Error err{ErrorKind::invalid, "the query has invalid parameters"};
  QueryParams filters;
  for (const auto& [name, value] : query) {
    if (name == "format") {
      if (auto f = parse_export_format(value)) {
        req.format = *f;
      } else {
        err.fields.push_back({name, "must be csv, jsonl or xlsx"});
      }
    } else if (name == "purpose") {
      if (value.empty() || value.size() > kMaxPurposeBytes) {
        err.fields.push_back({name, "must be 1 to 500 bytes"});
      } else {
        req.purpose = value;
      }
    } else if (name == "max_rows") {
      read_bounded(name, value, INT64_MAX, req.max_rows, err);
    } else if (name == "page_size") {
      std::optional<std::int64_t> size;
      read_bounded(name, value, kMaxExportPageSize, size, err);
      if (size) req.page_size = static_cast<int>(*size);
    } else if (kind == ExportKind::history && (name == "from" || name == "to")) {
      auto t = parse_rfc3339(value);
      if (!t) {
        err.fields.push_back({name, "must be an RFC 3339 time such as 2026-01-31T08:00:00Z"});
      } else {
        (name == "from" ? req.from : req.to) = *t;
      }
    } else if (name == "limit" || name == "cursor") {
      err.fields.push_back({name, "is not a parameter of an export, which has every row"});
    } else {
      filters.emplace_back(name, value);
    }
  }
  auto filter = case_filter_of(filters);
  if (!filter) {
    for (auto& f : filter.error().fields) err.fields.push_back(std::move(f));
  } else {
    req.filter = std::move(filter.value());
  }
  if (kind == ExportKind::ledger && req.filter.kind != "dispute" && req.filter.kind != "request") {
    err.fields.push_back({"kind", "must be dispute (人民调解台账) or request (诉求台账)"});
  }
  if (req.from && req.to && *req.from >= *req.to) {
    err.fields.push_back({"to", "must be after from"});
  }
  if (!err.fields.empty()) return err;
  return req;
}

Status admit_export(const ExportRequest& req, const Permissions& permissions, const Actor& actor) {
  if (Status s = permissions.check(Action::export_cases, actor); !s) return s;
  if (req.purpose) return permissions.check(Action::reveal, actor);
  return Ok{};
}

std::string shanghai_time(Millis at) {
  using namespace std::chrono;
  const sys_time<milliseconds> local{milliseconds(at + kShanghaiOffset)};
  const auto day = floor<days>(local);
  const year_month_day ymd{day};
  const hh_mm_ss<seconds> t{floor<seconds>(local - day)};
  // Written by hand: this runs two or three times per exported row.
  std::string out = "0000-00-00 00:00:00";
  const auto put = [&out](std::size_t pos, unsigned value, int digits) {
    for (int i = digits - 1; i >= 0; --i, value /= 10) {
      out[pos + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
    }
  };
  put(0, static_cast<unsigned>(static_cast<int>(ymd.year())), 4);
  put(5, static_cast<unsigned>(ymd.month()), 2);
  put(8, static_cast<unsigned>(ymd.day()), 2);
  put(11, static_cast<unsigned>(t.hours().count()), 2);
  put(14, static_cast<unsigned>(t.minutes().count()), 2);
  put(17, static_cast<unsigned>(t.seconds().count()), 2);
  return out;
}

std::optional<ExportFormat> parse_export_format(std::string_view name) {
  if (name == "csv") return ExportFormat::csv;
  if (name == "jsonl") return ExportFormat::jsonl;
  if (name == "xlsx") return ExportFormat::xlsx;
  return std::nullopt;
}

std::string_view export_extension(ExportFormat format) {
  switch (format) {
    case ExportFormat::csv:
      return ".csv";
    case ExportFormat::jsonl:
      return ".jsonl";
    case ExportFormat::xlsx:
      return ".xlsx";
  }
  return ".csv";
}

std::string export_filename(const ExportRequest& req, Millis now) {
  const std::string_view name = req.kind == ExportKind::cases     ? "cases-"
                                : req.kind == ExportKind::history ? "history-"
                                                                  : "ledger-";
  return std::string(name) + shanghai_time(now).substr(0, 10) +
         std::string(export_extension(req.format));
}

std::string export_sheet_name(const ExportRequest& req) {
  if (req.kind == ExportKind::history) return "办理记录";
  const bool ledger = req.kind == ExportKind::ledger;
  if (req.filter.kind == "dispute") return ledger ? "人民调解台账" : "调解案件";
  if (req.filter.kind == "request") return ledger ? "诉求台账" : "诉求案件";
  return "案件";
}

std::string content_disposition(std::string_view ascii_name, std::string_view name) {
  static constexpr std::string_view kHex = "0123456789ABCDEF";
  std::string encoded;
  for (const char ch : name) {
    const auto b = static_cast<unsigned char>(ch);
    if (std::isalnum(b) != 0 || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
      encoded += ch;
    } else {
      encoded += '%';
      encoded += kHex[b >> 4];
      encoded += kHex[b & 0x0F];
    }
  }
  return "attachment; filename=\"" + std::string(ascii_name) + "\"; filename*=UTF-8''" + encoded;
}

std::string_view export_content_type(ExportFormat format) {
  switch (format) {
    case ExportFormat::csv:
      return "text/csv; charset=utf-8; header=present";
    case ExportFormat::jsonl:
      return "application/x-ndjson; charset=utf-8";
    case ExportFormat::xlsx:
      return xlsx::kContentType;
  }
  return "text/csv; charset=utf-8; header=present";
}

BodyProducer export_body(ExportSources sources, ExportRequest req, Actor actor) {
  auto stream = std::make_shared<ExportStream>(sources, std::move(req), std::move(actor));
  return [stream](std::string& out) { return (*stream)(out); };
}

}  // namespace outpost::http
