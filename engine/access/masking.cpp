#include "engine/access/masking.hpp"

#include <algorithm>

namespace outpost {
namespace {

// Keeps `head` leading and `tail` trailing characters, stars the rest; when
// the value is too short for that, keeps at most a quarter at each end.
std::string mask_middle(std::string_view v, std::size_t head, std::size_t tail) {
  if (v.empty()) return {};
  if (head + tail >= v.size()) head = tail = v.size() / 4;
  std::string out(v.substr(0, head));
  out.append(v.size() - head - tail, '*');
  out.append(v.substr(v.size() - tail));
  return out;
}

}  // namespace

std::string mask_phone(std::string_view phone) {
  return mask_middle(phone, 3, 4);
}

std::string mask_id_number(std::string_view id_number) {
  return mask_middle(id_number, 4, 4);
}

std::string mask_name(std::string_view name) {
  // Code points start at bytes that are not UTF-8 continuation bytes (10xxxxxx).
  auto starts_code_point = [](char ch) { return (static_cast<unsigned char>(ch) & 0xC0) != 0x80; };
  std::size_t first_end = 1;
  while (first_end < name.size() && !starts_code_point(name[first_end])) ++first_end;
  if (name.empty()) return {};
  const auto rest = static_cast<std::size_t>(
      std::count_if(name.begin() + static_cast<std::ptrdiff_t>(std::min(first_end, name.size())),
                    name.end(), starts_code_point));
  return std::string(name.substr(0, first_end)) + std::string(std::max<std::size_t>(rest, 1), '*');
}

std::vector<Party> masked_parties(const std::vector<Party>& parties) {
  std::vector<Party> out;
  out.reserve(parties.size());
  for (const Party& p : parties) {
    out.push_back({p.role, mask_name(p.name), mask_phone(p.phone), mask_id_number(p.id_number)});
  }
  return out;
}

}  // namespace outpost
