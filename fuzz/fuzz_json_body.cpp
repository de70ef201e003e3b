// File: fuzz/fuzz_json_body.cpp
//
// libFuzzer target: a request body as the case API reads it. The bytes are
// the body of a POST with Content-Type: application/json; what parses goes
// through the readers that turn it into engine commands (a new case, an
// event's payload, a note) and the problem+json a refusal becomes. The
// first line of the bytes is also read as an upload's file name (an
// attachment's X-File-Name, then its Content-Disposition).
#include <cstddef>
#include <cstdint>
#include <string>

#include "adapters/http/case_request.hpp"
#include "adapters/http/handler_support.hpp"
#include "adapters/http/problem.hpp"

using namespace outpost;
using namespace outpost::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  HttpRequest req;
  req.method = "POST";
  req.path = "/api/v1/cases";
  req.headers.emplace_back("content-type", "application/json; charset=utf-8");
  req.body.assign(reinterpret_cast<const char*>(data), size);
  const std::string first_line = req.body.substr(0, req.body.find('\n'));
  HttpRequest upload;
  upload.headers.emplace_back("x-file-name", first_line);
  (void)upload_file_name(upload);
  upload.headers.clear();
  upload.headers.emplace_back("content-disposition", first_line);
  if (auto name = upload_file_name(upload)) (void)content_disposition(name.value());

  auto body = parse_json_body(req);
  if (!body) {
    (void)problem(body.error());
    return 0;
  }
  CaseRequest created = read_new_case(body.value());
  (void)problem(merged_case_errors(created.errors, Error{}));
  auto note = read_note(body.value());
  if (!note) (void)problem(note.error());
  if (const auto* o = body.value().if_object()) (void)read_event_payload(*o);
  return 0;
}
