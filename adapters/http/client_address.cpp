#include "adapters/http/client_address.hpp"

#include <charconv>

#include <boost/asio/ip/address.hpp>

namespace outpost::http {
namespace ip = boost::asio::ip;

namespace {

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The address as IPv6 bytes (IPv4 mapped), and whether it was written as IPv4.
std::optional<std::pair<ip::address_v6::bytes_type, bool>> address_bytes(std::string_view text) {
  boost::system::error_code ec;
  const ip::address a = ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  if (a.is_v4()) return std::pair{ip::make_address_v6(ip::v4_mapped, a.to_v4()).to_bytes(), true};
  return std::pair{a.to_v6().to_bytes(), false};
}

bool is_address(std::string_view text) {
  return address_bytes(text).has_value();
}

}  // namespace

std::optional<TrustedProxies::Network> TrustedProxies::network_of(std::string_view entry) {
  const std::size_t slash = entry.find('/');
  auto address = address_bytes(entry.substr(0, slash));
  if (!address) return std::nullopt;
  const int width = address->second ? 32 : 128;
  int prefix = width;
  if (slash != std::string_view::npos) {
    const std::string_view bits = entry.substr(slash + 1);
    auto [ptr, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
    if (ec != std::errc() || ptr != bits.data() + bits.size() || bits.empty() || prefix < 0 ||
        prefix > width) {
      return std::nullopt;
    }
  }
  Network n;
  for (std::size_t i = 0; i < n.bytes.size(); ++i) n.bytes[i] = address->first[i];
  n.prefix = prefix + (128 - width);
  return n;
}

Result<TrustedProxies> TrustedProxies::parse(const std::vector<std::string>& entries) {
  TrustedProxies out;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    auto n = network_of(trimmed(entries[i]));
    if (!n) {
      return Error::make(ErrorKind::invalid,
                         "setting trusted_proxies[" + std::to_string(i) + "]: \"" + entries[i] +
                             "\" is not an IP address or a network such as 10.0.0.0/8");
    }
    out.networks_.push_back(*n);
  }
  return out;
}

bool TrustedProxies::contains(std::string_view address) const {
  const auto a = address_bytes(trimmed(address));
  if (!a) return false;
  for (const Network& n : networks_) {
    bool match = true;
    for (int bit = 0; bit < n.prefix && match; ++bit) {
      const auto i = static_cast<std::size_t>(bit / 8);
      const unsigned mask = 0x80u >> (bit % 8);
      match = (a->first[i] & mask) == (n.bytes[i] & mask);
    }
    if (match) return true;
  }
  return false;
}

std::string client_address_of(std::string_view peer, std::optional<std::string> forwarded_for,
                              const TrustedProxies& proxies) {
  std::string client(peer);
  if (!forwarded_for || !proxies.contains(peer)) return client;
  std::string_view rest = *forwarded_for;
  while (!rest.empty()) {
    const std::size_t comma = rest.rfind(',');
    const std::string_view hop =
        trimmed(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    if (hop.empty()) continue;
    if (!is_address(hop)) break;
    client = std::string(hop);
    if (!proxies.contains(hop)) break;
  }
  return client;
}

}  // namespace outpost::http
