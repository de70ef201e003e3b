// File: tests/support/http_client.hpp
//
// A small blocking HTTP/1.1 client for integration tests (Boost.Beast over
// loopback). One keep-alive connection per client object, reconnected when the
// server closed it; use one client per thread.
//
//   HttpClient c(port, "test-token");
//   Response r = c.post_json("/api/v1/cases", body);
//   CHECK(r.status == 201);
//   auto id = r.json().at("id").as_int64();
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

namespace outpost::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Response {
  int status = 0;
  std::string body;
  Headers headers;  // names lower-case

  boost::json::value json() const;
  std::string header(std::string_view name) const;  // empty when absent
};

class HttpClient {
 public:
  HttpClient(unsigned short port, std::string token);
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient(const HttpClient&) = delete;

  // Sends Authorization: Bearer <token> when the token is not empty and the
  // headers do not already carry an Authorization header.
  Response request(const std::string& method, const std::string& target,
                   const std::string& body = "", const Headers& headers = {});
  Response get(const std::string& target, const Headers& headers = {});
  Response post_json(const std::string& target, const boost::json::value& body,
                     const Headers& headers = {});

 private:
  struct Connection;
  unsigned short port_;
  std::string token_;
  std::unique_ptr<Connection> conn_;
};

}  // namespace outpost::testing
