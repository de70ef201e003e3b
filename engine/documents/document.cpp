#include "engine/documents/document.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>

#include <boost/json.hpp>

#include "engine/cases/audit_chain.hpp"
#include "engine/cases/code_labels.hpp"

namespace outpost {
namespace {

namespace json = boost::json;

struct KindInfo {
  DocumentKind kind;
  std::string_view name;
  std::string_view title;
};

constexpr std::array<KindInfo, 7> kKinds{{
    {DocumentKind::application, "application", "人民调解申请书（受理登记表）"},
    {DocumentKind::session_record, "session_record", "人民调解记录"},
    {DocumentKind::agreement, "agreement", "人民调解协议书"},
    {DocumentKind::oral_agreement, "oral_agreement", "口头调解协议登记表"},
    {DocumentKind::follow_up, "follow_up", "人民调解回访记录"},
    {DocumentKind::work_order, "work_order", "居民诉求工单"},
    {DocumentKind::supervision, "supervision", "督办单"},
}};

constexpr Millis kChina = 8 * 3'600'000LL;

std::string text_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return {};
  return v->is_string() ? std::string(v->get_string()) : json::serialize(*v);
}

// A code of the record in zh-CN words (engine/cases/code_labels.hpp).
std::string code_word(std::string_view code) {
  return std::string(code_label(code));
}

std::string lookup(const std::map<std::string, std::string>& names, const std::string& code) {
  auto it = names.find(code);
  return it != names.end() ? it->second : code;
}

// 3 → "三", 12 → "十二" (a number of copies).
std::string chinese_count(std::size_t n) {
  static constexpr std::array<std::string_view, 10> kDigits{"零", "一", "二", "三", "四",
                                                            "五", "六", "七", "八", "九"};
  if (n < 10) return std::string(kDigits[n]);
  if (n < 20) return "十" + (n % 10 == 0 ? std::string() : std::string(kDigits[n % 10]));
  return std::to_string(n);
}

std::string_view role_label(std::string_view role) {
  if (role == "applicant") return "申请人";
  if (role == "respondent") return "被申请人";
  return "其他当事人";
}

// "张秀英\n公民身份号码 500109…\n联系电话 13800138000　住所 …": one particular a
// line where it would otherwise break inside a label.
std::string particulars(const Party& p, const Location& where) {
  std::string out = p.name;
  if (!p.id_number.empty()) out += "\n公民身份号码 " + p.id_number;
  std::string contact;
  if (!p.phone.empty()) contact = "联系电话 " + p.phone;
  if (!where.address.empty() && p.role == "applicant") {
    contact += (contact.empty() ? "" : "　") + std::string("住所 ") + where.address;
  }
  if (!contact.empty()) out += "\n" + contact;
  return out;
}

// "2027-06-30" → "2027年6月30日"; anything else as it is.
std::string chinese_day(const std::string& iso) {
  int y = 0, m = 0, d = 0;
  if (iso.size() != 10 || std::sscanf(iso.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3) return iso;
  return std::to_string(y) + "年" + std::to_string(m) + "月" + std::to_string(d) + "日";
}

std::vector<DocumentRow> party_rows(const Case& c) {
  std::vector<DocumentRow> rows;
  for (const Party& p : c.parties) {
    rows.push_back({std::string(role_label(p.role)), particulars(p, c.location)});
  }
  return rows;
}

std::string place_of(const Case& c, const DocumentNames& names) {
  std::string out = lookup(names.places, c.location.community);
  if (!c.location.grid.empty()) out += " " + lookup(names.places, c.location.grid);
  if (!c.location.address.empty()) out += " " + c.location.address;
  return out;
}

// "孙强远、李花": the staff named by id, each once, by name where the
// directory knows it.
std::string people_of(std::vector<std::string> ids, const DocumentNames& names) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : "、") + lookup(names.people, id);
  return out;
}

std::string mediators_of(const Case& c, const std::vector<HistoryEntry>& history,
                         const DocumentNames& names) {
  std::string out = people_of(staff_named(c, history), names);
  return out.empty() ? std::string("（未指派）") : out;
}

std::string parties_present(const Case& c) {
  std::string out;
  for (const Party& p : c.parties) {
    out += (out.empty() ? "" : "、") + p.name + "（" + std::string(role_label(p.role)) + "）";
  }
  return out;
}

const HistoryEntry* last_of(const std::vector<HistoryEntry>& history, std::string_view event) {
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (it->event == event) return &*it;
  }
  return nullptr;
}

Error not_yet(const Case& c, std::string message) {
  Error e(ErrorKind::not_allowed_in_state, std::move(message));
  e.state = c.state;
  return e;
}

std::string category_of(const Case& c, const DocumentNames& names) {
  return lookup(names.categories, std::string(to_string(c.kind)) + "/" + c.category);
}

DocumentContent base(DocumentKind kind, const Case& c, const DocumentNames& names, Millis today) {
  DocumentContent doc;
  doc.kind = kind;
  doc.issuer = names.committee;
  doc.title = std::string(document_title(kind));
  doc.case_number = c.number;
  doc.date = chinese_date(today);
  return doc;
}

Result<DocumentContent> application(const Case& c, const std::vector<HistoryEntry>& history,
                                    const DocumentNames& names, Millis today) {
  DocumentContent doc = base(DocumentKind::application, c, names, today);
  doc.blocks.push_back({"当事人基本情况", party_rows(c), {}});
  doc.blocks.push_back({"纠纷概况",
                        {{"纠纷类别", category_of(c, names)},
                         {"纠纷发生地", place_of(c, names)},
                         {"申请方式", code_word(c.channel)},
                         {"登记时间", chinese_date_time(c.created_at)}},
                        {}});
  doc.blocks.push_back({"纠纷简要情况及申请事项", {}, c.title + "。" + c.description});
  std::vector<DocumentRow> consents;
  for (const HistoryEntry& e : history) {
    if (e.event != "record_consent") continue;
    const auto party = e.data.if_contains("party");
    const std::size_t index =
        party != nullptr && party->is_int64() ? static_cast<std::size_t>(party->get_int64()) : 0;
    const std::string who = index >= 1 && index <= c.parties.size()
                                ? c.parties[index - 1].name
                                : "第" + text_of(e.data, "party") + "方";
    consents.push_back({who, code_word(text_of(e.data, "consent")) + "（" +
                                 code_word(text_of(e.data, "form")) + "形式，" +
                                 chinese_date(e.at) + "记录）"});
  }
  if (consents.empty()) consents.push_back({"各方当事人", "尚未记录"});
  doc.blocks.push_back(
      {"当事人自愿调解的意思表示（《人民调解法》第十七条）", consents,
       "人民调解委员会根据纠纷当事人的申请受理调解；一方明确拒绝调解的，不得调解。"});
  const HistoryEntry* accepted = last_of(history, "accept");
  doc.blocks.push_back({"受理情况",
                        {{"受理意见", accepted != nullptr ? "予以受理" : "待受理"},
                         {"受理时间", accepted != nullptr ? chinese_date_time(accepted->at) : "—"},
                         {"受理人", accepted != nullptr ? accepted->actor : "—"}},
                        {}});
  doc.signatures = {"申请人（签名、盖章或按指印）", "受理人（签名）"};
  return doc;
}

Result<DocumentContent> session_record(const Case& c, const std::vector<HistoryEntry>& history,
                                       const DocumentNames& names, Millis today) {
  DocumentContent doc = base(DocumentKind::session_record, c, names, today);
  const std::string mediators = mediators_of(c, history, names);
  int n = 0;
  for (std::size_t i = 0; i < history.size(); ++i) {
    const HistoryEntry& e = history[i];
    if (e.event != "record_session") continue;
    std::string outcome = "继续调解";
    for (std::size_t k = i + 1; k < history.size(); ++k) {
      if (history[k].event == "record_session") break;
      if (history[k].event == "reach_agreement") outcome = "达成调解协议";
      if (history[k].event == "fail_mediation") outcome = "调解不成";
    }
    doc.blocks.push_back({"第" + std::to_string(++n) + "次调解",
                          {{"时间", chinese_date_time(e.at)},
                           {"地点", place_of(c, names)},
                           {"调解员", mediators},
                           {"到场当事人", parties_present(c)},
                           {"调解情况", text_of(e.data, "summary")},
                           {"调解结果", outcome},
                           {"记录人", e.actor}},
                          {}});
  }
  if (n == 0) return not_yet(c, "the case has no recorded mediation session (record_session)");
  doc.signatures = {"当事人（签名或按指印）", "人民调解员（签名）", "记录人（签名）"};
  return doc;
}

// The agreement's facts, issues, responsibilities, terms and performance.
void agreement_blocks(DocumentContent& doc, const HistoryEntry& agreed) {
  doc.blocks.push_back(
      {"纠纷主要事实、争议事项",
       {},
       text_of(agreed.data, "facts") + "\n争议事项：" + text_of(agreed.data, "issues")});
  const std::string responsibilities = text_of(agreed.data, "responsibilities");
  doc.blocks.push_back({"各方责任",
                        {},
                        responsibilities.empty()
                            ? std::string("各方对纠纷的发生均负有相应责任，经调解互谅互让。")
                            : responsibilities});
  doc.blocks.push_back({"经调解，自愿达成如下协议", {}, text_of(agreed.data, "terms")});
  doc.blocks.push_back({"履行协议的方式、时限",
                        {{"履行方式", text_of(agreed.data, "performance_method")},
                         {"履行期限", chinese_day(text_of(agreed.data, "performance_due")) + "前"}},
                        {}});
}

Result<DocumentContent> agreement(DocumentKind kind, const Case& c,
                                  const std::vector<HistoryEntry>& history,
                                  const DocumentNames& names, Millis today) {
  const HistoryEntry* agreed = last_of(history, "reach_agreement");
  const std::string form = kind == DocumentKind::agreement ? "written" : "oral";
  if (agreed == nullptr) return not_yet(c, "the case has no agreement yet (reach_agreement)");
  if (text_of(agreed->data, "form") != form) {
    return not_yet(c, "the case's agreement is " + text_of(agreed->data, "form") + ", not " + form +
                          ": generate the " + (form == "written" ? "oral_agreement" : "agreement") +
                          " instead");
  }
  DocumentContent doc = base(kind, c, names, today);
  doc.blocks.push_back({"当事人基本情况", party_rows(c), {}});
  agreement_blocks(doc, *agreed);
  doc.blocks.push_back({"调解情况",
                        {{"人民调解员", mediators_of(c, history, names)},
                         {"达成协议时间", chinese_date_time(agreed->at)},
                         {"纠纷类别", category_of(c, names)}},
                        {}});
  if (kind == DocumentKind::agreement) {
    doc.blocks.push_back(
        {"",
         {},
         "本协议自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章之日起生效"
         "。"
         "当事人认为有必要的，可以自本协议生效之日起三十日内共同向人民法院申请司法确认。"});
    doc.copies = "本协议书一式" + chinese_count(c.parties.size() + 1) +
                 "份，当事人各执一份，人民调解委员会留存一份。";
    for (const Party& p : c.parties) {
      doc.signatures.push_back(std::string(role_label(p.role)) + " " + p.name +
                               "（签名、盖章或按指印）");
    }
    doc.signatures.push_back("人民调解员（签名）");
    doc.signatures.push_back("人民调解委员会（盖章）");
  } else {
    doc.blocks.push_back(
        {"",
         {},
         "当事人以口头方式达成调解协议，人民调解员已记录协议内容（《人民调解法》第二十八条）。"});
    doc.signatures = {"人民调解员（签名）", "登记人（签名）"};
  }
  return doc;
}

Result<DocumentContent> follow_up(const Case& c, const std::vector<HistoryEntry>& history,
                                  const DocumentNames& names, Millis today) {
  DocumentContent doc = base(DocumentKind::follow_up, c, names, today);
  doc.blocks.push_back({"当事人", party_rows(c), {}});
  int n = 0;
  for (const HistoryEntry& e : history) {
    if (e.event != "record_follow_up") continue;
    doc.blocks.push_back({"第" + std::to_string(++n) + "次回访",
                          {{"回访时间", chinese_date_time(e.at)},
                           {"回访人", e.actor},
                           {"当事人满意度", code_word(text_of(e.data, "satisfaction"))},
                           {"回访情况", text_of(e.data, "note")}},
                          {}});
  }
  if (n == 0) return not_yet(c, "the case has no follow-up visit yet (record_follow_up)");
  doc.signatures = {"回访人（签名）", "被回访人（签名或按指印）"};
  return doc;
}

Result<DocumentContent> request_form(DocumentKind kind, const Case& c,
                                     const std::vector<HistoryEntry>& history,
                                     const DocumentNames& names, Millis today) {
  if (c.kind != CaseKind::request) {
    return not_yet(c, std::string(to_string(kind)) + " is a form of a resident request");
  }
  if (c.assignment.department.empty()) {
    return not_yet(c, "the request is not dispatched to a department yet (assign)");
  }
  DocumentContent doc = base(kind, c, names, today);
  // A request's paper is the sub-district's, not the mediation committee's.
  constexpr std::string_view kCommittee = "人民调解委员会";
  if (doc.issuer.ends_with(kCommittee)) doc.issuer.resize(doc.issuer.size() - kCommittee.size());
  std::vector<DocumentRow> requesters = party_rows(c);
  for (DocumentRow& r : requesters) r.label = "诉求人";
  doc.blocks.push_back({"诉求人", std::move(requesters), {}});
  doc.blocks.push_back({"诉求内容",
                        {{"诉求类别", category_of(c, names)},
                         {"发生地点", place_of(c, names)},
                         {"来源渠道", code_word(c.channel)},
                         {"登记时间", chinese_date_time(c.created_at)},
                         {"标题", c.title}},
                        c.description});
  const std::string assignees = people_of(c.assignment.assignees, names);
  doc.blocks.push_back({"承办",
                        {{"承办单位", lookup(names.departments, c.assignment.department)},
                         {"承办人", assignees.empty() ? std::string("—") : assignees},
                         {"办理时限", c.deadline ? chinese_date_time(*c.deadline) : "—"}},
                        {}});
  if (kind == DocumentKind::supervision) {
    int returns = 0;
    for (const HistoryEntry& e : history) returns += e.event.starts_with("return") ? 1 : 0;
    doc.blocks.push_back(
        {"督办意见",
         {{"退单次数", std::to_string(returns)},
          {"督办要求", "请承办单位于办理时限内办结，并将办理结果书面反馈督办人。"}},
         {}});
    doc.signatures = {"督办人（签名）", "承办单位负责人（签名）"};
  } else {
    doc.signatures = {"派单人（签名）", "承办人（签名）"};
  }
  return doc;
}

json::object content_json(const DocumentContent& doc) {
  json::array blocks;
  for (const DocumentBlock& b : doc.blocks) {
    json::array rows;
    for (const DocumentRow& r : b.rows)
      rows.push_back(json::array{json::string(r.label), json::string(r.value)});
    blocks.push_back(
        json::object{{"heading", b.heading}, {"rows", std::move(rows)}, {"text", b.text}});
  }
  json::array signatures;
  for (const auto& s : doc.signatures) signatures.emplace_back(s);
  return {{"kind", to_string(doc.kind)},
          {"issuer", doc.issuer},
          {"title", doc.title},
          {"case_number", doc.case_number},
          {"blocks", std::move(blocks)},
          {"copies", doc.copies},
          {"signatures", std::move(signatures)},
          {"date", doc.date}};
}

}  // namespace

std::string_view to_string(DocumentKind kind) {
  return kKinds[static_cast<std::size_t>(kind)].name;
}

std::string_view document_title(DocumentKind kind) {
  return kKinds[static_cast<std::size_t>(kind)].title;
}

std::optional<DocumentKind> parse_document_kind(std::string_view name) {
  for (const KindInfo& k : kKinds) {
    if (k.name == name) return k.kind;
  }
  return std::nullopt;
}

std::vector<std::string> staff_named(const Case& c, const std::vector<HistoryEntry>& history) {
  std::vector<std::string> ids = c.assignment.assignees;
  for (const HistoryEntry& e : history) {
    if (e.event == "accept_mediator") ids.push_back(text_of(e.data, "mediator"));
  }
  return ids;
}

Result<DocumentContent> compose_document(DocumentKind kind, const Case& c,
                                         const std::vector<HistoryEntry>& history,
                                         const DocumentNames& names, Millis today) {
  const bool for_dispute = kind != DocumentKind::work_order && kind != DocumentKind::supervision;
  if (for_dispute && c.kind != CaseKind::dispute) {
    return not_yet(c, std::string(to_string(kind)) + " is a form of a dispute");
  }
  switch (kind) {
    case DocumentKind::application:
      return application(c, history, names, today);
    case DocumentKind::session_record:
      return session_record(c, history, names, today);
    case DocumentKind::agreement:
    case DocumentKind::oral_agreement:
      return agreement(kind, c, history, names, today);
    case DocumentKind::follow_up:
      return follow_up(c, history, names, today);
    case DocumentKind::work_order:
    case DocumentKind::supervision:
      return request_form(kind, c, history, names, today);
  }
  return Error::make(ErrorKind::internal, "unknown document kind");
}

std::string document_content_sha256(const DocumentContent& doc) {
  return sha256_hex(canonical_json(content_json(doc)));
}

std::string chinese_date(Millis at) {
  using namespace std::chrono;
  const year_month_day ymd{floor<days>(sys_time<milliseconds>(milliseconds(at + kChina)))};
  return std::to_string(static_cast<int>(ymd.year())) + "年" +
         std::to_string(static_cast<unsigned>(ymd.month())) + "月" +
         std::to_string(static_cast<unsigned>(ymd.day())) + "日";
}

std::string chinese_date_time(Millis at) {
  const Millis local = at + kChina;
  const Millis minute_of_day =
      (local % (24 * 3'600'000LL) + 24 * 3'600'000LL) % (24 * 3'600'000LL) / 60'000;
  char hm[8];
  std::snprintf(hm, sizeof hm, "%02d:%02d", static_cast<int>(minute_of_day / 60),
                static_cast<int>(minute_of_day % 60));
  return chinese_date(at) + " " + hm;
}

}  // namespace outpost
