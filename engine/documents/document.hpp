// File: engine/documents/document.hpp
//
// What a case document says (人民调解申请书, 调解记录, 人民调解协议书, 口头调解协议登记,
// 回访记录, 工单, 督办单), as a plain value composed from the case and its
// history; no I/O. An adapter (adapters/documents/) draws it on A4 paper.
//
//   auto kind = parse_document_kind("agreement");            // nullopt: unknown
//   auto doc = compose_document(*kind, c, history, names);   // not_allowed_in_state
//   std::string hash = document_content_sha256(doc.value()); // what the QR carries
//
// The content's SHA-256 (of its canonical JSON) is what the printed QR code
// and the verify code carry: the file's own hash cannot be printed inside the
// file. The history entry of a generated document holds both.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/cases/case.hpp"
#include "engine/core/error.hpp"

namespace outpost {

enum class DocumentKind : std::uint8_t {
  application,     // 人民调解申请书 / 受理登记表 (with the Art. 17 consent)
  session_record,  // 调解记录, one block per recorded session
  agreement,       // 人民调解协议书 (Art. 29), a written agreement
  oral_agreement,  // 口头调解协议登记 (Art. 28)
  follow_up,       // 回访记录
  work_order,      // 工单 (resident request)
  supervision,     // 督办单 (resident request)
};
inline constexpr std::array<DocumentKind, 7> kDocumentKinds{
    DocumentKind::application,    DocumentKind::session_record, DocumentKind::agreement,
    DocumentKind::oral_agreement, DocumentKind::follow_up,      DocumentKind::work_order,
    DocumentKind::supervision};
std::string_view to_string(DocumentKind kind);
// The form's zh-CN title, e.g. "人民调解协议书".
std::string_view document_title(DocumentKind kind);
std::optional<DocumentKind> parse_document_kind(std::string_view name);

// A labelled value of a form's table ("当事人", "张秀英 …").
struct DocumentRow {
  std::string label;
  std::string value;
};

// One part of a form: a heading, then a table of rows and/or a paragraph.
struct DocumentBlock {
  std::string heading;
  std::vector<DocumentRow> rows;
  std::string text;
};

struct DocumentContent {
  DocumentKind kind = DocumentKind::agreement;
  std::string issuer;       // "龙凤桥街道人民调解委员会"
  std::string title;        // "人民调解协议书"
  std::string case_number;  // "JF-2026-000123"
  std::vector<DocumentBlock> blocks;
  std::string copies;  // "本协议书一式三份，…" (empty: none)
  std::vector<std::string>
      signatures;    // one signing line each, e.g. "当事人（签名、盖章或按指印）"
  std::string date;  // "2026年12月6日" (Asia/Shanghai)
};

// The names a form prints instead of codes.
struct DocumentNames {
  std::string committee;                          // the mediation committee (the issuer)
  std::map<std::string, std::string> places;      // community / grid code → name
  std::map<std::string, std::string> categories;  // "dispute/neighbour" → "邻里纠纷"
  std::map<std::string, std::string> departments;
  std::map<std::string, std::string> people;  // staff id ("police-01") → name ("孙强远")
};

// The document of `kind` for the case as of its history, printed on `today`.
// not_allowed_in_state when the case has not reached what the form records
// (no written agreement for an agreement, no session for a session record,
// …) or is of the other kind (a 工单 of a dispute).
Result<DocumentContent> compose_document(DocumentKind kind, const Case& c,
                                         const std::vector<HistoryEntry>& history,
                                         const DocumentNames& names, Millis today);

// The staff ids a document of the case may print: its assignees and every
// mediator a party accepted (accept_mediator), for DocumentNames::people.
std::vector<std::string> staff_named(const Case& c, const std::vector<HistoryEntry>& history);

// SHA-256 (hex) of the content's canonical JSON.
std::string document_content_sha256(const DocumentContent& doc);

// "2026年12月6日" for an instant, in Asia/Shanghai (UTC+8, no DST).
std::string chinese_date(Millis at);
// "2026年12月6日 14:05".
std::string chinese_date_time(Millis at);

}  // namespace outpost
