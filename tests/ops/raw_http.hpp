// File: tests/ops/raw_http.hpp
//
// HTTP/1.1 by hand over a loopback socket, for requests that must stay in
// flight while the test does something else (send half a body, signal the
// server, send the rest):
//
//   RawHttp c(port);
//   c.send("POST /api/v1/cases HTTP/1.1\r\n...Content-Length: 120\r\n\r\n{\"kind\"");
//   ::kill(pid, SIGTERM);
//   c.send(rest_of_body);
//   RawAnswer a = c.answer();      // reads until the server closes
//   CHECK(a.status == 201);
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace outpost::testing {

struct RawAnswer {
  int status = 0;
  std::string head;  // status line and header fields
  std::string body;  // as sent (not de-chunked)
};

class RawHttp {
 public:
  // `source`: the loopback address to connect from (e.g. "127.0.0.2"), or the default.
  explicit RawHttp(unsigned short port, const char* source = nullptr)
      : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    if (source) {
      sockaddr_in from{};
      from.sin_family = AF_INET;
      ::inet_pton(AF_INET, source, &from.sin_addr);
      ::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from);
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    error_ = connected_ ? 0 : errno;
    timeval tv{20, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~RawHttp() { ::close(fd_); }
  RawHttp(const RawHttp&) = delete;

  bool connected() const { return connected_; }
  int connect_error() const { return error_; }  // errno of connect(), 0 when connected

  bool send(const std::string& text) {
    return ::send(fd_, text.data(), text.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(text.size());
  }

  // Everything the server sends until it closes the connection (or 20 s pass).
  RawAnswer answer() {
    std::string all;
    char buf[16384];
    for (ssize_t n; (n = ::recv(fd_, buf, sizeof buf, 0)) > 0;) all.append(buf, n);
    return parse(all);
  }

  // One answer with a Content-Length body, leaving the connection open.
  RawAnswer answer_one() {
    std::string all;
    char c;
    while (all.find("\r\n\r\n") == std::string::npos && ::recv(fd_, &c, 1, 0) == 1) all += c;
    const auto at = all.find("Content-Length: ");
    std::size_t length = at == std::string::npos ? 0 : std::stoul(all.substr(at + 16));
    for (; length > 0 && ::recv(fd_, &c, 1, 0) == 1; --length) all += c;
    return parse(all);
  }

  // True when the server has closed the connection (waits up to 20 s for it).
  bool closed_by_server() {
    char c;
    return ::recv(fd_, &c, 1, 0) == 0;
  }

 private:
  static RawAnswer parse(const std::string& all) {
    RawAnswer out;
    const auto end = all.find("\r\n\r\n");
    out.head = all.substr(0, end);
    if (end != std::string::npos) out.body = all.substr(end + 4);
    if (all.rfind("HTTP/1.1 ", 0) == 0 && all.size() >= 12)
      out.status = std::stoi(all.substr(9, 3));
    return out;
  }

  int fd_;
  bool connected_ = false;
  int error_ = 0;
};

}  // namespace outpost::testing
