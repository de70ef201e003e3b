#include "adapters/http/json_text.hpp"

#include <algorithm>
#include <cassert>
#include <charconv>

#include <boost/json/serialize.hpp>

#include "engine/core/json_string.hpp"

namespace outpost::http {

void JsonText::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (depth_ > 0) {
    if (!first_[depth_ - 1]) out_ += ',';
    first_[depth_ - 1] = false;
  }
}

JsonText& JsonText::open(char bracket) {
  separate();
  assert(depth_ < kMaxDepth);
  out_ += bracket;
  first_[depth_++] = true;
  return *this;
}

JsonText& JsonText::close(char bracket) {
  assert(depth_ > 0 && !after_key_);
  --depth_;
  out_ += bracket;
  return *this;
}

JsonText& JsonText::key(std::string_view name) {
  assert(std::none_of(name.begin(), name.end(),
                      [](char c) { return c == '"' || c == '\\' || (c >= 0 && c < 0x20); }));
  separate();
  out_ += '"';
  out_ += name;
  out_ += "\":";
  after_key_ = true;
  return *this;
}

JsonText& JsonText::value(std::string_view s) {
  separate();
  escaped(s);
  return *this;
}

JsonText& JsonText::value(std::int64_t n) {
  separate();
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  out_.append(buf, end);
  return *this;
}

JsonText& JsonText::value(bool b) {
  separate();
  out_ += b ? "true" : "false";
  return *this;
}

JsonText& JsonText::value(const boost::json::value& v) {
  separate();
  out_ += boost::json::serialize(v);
  return *this;
}

JsonText& JsonText::null() {
  separate();
  out_ += "null";
  return *this;
}

void JsonText::escaped(std::string_view s) {
  append_json_string(out_, s);
}

}  // namespace outpost::http
