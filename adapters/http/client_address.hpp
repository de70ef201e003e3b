// File: adapters/http/client_address.hpp
//
// Who the client of a request is, as far as the server can tell: the TCP peer,
// unless the peer is one of the configured trusted proxies (settings [http]
// trusted_proxies), in which case the client is the address the proxies
// forwarded for in X-Forwarded-For. From an untrusted peer the header is
// ignored, so a client cannot pick the address it is judged by (login
// throttling, logs).
//
//   auto proxies = TrustedProxies::parse({"10.0.0.5", "192.168.0.0/16", "fd00::/8"});
//   if (!proxies) fail(proxies.error().message);
//   req.client_address = client_address_of(req.remote_address, forwarded_for, proxies.value());
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/error.hpp"

namespace outpost::http {

class TrustedProxies {
 public:
  // Each entry an IPv4 or IPv6 address, or a network in CIDR notation
  // ("10.0.0.0/8", "fd00::/8"). invalid naming the first bad entry, as
  // "trusted_proxies[i]". None: no peer is trusted.
  static Result<TrustedProxies> parse(const std::vector<std::string>& entries);

  // Whether `address` (an IPv4-mapped IPv6 address counts as its IPv4 one)
  // lies in one of the networks; false for anything that is not an address.
  bool contains(std::string_view address) const;
  bool empty() const { return networks_.empty(); }

 private:
  struct Network {
    std::array<unsigned char, 16> bytes{};  // IPv4 as IPv4-mapped IPv6
    int prefix = 128;                       // leading bits that must match
  };
  static std::optional<Network> network_of(std::string_view entry);
  std::vector<Network> networks_;
};

// The client's address. `peer` when it is not a trusted proxy or
// `forwarded_for` is absent; otherwise the right-most address of
// X-Forwarded-For ("client, proxy1, proxy2", several headers joined by commas)
// that is not itself a trusted proxy, or the left-most when all are. An entry
// that is not an IP address ends the walk: the address before it (a trusted
// proxy, or the peer) is the client, so garbage never becomes an identity.
std::string client_address_of(std::string_view peer, std::optional<std::string> forwarded_for,
                              const TrustedProxies& proxies);

}  // namespace outpost::http
