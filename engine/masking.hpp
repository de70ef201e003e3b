// File: engine/masking.hpp
//
// How personal data is shown when it is not revealed (PIPL: show the minimum).
//   mask_phone("13800138000")          == "138****8000"
//   mask_id_number("500101199001011234") == "5001**********1234"
// Short values keep fewer characters so that masking never shows most of a value.
#pragma once

#include <string>
#include <string_view>

namespace outpost {

std::string mask_phone(std::string_view phone);
std::string mask_id_number(std::string_view id_number);

}  // namespace outpost
