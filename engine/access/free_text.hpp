// File: engine/access/free_text.hpp
//
// Personal numbers typed into free text (titles, descriptions, notes,
// agreement terms, summaries, any string of an event's data): they are found,
// masked like the structured fields of the parties (masking.hpp), and the
// original text is kept aside so that the store can keep it sealed
// (pii.hpp) and a logged reveal (privacy.hpp) can show it.
//
//   mask_personal_numbers("请回电13800138000") == "请回电138****8000"
//   mask_personal_numbers("身份证500109198801012349") == "身份证5001**********2349"
//   mask_personal_numbers("金额12345678901234567元") == "金额12345678901234567元"  // no number
//
// What counts as a number (a number never continues an ASCII letter or digit
// or a decimal point after a digit, and is not followed by a letter, a digit
// or a decimal part):
//   - a mainland mobile number, 1[3-9] and nine digits, grouped 3-4-4 by
//     single spaces or dashes or not at all, after an optional +86, 86 or
//     0086 (and a space or dash): masked "138****8000", the prefix kept;
//   - a landline number with its area code, "023-68881234", "023 68881234",
//     "(023)68881234" or "（023）68881234": area codes 010 and 02x have three
//     digits, the others four; the local number has 7 or 8 digits, all but
//     its last four starred ("023-****1234");
//   - a resident ID number: 18 characters (17 digits and a digit or X) whose
//     ISO 7064 MOD 11-2 check character matches and whose birth date is a
//     date, or the old 15-digit form with a date; masked "5001**********2349".
// An amount, a date or a case number is none of these and stays as typed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "engine/cases/case.hpp"

namespace outpost {

enum class PersonalNumberKind : std::uint8_t { mobile, landline, resident_id };

struct PersonalNumber {
  std::size_t offset = 0;  // bytes into the text
  std::size_t length = 0;  // bytes, separators and prefix included
  PersonalNumberKind kind = PersonalNumberKind::mobile;
  std::string masked;  // what replaces the bytes
};

// The numbers in `text`, in order, not overlapping. `text` is UTF-8: the
// digits are ASCII, so a multi-byte character is never part of a number.
std::vector<PersonalNumber> find_personal_numbers(std::string_view text);

// `text` with every number found replaced by its masked form.
std::string mask_personal_numbers(std::string_view text);

// 18 characters, 17 digits and a digit or X (x), with a valid birth date and
// ISO 7064 MOD 11-2 check character; or 15 digits with a valid birth date.
bool is_resident_id_number(std::string_view text);

// Masks the numbers in the free text of a change: the case's title,
// description and address (kept in `c.clear_texts` with seq 0, replacing the
// field's earlier original) and every string of `data`, the history row
// `seq`'s data, also inside arrays (kept with that seq and the data's key).
// Texts without a number are left alone and keep nothing aside. Masked text
// holds no number any more, so concealing twice changes nothing.
void conceal_free_text(Case& c, std::int64_t seq, boost::json::object& data);

}  // namespace outpost
