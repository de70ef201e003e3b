// File: fuzz/fuzz_form.cpp
//
// libFuzzer target: the bodies Open311 clients post and the names of
// uploaded files. The bytes are a Content-Type line, then the body:
// parse_form reads it as x-www-form-urlencoded or multipart/form-data (the
// attachment parts), parse_urlencoded as a query string; the same header
// line is parsed as a query string too. (An upload's file name from
// X-File-Name and Content-Disposition: fuzz_json_body.)
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "adapters/open311/form.hpp"

using namespace outpost;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto eol = input.find('\n');
  const std::string_view content_type = input.substr(0, eol);
  const std::string_view body =
      eol == std::string_view::npos ? std::string_view{} : input.substr(eol + 1);
  if (auto fields = open311::parse_form(content_type, body)) {
    std::size_t total = 0;
    for (const auto& f : fields.value()) total += f.name.size() + f.value.size();
    // Decoding never makes a body longer.
    if (total > body.size()) std::abort();
  }
  (void)open311::parse_urlencoded(body);
  (void)open311::parse_urlencoded(content_type);
  return 0;
}
