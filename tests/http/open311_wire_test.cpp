// The Open311 adapter's readers and writers without a server: forms as
// clients send them, W3C datetimes, and one answer in JSON and XML.
#include <doctest/doctest.h>

#include "adapters/open311/form.hpp"
#include "adapters/open311/wire.hpp"
#include "adapters/open311/wire_time.hpp"

using namespace outpost::open311;

TEST_SUITE("open311_wire") {
  TEST_CASE("a urlencoded form keeps order and repeats and decodes + and percent escapes") {
    auto f = parse_form(
        "application/x-www-form-urlencoded; charset=UTF-8",
        "a=1+2&attribute%5Bh%5D%5B%5D=x&attribute%5Bh%5D%5B%5D=y&d=%E8%B7%AF%E7%81%AF&e=");
    REQUIRE(f);
    REQUIRE(f.value().size() == 5);
    CHECK(f.value()[0].value == "1 2");
    CHECK(f.value()[1].name == "attribute[h][]");
    CHECK(f.value()[2].value == "y");
    CHECK(f.value()[3].value == "路灯");
    CHECK(f.value()[4].value.empty());
    CHECK_FALSE(parse_urlencoded("a=%4"));
    CHECK_FALSE(parse_urlencoded("a=%zz"));
    CHECK_FALSE(parse_urlencoded("=x"));
  }

  TEST_CASE("multipart reads a quoted boundary and flags files and refuses malformed bodies") {
    const std::string body =
        "--a b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n"
        "--a b\r\ncontent-disposition: form-data; name=\"media\"; filename=\"p.jpg\"\r\n"
        "Content-Type: image/jpeg\r\n\r\n\xff\xd8\r\n--a b--\r\n";
    auto f = parse_form("multipart/form-data; boundary=\"a b\"", body);
    REQUIRE(f);
    REQUIRE(f.value().size() == 2);
    CHECK(f.value()[0].name == "x");
    CHECK(f.value()[0].value == "1");
    CHECK_FALSE(f.value()[0].file);
    CHECK(f.value()[1].file);
    CHECK_FALSE(parse_form("multipart/form-data; boundary=b", "--c\r\n\r\n--c--"));
    CHECK_FALSE(parse_form("multipart/form-data; boundary=b",
                           "--b\r\nContent-Disposition: form-data; name=x\r\n1\r\n--b--"));
    CHECK_FALSE(parse_form("text/plain", "a=1"));
  }

  TEST_CASE("W3C datetimes with an offset or Z or a bare date are read and answers are in +08:00") {
    const auto t = parse_w3c("2026-12-01T08:00:00+08:00");
    REQUIRE(t);
    CHECK(parse_w3c("2026-12-01T00:00:00Z") == t);
    CHECK(parse_w3c("2026-12-01T00:00:00.250Z") == *t + 250);
    CHECK(parse_w3c("2026-11-30T19:00-05:00") == t);
    CHECK(parse_w3c("2026-12-01") == parse_w3c("2026-12-01T00:00:00+08:00"));
    CHECK(format_cst(*t) == "2026-12-01T08:00:00+08:00");
    CHECK(format_cst(0) == "1970-01-01T08:00:00+08:00");
    for (const char* bad : {"2026-13-01", "2026-02-30", "2026-12-01T08:00", "yesterday",
                            "2026-12-01T25:00:00Z", "2026-12-01T08:00:00+0800"}) {
      CAPTURE(bad);
      CHECK_FALSE(parse_w3c(bad));
    }
  }

  TEST_CASE("one tree gives JSON and XML with the same elements in the same order") {
    const Node root = Node::list(
        "service_requests",
        {Node::object("request", {Node::text("service_request_id", "7"),
                                  Node::text("description", "<a> & \"b\""), Node::null("zipcode"),
                                  Node::boolean("metadata", true), Node::number("order", "2")})});
    CHECK(
        write(root, Format::json) ==
        R"([{"service_request_id":"7","description":"<a> & \"b\"","zipcode":null,"metadata":true,"order":2}])");
    CHECK(write(root, Format::xml) ==
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?><service_requests><request>"
          "<service_request_id>7</service_request_id><description>&lt;a&gt; &amp; &quot;b&quot;"
          "</description><zipcode/><metadata>true</metadata><order>2</order></request>"
          "</service_requests>");
  }
}
