#include "adapters/documents/pdf_renderer.hpp"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace outpost::documents {
namespace {

constexpr double kPageWidth = 595.276;  // A4 in points
constexpr double kPageHeight = 841.890;
constexpr double kMargin = 62.0;
constexpr double kTop = 56.0;
constexpr double kBottom = kPageHeight - 70.0;  // the footer lives below
constexpr double kWidth = kPageWidth - 2 * kMargin;
constexpr double kLabelWidth = 118.0;
constexpr double kPad = 6.0;
constexpr double kQrSize = 92.0;

constexpr const char* kSerif = "Noto Serif CJK SC 10.5";
constexpr const char* kSerifSmall = "Noto Serif CJK SC 9";
constexpr const char* kSans = "Noto Sans CJK SC Bold 11";
constexpr const char* kLabel = "Noto Sans CJK SC 10";
constexpr const char* kSansSmall = "Noto Sans CJK SC 7.5";
constexpr const char* kTitle = "Noto Serif CJK SC Bold 21";
constexpr const char* kTitleLong = "Noto Serif CJK SC Bold 16";
constexpr const char* kIssuer = "Noto Serif CJK SC 12";

struct CairoDeleter {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
  void operator()(PangoLayout* l) const { g_object_unref(l); }
  void operator()(PangoFontDescription* f) const { pango_font_description_free(f); }
  void operator()(QRcode* q) const { QRcode_free(q); }
};
template <class T>
using Owned = std::unique_ptr<T, CairoDeleter>;

cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// Lays the document out page by page. Run once to count the pages (nothing
// kept), then again to draw them with "共 N 页" known.
class Painter {
 public:
  Painter(cairo_t* cr, const DocumentContent& doc, std::string_view qr_payload, int pages)
      : cr_(cr), doc_(doc), qr_payload_(qr_payload), pages_(pages) {}

  Status paint() {
    start_page();
    heading_area();
    for (const DocumentBlock& b : doc_.blocks) block(b);
    closing();
    finish_page();
    return Ok{};
  }
  int pages() const { return page_; }

 private:
  Owned<PangoLayout> layout(const char* font, std::string_view text, double width,
                            PangoAlignment align = PANGO_ALIGN_LEFT) const {
    Owned<PangoLayout> l(pango_cairo_create_layout(cr_));
    Owned<PangoFontDescription> f(pango_font_description_from_string(font));
    pango_layout_set_font_description(l.get(), f.get());
    pango_layout_set_width(l.get(), static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(l.get(), PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(l.get(), align);
    pango_layout_set_spacing(l.get(), static_cast<int>(3 * PANGO_SCALE));
    pango_layout_set_text(l.get(), text.data(), static_cast<int>(text.size()));
    return l;
  }
  static double height_of(PangoLayout* l) {
    int w = 0, h = 0;
    pango_layout_get_size(l, &w, &h);
    return static_cast<double>(h) / PANGO_SCALE;
  }
  void show(PangoLayout* l, double x, double y) {
    cairo_move_to(cr_, x, y);
    pango_cairo_show_layout(cr_, l);
  }
  // Moves to the next page unless `height` still fits on this one.
  void need(double height) {
    if (y_ + height <= kBottom || y_ <= kTop + 1) return;
    finish_page();
    cairo_show_page(cr_);
    start_page();
  }
  void start_page() {
    ++page_;
    y_ = kTop;
  }
  void finish_page() {
    const std::string left = "案号 " + doc_.case_number + " · " + doc_.title;
    const std::string right =
        pages_ > 0 ? "第 " + std::to_string(page_) + " 页 共 " + std::to_string(pages_) + " 页"
                   : std::string();
    cairo_set_source_rgb(cr_, 0.35, 0.35, 0.35);
    cairo_set_line_width(cr_, 0.5);
    cairo_move_to(cr_, kMargin, kBottom + 22);
    cairo_line_to(cr_, kPageWidth - kMargin, kBottom + 22);
    cairo_stroke(cr_);
    show(layout(kSerifSmall, left, kWidth).get(), kMargin, kBottom + 27);
    show(layout(kSerifSmall, right, kWidth, PANGO_ALIGN_RIGHT).get(), kMargin, kBottom + 27);
    cairo_set_source_rgb(cr_, 0, 0, 0);
  }

  void heading_area() {
    const double text_width = kWidth - 2 * (kQrSize + 8);
    auto issuer = layout(kIssuer, doc_.issuer, text_width, PANGO_ALIGN_CENTER);
    show(issuer.get(), kMargin + kQrSize + 8, y_ + 6);
    auto title = layout(kTitle, doc_.title, text_width, PANGO_ALIGN_CENTER);
    if (pango_layout_get_line_count(title.get()) > 1) {  // a long title: smaller, on one line
      title = layout(kTitleLong, doc_.title, text_width, PANGO_ALIGN_CENTER);
    }
    const double title_top = y_ + 12 + height_of(issuer.get());
    show(title.get(), kMargin + kQrSize + 8, title_top);
    qr_code(kPageWidth - kMargin - kQrSize, y_ - 8);
    y_ = std::max(y_ + kQrSize + 6, title_top + height_of(title.get()) + 4);
    auto caption = layout(
        kSansSmall, "扫码核验 · 文书编号 " + doc_.case_number + "-" + std::string(document_id()),
        kQrSize + 40, PANGO_ALIGN_RIGHT);
    show(caption.get(), kPageWidth - kMargin - kQrSize - 40, y_ - 10);
    auto number = layout(kSerif, "编号：" + doc_.case_number, kWidth);
    show(number.get(), kMargin, y_);
    y_ += height_of(number.get()) + 6;
    cairo_set_line_width(cr_, 1.2);
    cairo_move_to(cr_, kMargin, y_);
    cairo_line_to(cr_, kPageWidth - kMargin, y_);
    cairo_stroke(cr_);
    y_ += 12;
  }
  // The document id of the payload "OUTPOST-DOC|number|id|hash".
  std::string_view document_id() const {
    std::string_view p = qr_payload_;
    for (int i = 0; i < 2 && p.find('|') != std::string_view::npos; ++i) {
      p.remove_prefix(p.find('|') + 1);
    }
    return p.substr(0, p.find('|'));
  }

  void qr_code(double x, double y) {
    const std::string payload(qr_payload_);
    Owned<QRcode> qr(QRcode_encodeString8bit(payload.c_str(), 0, QR_ECLEVEL_M));
    if (!qr) return;
    const int n = qr->width;
    const double module = kQrSize / (n + 8);  // a quiet zone of four modules each side
    cairo_set_source_rgb(cr_, 1, 1, 1);
    cairo_rectangle(cr_, x, y, kQrSize, kQrSize);
    cairo_fill(cr_);
    cairo_set_source_rgb(cr_, 0, 0, 0);
    for (int row = 0; row < n; ++row) {
      for (int col = 0; col < n; ++col) {
        if ((qr->data[row * n + col] & 1) == 0) continue;
        cairo_rectangle(cr_, x + (col + 4) * module, y + (row + 4) * module, module, module);
      }
    }
    cairo_fill(cr_);
  }

  void block(const DocumentBlock& b) {
    if (!b.heading.empty()) {
      auto h = layout(kSans, b.heading, kWidth);
      need(height_of(h.get()) + 40);  // a heading never ends a page alone
      show(h.get(), kMargin, y_);
      y_ += height_of(h.get()) + 5;
    }
    for (const DocumentRow& r : b.rows) row(r);
    if (!b.rows.empty()) y_ += 6;
    if (!b.text.empty()) paragraph(b.text, kSerif, 2 * 10.5);
    y_ += 6;
  }

  void row(const DocumentRow& r) {
    auto label = layout(kLabel, r.label, kLabelWidth - 2 * kPad);
    auto value = layout(kSerif, r.value, kWidth - kLabelWidth - 2 * kPad);
    const double h = std::max(height_of(label.get()), height_of(value.get())) + 2 * kPad;
    need(h);
    cairo_set_line_width(cr_, 0.6);
    cairo_set_source_rgb(cr_, 0.95, 0.95, 0.95);
    cairo_rectangle(cr_, kMargin, y_, kLabelWidth, h);
    cairo_fill(cr_);
    cairo_set_source_rgb(cr_, 0, 0, 0);
    cairo_rectangle(cr_, kMargin, y_, kLabelWidth, h);
    cairo_rectangle(cr_, kMargin + kLabelWidth, y_, kWidth - kLabelWidth, h);
    cairo_stroke(cr_);
    show(label.get(), kMargin + kPad, y_ + kPad);
    show(value.get(), kMargin + kLabelWidth + kPad, y_ + kPad);
    y_ += h;
  }

  // Line by line, so that a long text continues on the next page; the first
  // line of each paragraph indented by two characters.
  void paragraph(const std::string& text, const char* font, double indent) {
    auto l = layout(font, text, kWidth);
    pango_layout_set_indent(l.get(), static_cast<int>(indent * PANGO_SCALE));
    PangoLayoutIter* it = pango_layout_get_iter(l.get());
    do {
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(it, nullptr, &logical);
      const double top = static_cast<double>(logical.y) / PANGO_SCALE;
      const double h = static_cast<double>(logical.height) / PANGO_SCALE + 3;
      const double baseline = static_cast<double>(pango_layout_iter_get_baseline(it)) / PANGO_SCALE;
      need(h);
      cairo_move_to(cr_, kMargin + static_cast<double>(logical.x) / PANGO_SCALE,
                    y_ + baseline - top);
      pango_cairo_show_layout_line(cr_, pango_layout_iter_get_line_readonly(it));
      y_ += h;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
  }

  void closing() {
    if (!doc_.copies.empty()) paragraph(doc_.copies, kSerif, 2 * 10.5);
    y_ += 10;
    for (const std::string& s : doc_.signatures) {
      auto label = layout(kSerif, s, kWidth * 0.62);
      auto date = layout(kSerif, "　　　　年　　月　　日", kWidth * 0.38, PANGO_ALIGN_RIGHT);
      const double h = std::max(height_of(label.get()), 16.0) + 26;
      need(h);
      show(label.get(), kMargin, y_ + 8);
      cairo_set_line_width(cr_, 0.6);
      const double line_y = y_ + 8 + height_of(label.get()) + 14;
      cairo_move_to(cr_, kMargin, line_y);
      cairo_line_to(cr_, kMargin + kWidth * 0.55, line_y);
      cairo_stroke(cr_);
      show(date.get(), kMargin + kWidth * 0.62, line_y - 16);
      y_ += h;
    }
    auto made = layout(kSerif, "制作日期：" + doc_.date, kWidth, PANGO_ALIGN_RIGHT);
    need(height_of(made.get()) + 12);
    y_ += 12;
    show(made.get(), kMargin, y_);
    y_ += height_of(made.get());
  }

  cairo_t* cr_;
  const DocumentContent& doc_;
  std::string_view qr_payload_;
  int pages_;
  int page_ = 0;
  double y_ = kTop;
};

// One pass; `pages` 0 counts, > 0 draws "共 N 页". The PDF's bytes go to `out`.
Result<int> paint(const DocumentContent& doc, std::string_view qr_payload, int pages,
                  std::string& out) {
  Owned<cairo_surface_t> surface(
      cairo_pdf_surface_create_for_stream(append_bytes, &out, kPageWidth, kPageHeight));
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, doc.title.c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "Outpost");
  Owned<cairo_t> cr(cairo_create(surface.get()));
  Painter painter(cr.get(), doc, qr_payload, pages);
  if (Status s = painter.paint(); !s) return s.error();
  cr.reset();
  cairo_surface_finish(surface.get());
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return Error::make(
        ErrorKind::internal,
        std::string("PDF: ") + cairo_status_to_string(cairo_surface_status(surface.get())));
  }
  return painter.pages();
}

}  // namespace

Result<std::string> PdfRenderer::render(const DocumentContent& doc, std::string_view qr_payload) {
  std::string counted;
  auto pages = paint(doc, qr_payload, 0, counted);
  if (!pages) return pages.error();
  std::string pdf;
  auto drawn = paint(doc, qr_payload, pages.value(), pdf);
  if (!drawn) return drawn.error();
  return pdf;
}

}  // namespace outpost::documents
