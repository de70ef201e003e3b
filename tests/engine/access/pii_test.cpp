// Personal data at rest (engine/access/pii.hpp) and masking (engine/access/masking.hpp).
#include <string>
#include <string_view>
#include <vector>

#include <doctest/doctest.h>

#include "engine/access/masking.hpp"
#include "engine/access/pii.hpp"

using namespace outpost;

TEST_SUITE("pii") {
  TEST_CASE("sealed values open with the same key only, and never show the clear text") {
    const PiiKey key = PiiKey::generate();
    const PiiCipher cipher(key);
    const std::string clear = R"([{"name":"张三","phone":"13800138000"}])";
    const std::string sealed = cipher.seal(clear);
    CHECK(PiiCipher::is_sealed(sealed));
    CHECK(sealed.find("13800138000") == std::string::npos);
    CHECK(sealed.find("张三") == std::string::npos);
    CHECK(cipher.open(sealed) == clear);
    CHECK(cipher.seal(clear) != sealed);  // a fresh nonce each time

    const PiiCipher other(PiiKey::generate());
    CHECK_FALSE(other.open(sealed));
    std::string tampered = sealed;
    tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
    CHECK_FALSE(cipher.open(tampered));
    CHECK_FALSE(cipher.open(clear));
    CHECK_FALSE(cipher.open("x1:not base64!"));
  }

  TEST_CASE("a sealed value opens only as stored: no cut, no blanks, no foreign characters") {
    const PiiCipher cipher(PiiKey::generate());
    for (const std::string clear : {"", "a", "ab", "abc", "张三 13800138000"}) {
      const std::string sealed = cipher.seal(clear);
      REQUIRE(cipher.open(sealed) == clear);
      CHECK_FALSE(cipher.open(sealed.substr(0, sealed.size() - 1)));
      CHECK_FALSE(cipher.open(sealed.substr(0, sealed.size() - 4)));
      CHECK_FALSE(cipher.open(sealed + " "));
      CHECK_FALSE(cipher.open(sealed + "===="));
      CHECK_FALSE(cipher.open("x1: " + sealed.substr(3)));
      std::string inner = sealed;
      inner[inner.size() / 2] = '\n';
      CHECK_FALSE(cipher.open(inner));
      CHECK_FALSE(cipher.open("x1:"));
    }
  }

  TEST_CASE("keys are 64 hex digits and round-trip through their text") {
    const PiiKey key = PiiKey::generate();
    auto again = PiiKey::from_text(" " + key.to_text() + "\n");
    REQUIRE(again);
    CHECK(again.value().bytes() == key.bytes());
    CHECK_FALSE(PiiKey::from_text("abc"));
    CHECK_FALSE(PiiKey::from_text(std::string(64, 'g')));
  }

  TEST_CASE("the phone index is keyed and ignores formatting") {
    const PiiCipher cipher(PiiKey::generate());
    const std::string idx = cipher.phone_index("13800138000");
    CHECK(idx.size() == 64);
    CHECK(idx.find("13800138000") == std::string::npos);
    CHECK(cipher.phone_index("138 0013-8000") == idx);
    CHECK(cipher.phone_index("+86 138 0013 8000") == idx);
    CHECK(cipher.phone_index("13900139000") != idx);
    CHECK(PiiCipher(PiiKey::generate()).phone_index("13800138000") != idx);
    CHECK(cipher.phone_index("none").empty());
  }

  TEST_CASE("names keep their first character") {
    CHECK(mask_name("张三") == "张*");
    CHECK(mask_name("王桂兰") == "王**");
    CHECK(mask_name("欧阳娜娜") == "欧***");
    CHECK(mask_name("Li") == "L*");
    CHECK(mask_name("张") == "张*");
    CHECK(mask_name("") == "");
    CHECK(mask_phone("13800138000") == "138****8000");
    CHECK(mask_id_number("500101199001011234") == "5001**********1234");
  }

  TEST_CASE("masking a masked value changes nothing, so lists can show the stored masked form") {
    for (std::string_view name : {"张三", "王桂兰", "欧阳娜娜", "Li", "张", "", "已脱敏"}) {
      CHECK(mask_name(mask_name(name)) == mask_name(name));
    }
    for (std::string_view number :
         {"13800138000", "+86 138-0013-8000", "12345", "1", "", "500101199001011234", "5001"}) {
      CHECK(mask_phone(mask_phone(number)) == mask_phone(number));
      CHECK(mask_id_number(mask_id_number(number)) == mask_id_number(number));
    }
    const std::vector<Party> parties{{"applicant", "张三", "13800138000", "500101199001011234"},
                                     {"respondent", "李建国", "", ""}};
    const std::vector<Party> masked = masked_parties(parties);
    REQUIRE(masked.size() == 2);
    CHECK(masked[0].role == "applicant");
    CHECK(masked[0].name == "张*");
    CHECK(masked[0].phone == "138****8000");
    CHECK(masked[0].id_number == "5001**********1234");
    CHECK(masked[1].role == "respondent");
    CHECK(masked[1].name == "李**");
    CHECK(masked[1].phone.empty());
    CHECK(masked[1].id_number.empty());
    const std::vector<Party> twice = masked_parties(masked);
    CHECK(twice[0].name == masked[0].name);
    CHECK(twice[0].phone == masked[0].phone);
    CHECK(twice[0].id_number == masked[0].id_number);
  }
}
