#include "engine/masking.hpp"

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

}  // namespace outpost
