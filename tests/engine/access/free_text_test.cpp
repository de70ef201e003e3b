// Personal numbers in free text (engine/access/free_text.hpp): what is found,
// how it is masked, what is left alone, and what a change keeps aside.
#include <string>

#include <doctest/doctest.h>
#include <boost/json/array.hpp>

#include "engine/access/free_text.hpp"

using namespace outpost;

namespace {

// Valid by ISO 7064 MOD 11-2 (checked by hand against GB 11643's table).
constexpr const char* kId = "500109198801012341";
constexpr const char* kIdX = "11010519491231002X";

}  // namespace

TEST_SUITE("free_text") {
  TEST_CASE("mobile numbers are masked with or without prefix and separators") {
    CHECK(mask_personal_numbers("请回电13800138000谢谢") == "请回电138****8000谢谢");
    CHECK(mask_personal_numbers("电话：+86 138-0013-8000。") == "电话：+86 138****8000。");
    CHECK(mask_personal_numbers("手机 86-13912345678") == "手机 86-139****5678");
    CHECK(mask_personal_numbers("0086 15012345678") == "0086 150****5678");
    CHECK(mask_personal_numbers("139 1234 5678 或 17700001111") == "139****5678 或 177****1111");
    CHECK(mask_personal_numbers("+8613800138000") == "+86138****8000");
    const auto found = find_personal_numbers("a 13800138000 b");
    REQUIRE(found.size() == 1);
    CHECK(found[0].kind == PersonalNumberKind::mobile);
    CHECK(found[0].offset == 2);
    CHECK(found[0].length == 11);
  }

  TEST_CASE("landline numbers with their area code are masked but for the last four digits") {
    CHECK(mask_personal_numbers("座机023-68881234") == "座机023-****1234");
    CHECK(mask_personal_numbers("(023)68881234") == "(023)****1234");
    CHECK(mask_personal_numbers("（0755）2345678转") == "（0755）***5678转");
    CHECK(mask_personal_numbers("010 82345678") == "010 ****5678");
    CHECK(find_personal_numbers("023-68881234").at(0).kind == PersonalNumberKind::landline);
  }

  TEST_CASE("resident ID numbers need a valid check character and birth date") {
    CHECK(is_resident_id_number(kId));
    CHECK(is_resident_id_number(kIdX));
    CHECK(is_resident_id_number("11010519491231002x"));
    CHECK_FALSE(is_resident_id_number("500109198801012345"));  // check character 1 expected
    CHECK_FALSE(is_resident_id_number("500109198813012341"));  // month 13
    CHECK(is_resident_id_number("110105491231002"));           // old 15-digit form
    CHECK_FALSE(is_resident_id_number("110105491331002"));
    CHECK(mask_personal_numbers(std::string("身份证") + kId + "。") ==
          "身份证5001**********2341。");
    CHECK(mask_personal_numbers(std::string("ID ") + kIdX) == "ID 1101**********002X");
    CHECK(find_personal_numbers(kId).at(0).kind == PersonalNumberKind::resident_id);
  }

  TEST_CASE("amounts and dates and case numbers and numbers inside words stay as typed") {
    for (const char* text :
         {"金额12345678901234567元", "500109198801012345", "2026-03-01 14:30", "JF-2026-000123",
          "编号12345678901", "订单 8613800138000123", "abc13800138000", "13800138000abc",
          "1380013800", "123456789012345", "IBAN DE44500105175407324931", "合计13800138000.50元",
          "0.13800138000", "0000-12345678", "10%的13800１38000"}) {
      CAPTURE(text);
      CHECK(mask_personal_numbers(text) == text);
      CHECK(find_personal_numbers(text).empty());
    }
  }

  TEST_CASE("masked text holds no number any more") {
    const std::string once = mask_personal_numbers(std::string("13800138000 023-68881234 ") + kId +
                                                   " +86 139 1234 5678");
    CHECK(once == "138****8000 023-****1234 5001**********2341 +86 139****5678");
    CHECK(mask_personal_numbers(once) == once);
  }

  TEST_CASE("a change keeps the originals aside and stores the masked text") {
    Case c;
    c.title = "邻里纠纷";
    c.description = "申请人电话13800138000";
    boost::json::object data{{"summary", "约定回电13912345678"},
                             {"assignees", boost::json::array{"grid.wang", "13700137000"}},
                             {"days", 3}};
    conceal_free_text(c, 4, data);
    CHECK(c.title == "邻里纠纷");
    CHECK(c.description == "申请人电话138****8000");
    CHECK(data.at("summary") == "约定回电139****5678");
    CHECK(data.at("assignees").as_array().at(1) == "137****7000");
    CHECK(data.at("days") == 3);
    REQUIRE(c.clear_texts.size() == 3);
    CHECK(c.clear_texts[0] == ClearText{0, "description", "申请人电话13800138000"});
    CHECK(c.clear_texts[1] == ClearText{4, "summary", "约定回电13912345678"});
    CHECK(c.clear_texts[2] == ClearText{4, "assignees[1]", "13700137000"});

    // Concealing the masked case again keeps what it had; a changed field
    // replaces its original, or drops it when the new text has no number.
    boost::json::object none;
    conceal_free_text(c, 5, none);
    CHECK(c.clear_texts.size() == 3);
    c.description = "新电话15000000000";
    conceal_free_text(c, 6, none);
    CHECK(c.clear_texts.back() == ClearText{0, "description", "新电话15000000000"});
    CHECK(c.clear_texts.size() == 3);
    c.description = "已无电话";
    conceal_free_text(c, 7, none);
    CHECK(c.clear_texts.size() == 2);
  }
}
