#include "engine/access/free_text.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include "engine/access/masking.hpp"

namespace outpost {
namespace {

constexpr std::string_view kFullwidthOpen = "\xEF\xBC\x88";   // （
constexpr std::string_view kFullwidthClose = "\xEF\xBC\x89";  // ）

bool is_digit(char ch) {
  return ch >= '0' && ch <= '9';
}
bool is_ascii_alnum(char ch) {
  return is_digit(ch) || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}
bool is_separator(char ch) {
  return ch == ' ' || ch == '-';
}

// Nothing that would continue a number or a word follows `end`: no letter,
// no digit, no decimal part.
bool ends_number(std::string_view text, std::size_t end) {
  if (end >= text.size()) return true;
  if (text[end] == '.') return end + 1 >= text.size() || !is_digit(text[end + 1]);
  return !is_ascii_alnum(text[end]);
}

std::size_t digits_at(std::string_view text, std::size_t pos) {
  std::size_t n = 0;
  while (pos + n < text.size() && is_digit(text[pos + n])) ++n;
  return n;
}

int number_at(std::string_view text, std::size_t pos, std::size_t len) {
  int v = 0;
  for (std::size_t i = 0; i < len; ++i) v = v * 10 + (text[pos + i] - '0');
  return v;
}

bool is_date(int year, int month, int day) {
  static constexpr std::array<int, 12> kDays{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int days = month == 2 && !leap ? 28 : kDays[static_cast<std::size_t>(month - 1)];
  return day <= days;
}

// ISO 7064 MOD 11-2 over the first 17 digits, as GB 11643 prints it.
char id_check_character(std::string_view first17) {
  static constexpr std::array<int, 17> kWeights{7, 9, 10, 5,  8, 4, 2, 1, 6,
                                                3, 7, 9,  10, 5, 8, 4, 2};
  static constexpr std::string_view kCheck = "10X98765432";
  int sum = 0;
  for (std::size_t i = 0; i < kWeights.size(); ++i) sum += (first17[i] - '0') * kWeights[i];
  return kCheck[static_cast<std::size_t>(sum % 11)];
}

std::optional<PersonalNumber> resident_id_at(std::string_view text, std::size_t pos) {
  const std::size_t digits = digits_at(text, pos);
  std::size_t length = 0;
  if (digits == 17 || digits == 18) {
    length = 18;
  } else if (digits == 15) {
    length = 15;
  } else {
    return std::nullopt;
  }
  if (pos + length > text.size() || !ends_number(text, pos + length)) return std::nullopt;
  const std::string_view id = text.substr(pos, length);
  if (!is_resident_id_number(id)) return std::nullopt;
  return PersonalNumber{pos, length, PersonalNumberKind::resident_id, mask_id_number(id)};
}

// A mobile number's digits from `pos`, grouped 3-4-4 by single separators or
// not at all: the digits and the bytes read, or nothing.
std::optional<std::pair<std::string, std::size_t>> mobile_digits(std::string_view text,
                                                                 std::size_t pos) {
  std::string digits;
  std::size_t p = pos;
  while (p < text.size() && digits.size() < 11) {
    if (is_digit(text[p])) {
      digits += text[p++];
    } else if ((digits.size() == 3 || digits.size() == 7) && is_separator(text[p]) &&
               p + 1 < text.size() && is_digit(text[p + 1])) {
      ++p;
    } else {
      break;
    }
  }
  if (digits.size() != 11 || digits[0] != '1' || digits[1] < '3' || !ends_number(text, p)) {
    return std::nullopt;
  }
  return std::pair{digits, p - pos};
}

std::optional<PersonalNumber> mobile_at(std::string_view text, std::size_t pos) {
  for (std::string_view prefix : {"+86", "0086", "86", ""}) {
    if (!text.substr(pos).starts_with(prefix)) continue;
    std::size_t p = pos + prefix.size();
    if (!prefix.empty() && p < text.size() && is_separator(text[p])) ++p;
    if (auto found = mobile_digits(text, p)) {
      return PersonalNumber{pos, p - pos + found->second, PersonalNumberKind::mobile,
                            std::string(text.substr(pos, p - pos)) + mask_phone(found->first)};
    }
  }
  return std::nullopt;
}

std::size_t open_paren_at(std::string_view text, std::size_t pos) {
  if (text.substr(pos).starts_with("(")) return 1;
  if (text.substr(pos).starts_with(kFullwidthOpen)) return kFullwidthOpen.size();
  return 0;
}

std::size_t close_paren_at(std::string_view text, std::size_t pos) {
  if (text.substr(pos).starts_with(")")) return 1;
  if (text.substr(pos).starts_with(kFullwidthClose)) return kFullwidthClose.size();
  return 0;
}

std::optional<PersonalNumber> landline_at(std::string_view text, std::size_t pos) {
  std::size_t p = pos;
  const std::size_t open = open_paren_at(text, p);
  p += open;
  if (p + 1 >= text.size() || text[p] != '0' || text[p + 1] == '0') return std::nullopt;
  const std::size_t area = text[p + 1] == '1' || text[p + 1] == '2' ? 3 : 4;
  if (digits_at(text, p) != area) return std::nullopt;
  p += area;
  if (open != 0) {
    const std::size_t close = close_paren_at(text, p);
    if (close == 0) return std::nullopt;
    p += close;
    if (p < text.size() && is_separator(text[p])) ++p;
  } else if (p < text.size() && is_separator(text[p])) {
    ++p;
  } else {
    return std::nullopt;
  }
  const std::size_t local = digits_at(text, p);
  if (local < 7 || local > 8 || text[p] < '2' || !ends_number(text, p + local)) {
    return std::nullopt;
  }
  std::string masked(text.substr(pos, p - pos));
  masked.append(local - 4, '*');
  masked.append(text.substr(p + local - 4, 4));
  return PersonalNumber{pos, p + local - pos, PersonalNumberKind::landline, std::move(masked)};
}

bool may_start_number(std::string_view text, std::size_t i) {
  if (i > 0 && is_ascii_alnum(text[i - 1])) return false;
  if (i > 1 && text[i - 1] == '.' && is_digit(text[i - 2])) return false;  // a decimal part
  return is_digit(text[i]) || text[i] == '+' || open_paren_at(text, i) != 0;
}

void conceal_case_field(Case& c, std::string_view field, std::string& text) {
  auto kept = std::find_if(c.clear_texts.begin(), c.clear_texts.end(),
                           [&](const ClearText& t) { return t.seq == 0 && t.field == field; });
  std::string masked = mask_personal_numbers(text);
  if (masked != text) {
    if (kept != c.clear_texts.end()) c.clear_texts.erase(kept);
    c.clear_texts.push_back(ClearText{0, std::string(field), std::move(text)});
    text = std::move(masked);
  } else if (kept != c.clear_texts.end() && mask_personal_numbers(kept->text) != text) {
    c.clear_texts.erase(kept);  // the field was changed since: its original is gone
  }
}

void conceal_value(Case& c, std::int64_t seq, const std::string& field, boost::json::value& v) {
  if (v.is_string()) {
    std::string masked = mask_personal_numbers(v.get_string());
    if (masked == v.get_string()) return;
    c.clear_texts.push_back(ClearText{seq, field, std::string(v.get_string())});
    v = masked;
  } else if (v.is_array()) {
    boost::json::array& items = v.get_array();
    for (std::size_t i = 0; i < items.size(); ++i) {
      conceal_value(c, seq, field + "[" + std::to_string(i) + "]", items[i]);
    }
  } else if (v.is_object()) {
    for (auto& member : v.get_object()) {
      conceal_value(c, seq, field + "." + std::string(member.key()), member.value());
    }
  }
}

}  // namespace

bool is_resident_id_number(std::string_view text) {
  const bool long_form = text.size() == 18;
  if (!long_form && text.size() != 15) return false;
  const std::size_t digits = digits_at(text, 0);
  if (text[0] < '1' || text[0] > '8') return false;
  if (!long_form)
    return digits == 15 &&
           is_date(1900 + number_at(text, 6, 2), number_at(text, 8, 2), number_at(text, 10, 2));
  if (digits < 17) return false;
  const int year = number_at(text, 6, 4);
  if (year < 1900 || year > 2099 || !is_date(year, number_at(text, 10, 2), number_at(text, 12, 2)))
    return false;
  const char check = text[17] == 'x' ? 'X' : text[17];
  return check == id_check_character(text.substr(0, 17));
}

std::vector<PersonalNumber> find_personal_numbers(std::string_view text) {
  std::vector<PersonalNumber> found;
  std::size_t i = 0;
  while (i < text.size()) {
    if (may_start_number(text, i)) {
      std::optional<PersonalNumber> n = resident_id_at(text, i);
      if (!n) n = mobile_at(text, i);
      if (!n) n = landline_at(text, i);
      if (n) {
        i += n->length;
        found.push_back(std::move(*n));
        continue;
      }
    }
    if (!is_ascii_alnum(text[i])) {
      ++i;
      continue;
    }
    while (i < text.size() && is_ascii_alnum(text[i])) ++i;  // a word or number: skip it whole
  }
  return found;
}

std::string mask_personal_numbers(std::string_view text) {
  std::string out;
  std::size_t copied = 0;
  for (const PersonalNumber& n : find_personal_numbers(text)) {
    out.append(text.substr(copied, n.offset - copied));
    out += n.masked;
    copied = n.offset + n.length;
  }
  if (copied == 0) return std::string(text);
  out.append(text.substr(copied));
  return out;
}

void conceal_free_text(Case& c, std::int64_t seq, boost::json::object& data) {
  conceal_case_field(c, "title", c.title);
  conceal_case_field(c, "description", c.description);
  conceal_case_field(c, "address", c.location.address);
  for (auto& member : data) conceal_value(c, seq, std::string(member.key()), member.value());
}

}  // namespace outpost
