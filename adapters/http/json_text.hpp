// File: adapters/http/json_text.hpp
//
// Writes JSON text straight into a string, for the responses the server
// sends most (a case, a page of cases): building a boost::json tree first and
// serialising it cost a list of 50 cases thousands of small allocations
// (bench/RESULTS.md, the list profile). Commas are placed by the writer;
// strings are escaped as RFC 8259 requires (quote, backslash, control
// characters); UTF-8 passes through unchanged.
//
//   std::string out;
//   JsonText w(out);
//   w.begin_object().key("id").value(7).key("tags").begin_array().value("a").end_array();
//   w.end_object();  // out == R"({"id":7,"tags":["a"]})"
//
// Nesting deeper than kMaxDepth is a programming error (checked by assert).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

namespace outpost::http {

class JsonText {
 public:
  static constexpr int kMaxDepth = 16;

  explicit JsonText(std::string& out) : out_(out) {}

  JsonText& begin_object() { return open('{'); }
  JsonText& end_object() { return close('}'); }
  JsonText& begin_array() { return open('['); }
  JsonText& end_array() { return close(']'); }
  // The next member's name; the member's value must follow. Names are the
  // API's field names and are written as they are (no escaping; a name that
  // would need it is a programming error, checked by assert).
  JsonText& key(std::string_view name);
  // A member: key(name).value(v).
  template <class T>
  JsonText& member(std::string_view name, const T& v) {
    return key(name).value(v);
  }
  JsonText& value(std::string_view s);
  JsonText& value(const char* s) { return value(std::string_view(s)); }
  JsonText& value(const std::string& s) { return value(std::string_view(s)); }
  JsonText& value(std::int64_t n);
  JsonText& value(int n) { return value(static_cast<std::int64_t>(n)); }
  JsonText& value(bool b);
  JsonText& value(const boost::json::value& v);  // serialised by Boost.JSON
  JsonText& null();
  // null for an empty string (the API's "not given").
  JsonText& text_or_null(std::string_view s) { return s.empty() ? null() : value(s); }

 private:
  JsonText& open(char bracket);
  JsonText& close(char bracket);
  void separate();  // a comma before every element but the first of its container
  void escaped(std::string_view s);

  std::string& out_;
  bool first_[kMaxDepth] = {};
  int depth_ = 0;
  bool after_key_ = false;
};

}  // namespace outpost::http
