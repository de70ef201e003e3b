// The CSV writer (adapters/export/csv.hpp): BOM, CRLF, RFC 4180 quoting and
// the formula-injection rule, cell by cell.
#include <doctest/doctest.h>

#include <string>

#include "adapters/export/csv.hpp"

using outpost::csv::append_field;
using outpost::csv::CsvWriter;
using outpost::csv::looks_like_formula;

namespace {

std::string text_cell(std::string_view cell) {
  std::string out;
  CsvWriter(out).text(cell);
  return out;
}

std::string our_cell(std::string_view cell) {
  std::string out;
  CsvWriter(out).ours(cell);
  return out;
}

}  // namespace

TEST_SUITE("export_csv") {
  TEST_CASE("a file starts with the UTF-8 BOM and every row ends with CRLF") {
    std::string out;
    CsvWriter csv(out);
    csv.bom().ours("案件编号").ours("标题").end_row();
    csv.number(17).text("楼道灯坏了").end_row();
    CHECK(out == "\xEF\xBB\xBF案件编号,标题\r\n17,楼道灯坏了\r\n");
  }

  TEST_CASE("fields with a comma, a quote, CR or LF are quoted and inner quotes doubled") {
    CHECK(our_cell("plain") == "plain");
    CHECK(our_cell("a,b") == "\"a,b\"");
    CHECK(our_cell("他说\"修好了\"") == "\"他说\"\"修好了\"\"\"");
    CHECK(our_cell("line1\nline2") == "\"line1\nline2\"");
    CHECK(our_cell("line1\r\nline2") == "\"line1\r\nline2\"");
    CHECK(our_cell("\"") == "\"\"\"\"");
    CHECK(our_cell("") == "");
    std::string out;
    append_field(out, "x,\"y\"");
    CHECK(out == "\"x,\"\"y\"\"\"");
  }

  TEST_CASE("a person's cell that a spreadsheet would run as a formula gets an apostrophe") {
    CHECK(text_cell("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0");
    CHECK(text_cell("+1") == "'+1");
    CHECK(text_cell("-2") == "'-2");
    CHECK(text_cell("@SUM(1)") == "'@SUM(1)");
    CHECK(text_cell("\tlead") == "'\tlead");
    // CR forces quoting as well.
    CHECK(text_cell("\rlead") == "\"'\rlead\"");
    // Neutralised and quoted: the apostrophe sits inside the quotes.
    CHECK(text_cell("=HYPERLINK(\"http://x\",\"y\")") ==
          "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
    // Not at the start, or not a trigger: unchanged.
    CHECK(text_cell("a=b") == "a=b");
    CHECK(text_cell(" =1") == " =1");
    CHECK(text_cell("1+1") == "1+1");
    CHECK(text_cell("") == "");
  }

  TEST_CASE("values the system produces are never neutralised") {
    CHECK(our_cell("-") == "-");
    CHECK(our_cell("+08:00") == "+08:00");
    std::string out;
    CsvWriter(out).number(-5).number(123);
    CHECK(out == "-5,123");
    CHECK(looks_like_formula("=1"));
    CHECK_FALSE(looks_like_formula("JF-2026-000001"));
  }
}
