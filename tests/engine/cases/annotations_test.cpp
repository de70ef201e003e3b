// Notes and attachments, the pure parts: content-type checks, UTF-8, file
// names and note bodies (engine/cases/annotations.hpp).
#include <doctest/doctest.h>

#include <string>

#include "engine/cases/annotations.hpp"

using namespace outpost;
using namespace std::string_literals;

namespace {

const std::string kPng = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR"s;
const std::string kJpeg = "\xff\xd8\xff\xe0\0\x10JFIF\0"s;
const std::string kGif = "GIF89a\x01\0\x01\0\0\0\0;"s;
const std::string kWebp = "RIFF\x24\0\0\0WEBPVP8 "s;
const std::string kPdf = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"s;
const std::string kText = "楼上漏水，已联系物业。\nline 2\n";

bool field_has(const Error& e, const std::string& field, const std::string& needle) {
  for (const auto& f : e.fields) {
    if (f.field == field && f.message.find(needle) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_SUITE("engine_annotations") {
  TEST_CASE("engine_annotations: each supported type is recognised by its bytes") {
    CHECK(content_matches_type(kPng, "image/png"));
    CHECK(content_matches_type(kJpeg, "image/jpeg"));
    CHECK(content_matches_type(kGif, "image/gif"));
    CHECK(content_matches_type("GIF87a...", "image/gif"));
    CHECK(content_matches_type(kWebp, "image/webp"));
    CHECK(content_matches_type(kPdf, "application/pdf"));
    CHECK(content_matches_type(kText, "text/plain"));
  }

  TEST_CASE("engine_annotations: bytes of another type do not match the declared type") {
    CHECK_FALSE(content_matches_type(kText, "image/png"));
    CHECK_FALSE(content_matches_type(kJpeg, "image/png"));
    CHECK_FALSE(content_matches_type(kPng.substr(0, 7), "image/png"));
    CHECK_FALSE(content_matches_type(kPng, "image/jpeg"));
    CHECK_FALSE(content_matches_type("GIF90a", "image/gif"));
    CHECK_FALSE(content_matches_type("RIFF\x24\0\0\0WAVEfmt "s, "image/webp"));
    CHECK_FALSE(content_matches_type("RIFF", "image/webp"));
    CHECK_FALSE(content_matches_type(" %PDF-1.7", "application/pdf"));
    CHECK_FALSE(content_matches_type(kPng, "text/plain"));
    CHECK_FALSE(content_matches_type("a\0b"s, "text/plain"));
    CHECK_FALSE(content_matches_type(kPng, "application/zip"));
  }

  TEST_CASE("engine_annotations: UTF-8 is checked strictly") {
    CHECK(is_valid_utf8(""));
    CHECK(is_valid_utf8("plain ASCII"));
    CHECK(is_valid_utf8("调解 ✓ 😀"));
    CHECK(is_valid_utf8("\xf4\x8f\xbf\xbf"));        // U+10FFFF
    CHECK_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong '/'
    CHECK_FALSE(is_valid_utf8("\xe0\x80\xaf"));      // overlong
    CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate U+D800
    CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
    CHECK_FALSE(is_valid_utf8("\xe8\xb0"));          // truncated
    CHECK_FALSE(is_valid_utf8("\x80"));              // stray continuation
    CHECK_FALSE(is_valid_utf8("\xff"));
  }

  TEST_CASE("engine_annotations: the declared type is normalised to its essence") {
    CHECK(media_type_essence("Image/PNG") == "image/png");
    CHECK(media_type_essence(" text/plain ; charset=UTF-8") == "text/plain");
    CHECK(media_type_essence("") == "");
  }

  TEST_CASE("engine_annotations: check_attachment accepts a good upload and names every problem") {
    auto ok = check_attachment({"image/PNG", "现场照片.png", kPng});
    REQUIRE(ok);
    CHECK(ok.value() == "image/png");
    CHECK(check_attachment({"text/plain; charset=utf-8", "记录.txt", kText}));

    SUBCASE("an unsupported type is refused naming the type") {
      auto r = check_attachment({"application/zip", "a.zip", "PK\x03\x04"});
      REQUIRE_FALSE(r);
      CHECK(r.error().kind == ErrorKind::invalid);
      CHECK(r.error().message.find("unsupported type 'application/zip'") != std::string::npos);
      CHECK(field_has(r.error(), "media_type", "application/zip"));
    }
    SUBCASE("a text file declared as PNG is refused") {
      auto r = check_attachment({"image/png", "fake.png", kText});
      REQUIRE_FALSE(r);
      CHECK(r.error().kind == ErrorKind::invalid);
      CHECK(field_has(r.error(), "body", "image/png"));
    }
    SUBCASE("text/plain in another charset is refused") {
      auto r = check_attachment({"text/plain; charset=gbk", "a.txt", "abc"});
      REQUIRE_FALSE(r);
      CHECK(field_has(r.error(), "media_type", "UTF-8"));
    }
    SUBCASE("an empty file, a missing type and a missing name are all reported") {
      auto r = check_attachment({"", "", ""});
      REQUIRE_FALSE(r);
      CHECK(field_has(r.error(), "media_type", "required"));
      CHECK(field_has(r.error(), "body", "empty"));
      CHECK(field_has(r.error(), "file_name", "required"));
    }
    SUBCASE("file names: at most 255 bytes, no '/', no control characters, UTF-8") {
      CHECK(check_attachment({"image/png", std::string(255, 'a'), kPng}));
      CHECK_FALSE(check_attachment({"image/png", std::string(256, 'a'), kPng}));
      CHECK_FALSE(check_attachment({"image/png", "../etc/passwd", kPng}));
      CHECK_FALSE(check_attachment({"image/png", "a\nb.png", kPng}));
      CHECK_FALSE(check_attachment({"image/png", "a\x7f.png", kPng}));
      CHECK_FALSE(check_attachment({"image/png", "\xff.png", kPng}));
    }
    SUBCASE("file names that name a directory or hide their extension are refused") {
      for (const char* name : {".", "..", "..\\..\\win.ini", "a\\b.png", "\xe2\x80\xaegnp.exe",
                               "a\xe2\x81\xa6"
                               "b.png"}) {
        CAPTURE(name);
        auto r = check_attachment({"image/png", name, kPng});
        REQUIRE_FALSE(r);
        CHECK(field_has(r.error(), "file_name", ".."));
      }
      CHECK(check_attachment({"image/png", "..a.png", kPng}));
      CHECK(check_attachment({"image/png", "调解书 ✓.png", kPng}));
    }
  }

  TEST_CASE("engine_annotations: note bodies and visibility are checked") {
    const auto fields = [](const NoteDraft& d) {
      std::vector<std::string> out;
      for (const FieldError& f : note_errors(d)) out.push_back(f.field);
      return out;
    };
    CHECK(note_errors({"已回访", "internal"}).empty());
    CHECK(note_errors({"x", "public"}).empty());
    CHECK(fields({"", "secret"}) == std::vector<std::string>{"body", "visibility"});
    const std::string longest(kMaxNoteBytes, 'x');
    CHECK(note_errors({longest, "internal"}).empty());
    CHECK(fields({longest + "x", "internal"}) == std::vector<std::string>{"body"});
    CHECK(fields({"\xff", "internal"}) == std::vector<std::string>{"body"});
  }
}
