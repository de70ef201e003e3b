// File: adapters/documents/pdf_renderer.hpp
//
// The document renderer port (engine/documents/document_service.hpp) as A4
// PDF: cairo's PDF surface, Pango layouts in Noto Serif CJK SC / Noto Sans
// CJK SC (fontconfig; cairo embeds the glyphs used as font subsets), the QR
// code (libqrencode, error correction M) as vector squares at the top right
// of the first page with the verify code beneath, and on every page a footer
// with the case number and "第 n 页 共 N 页". Blocks that do not fit move to
// the next page; a paragraph breaks between its lines.
//
//   PdfRenderer pdf;
//   Result<std::string> bytes = pdf.render(content, "OUTPOST-DOC|JF-2026-000001|9|…");
//
// Thread-safe: each call has its own surface.
#pragma once

#include <string>
#include <string_view>

#include "engine/documents/document_service.hpp"

namespace outpost::documents {

class PdfRenderer final : public DocumentRenderer {
 public:
  Result<std::string> render(const DocumentContent& doc, std::string_view qr_payload) override;
};

}  // namespace outpost::documents
