// Who the client of a request is (adapters/http/client_address.hpp): the
// trusted-proxy list as the settings give it, and the walk through
// X-Forwarded-For, without a server.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "adapters/http/client_address.hpp"

using outpost::http::client_address_of;
using outpost::http::TrustedProxies;

namespace {

TrustedProxies proxies(const std::vector<std::string>& entries) {
  auto p = TrustedProxies::parse(entries);
  REQUIRE_MESSAGE(p, (p ? "" : p.error().message));
  return p.value();
}

}  // namespace

TEST_SUITE("http_client_address") {
  TEST_CASE("trusted proxies are addresses and CIDR networks of either family") {
    const TrustedProxies p = proxies({"10.0.0.5", " 192.168.0.0/16", "fd00::/8", "::1"});
    CHECK(p.contains("10.0.0.5"));
    CHECK_FALSE(p.contains("10.0.0.6"));
    CHECK(p.contains("192.168.200.1"));
    CHECK_FALSE(p.contains("192.169.0.1"));
    CHECK(p.contains("::ffff:192.168.1.1"));  // an IPv4 peer on an IPv6 socket
    CHECK(p.contains("fd12:3456::1"));
    CHECK_FALSE(p.contains("fe80::1"));
    CHECK(p.contains("::1"));
    CHECK_FALSE(p.contains("not-an-address"));
    CHECK(proxies({"0.0.0.0/0"}).contains("203.0.113.9"));
    CHECK(proxies({}).empty());
  }

  TEST_CASE("a bad entry is refused with its index") {
    for (const std::string bad :
         {"10.0.0.0/33", "10.0.0.0/", "fd00::/129", "example.org", "", "10.0.0.1/8x"}) {
      CAPTURE(bad);
      auto p = TrustedProxies::parse({"10.0.0.5", bad});
      REQUIRE_FALSE(p);
      CHECK(p.error().message.find("trusted_proxies[1]") != std::string::npos);
    }
  }

  TEST_CASE("X-Forwarded-For names the client only through a trusted peer") {
    const TrustedProxies p = proxies({"127.0.0.1", "10.0.0.0/8"});
    CHECK(client_address_of("127.0.0.1", std::nullopt, p) == "127.0.0.1");
    CHECK(client_address_of("127.0.0.1", "203.0.113.7", p) == "203.0.113.7");
    // Right to left, past the trusted hops; what the client itself wrote is not believed.
    CHECK(client_address_of("127.0.0.1", "1.1.1.1, 203.0.113.7, 10.1.2.3", p) == "203.0.113.7");
    CHECK(client_address_of("127.0.0.1", "10.1.2.3,10.4.5.6", p) == "10.1.2.3");
    // Garbage ends the walk at the last address believed.
    CHECK(client_address_of("127.0.0.1", "203.0.113.7, unknown", p) == "127.0.0.1");
    CHECK(client_address_of("127.0.0.1", "unknown, 203.0.113.7", p) == "203.0.113.7");
    CHECK(client_address_of("127.0.0.1", "2001:db8::7", p) == "2001:db8::7");
    // An untrusted peer: the header is ignored.
    CHECK(client_address_of("198.51.100.4", "203.0.113.7", p) == "198.51.100.4");
    CHECK(client_address_of("198.51.100.4", "203.0.113.7", proxies({})) == "198.51.100.4");
  }
}
