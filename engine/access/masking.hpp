// File: engine/access/masking.hpp
//
// How personal data is shown when it is not revealed (PIPL: show the minimum).
//   mask_phone("13800138000")          == "138****8000"
//   mask_id_number("500101199001011234") == "5001**********1234"
//   mask_name("张三")                    == "张*"
// Short values keep fewer characters so that masking never shows most of a value.
// Masking a masked value changes nothing (the kept characters depend only on
// the length, and stars stay stars), so a stored masked form can be shown as
// it is or masked again:
//   mask_phone(mask_phone(p)) == mask_phone(p), and likewise for the others.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/cases/case.hpp"

namespace outpost {

std::string mask_phone(std::string_view phone);
std::string mask_id_number(std::string_view id_number);
// The first character (UTF-8 code point) and one star per further character:
//   mask_name("张三") == "张*", mask_name("欧阳娜娜") == "欧***", mask_name("Li") == "L*".
std::string mask_name(std::string_view name);
// Each party with its name, phone and ID number masked; the role as it is.
std::vector<Party> masked_parties(const std::vector<Party>& parties);

}  // namespace outpost
