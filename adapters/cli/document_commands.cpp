#include "adapters/cli/document_commands.hpp"

#include <fstream>
#include <iostream>
#include <iterator>

#include "engine/cases/audit_chain.hpp"

namespace outpost::cli {
namespace {

int refuse(const std::string& zh, const std::string& en) {
  std::cout << "文书校验失败 / document verification FAILED: " << zh << " / " << en << "\n";
  return 1;
}

std::string data_text(const HistoryEntry& e, std::string_view key) {
  const auto* v = e.data.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

}  // namespace

int verify_document(Stores& stores, HistoryProofs& proofs, const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << "outpost audit: cannot read " << file << "\n";
    return 2;
  }
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  const std::string sha = sha256_hex(bytes);
  std::cout << "SHA-256 " << sha << "\n";
  auto found = stores.documents.find_by_sha256(sha);
  if (!found) return refuse("数据库不可用", found.error().message);
  if (!found.value()) {
    return refuse("没有哈希值相同的存档文书，文件可能被改动",
                  "no stored document has this SHA-256: the file was changed or is not ours");
  }
  const DocumentRecord& d = *found.value();
  auto history = stores.cases.history(d.case_id);
  if (!history) return refuse("无法读取案件历史", history.error().message);
  const auto& entries = history.value();
  std::size_t index = entries.size();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].seq == d.seq) index = i;
  }
  if (index == entries.size() || entries[index].event != "generate_document" ||
      data_text(entries[index], "sha256") != sha) {
    return refuse("案件历史中没有记录此文书",
                  "the case history has no generate_document entry with this SHA-256");
  }
  auto report = proofs.verify_case(d.case_id, entries);
  if (!report) return refuse("无法校验案件历史", report.error().message);
  const CaseVerification& v = report.value();
  if (v.first_bad) {
    return refuse("案件历史哈希链断裂",
                  "the case's history chain is broken at seq " + std::to_string(v.first_bad->seq));
  }
  if (v.checkpoint && (!v.signature_ok || v.first_not_proven)) {
    return refuse("签名检查点不能证明案件历史",
                  "the signed checkpoint does not prove the case's history");
  }
  std::cout << "案号 / case " << d.case_number << ", 文书 / document " << d.seq << " ("
            << to_string(d.kind) << "), 历史记录 / history entry seq " << d.seq << "\n";
  if (v.checkpoint && static_cast<std::int64_t>(index) < v.entries_in_checkpoint) {
    std::cout << "文书校验通过，已由签名检查点证明 / document verified: its history entry is "
                 "included in the signed checkpoint of "
              << v.checkpoint->tree_size << " entries\n";
  } else {
    std::cout << "文书校验通过（哈希链），尚未纳入签名检查点 / document verified against the "
                 "hash chain; no signed checkpoint covers its entry yet\n";
  }
  return 0;
}

}  // namespace outpost::cli
