#include <doctest/doctest.h>

#include <string>

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include "engine/core/json_string.hpp"

using namespace outpost;

namespace {

std::string written(std::string_view s) {
  std::string out = "x";  // appended to what is there
  append_json_string(out, s);
  return out.substr(1);
}

std::string boost_writes(std::string_view s) {
  return boost::json::serialize(boost::json::string(s));
}

}  // namespace

TEST_SUITE("core_json_string") {
  // Boost.JSON is the judge: the stored columns and the responses were
  // written with it before, and are read back with it.
  TEST_CASE("every byte is written as Boost.JSON writes it") {
    for (int b = 0; b < 256; ++b) {
      const std::string one(1, static_cast<char>(b));
      CAPTURE(b);
      CHECK(written(one) == boost_writes(one));
      // Inside a longer run too: the eight-byte scan must still find it.
      const std::string inside = "abcdefghij" + one + "klmnopqrstuvwxyz";
      CHECK(written(inside) == boost_writes(inside));
    }
  }

  TEST_CASE("text of a case: Chinese, quotes, newlines, empty") {
    for (const char* s : {"", "张*", "138****5678", "楼上漏水\n\"三楼\" 住户\\说明\t完",
                          "平安龙凤桥调解室 12345678901234567890"}) {
      CHECK(written(s) == boost_writes(s));
    }
  }
}
