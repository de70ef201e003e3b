// Time-outs on slow or silent connections, and 503 when the database is gone.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <utility>

#include "tests/http/fixtures.hpp"

using namespace outpost::testing;

namespace {

// A raw loopback connection, for sending partial requests.
class RawConnection {
 public:
  explicit RawConnection(unsigned short port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    timeval tv{10, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~RawConnection() { close(fd_); }
  void send_text(const std::string& text) {
    REQUIRE(::send(fd_, text.data(), text.size(), 0) == static_cast<ssize_t>(text.size()));
  }
  // One response: its status line and header fields (up to the blank line),
  // and a body of exactly its Content-Length bytes ("" when the header has none).
  struct Response {
    std::string head, body;
  };
  Response read_response() {
    std::string data = std::exchange(pending_, {});
    std::size_t end = std::string::npos;
    char buf[4096];
    while ((end = data.find("\r\n\r\n")) == std::string::npos) {
      const ssize_t n = recv(fd_, buf, sizeof buf, 0);
      REQUIRE(n > 0);
      data.append(buf, static_cast<std::size_t>(n));
    }
    Response r{data.substr(0, end + 2), {}};
    std::size_t length = 0;
    if (const auto at = r.head.find("\r\nContent-Length: "); at != std::string::npos) {
      length = std::stoul(r.head.substr(at + 18));
    }
    data.erase(0, end + 4);
    while (data.size() < length) {
      const ssize_t n = recv(fd_, buf, sizeof buf, 0);
      REQUIRE(n > 0);
      data.append(buf, static_cast<std::size_t>(n));
    }
    r.body = data.substr(0, length);
    pending_ = data.substr(length);
    return r;
  }
  // Seconds until the server closed the connection (read returns 0), or -1 after 10 s.
  double seconds_until_closed() {
    const auto start = std::chrono::steady_clock::now();
    char buf[4096];
    for (;;) {
      const ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n == 0)
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (n < 0) return -1;
    }
  }

 private:
  int fd_;
  std::string pending_;  // bytes read past the last response
};

std::string short_timeouts_config() {
  const char* dir = std::getenv("OUTPOST_TEST_WORK_DIR");
  const std::string path = std::string(dir && *dir ? dir : "/tmp") + "/short-timeouts.toml";
  std::ofstream(path) << "[http]\nidle_timeout_seconds = 1\nread_timeout_seconds = 1\n";
  return path;
}

}  // namespace

TEST_SUITE("http_limits") {
  TEST_CASE("silent and stalled connections are closed after the configured time-outs") {
    TestDatabase db;
    ServerProcess server(db.url(), {"--config", short_timeouts_config()});
    SUBCASE("a connection that never sends a request") {
      RawConnection c(server.port());
      const double closed_after = c.seconds_until_closed();
      CHECK(closed_after >= 0.5);
      CHECK(closed_after < 5);
    }
    SUBCASE("a request whose body stops arriving") {
      RawConnection c(server.port());
      c.send_text(
          "POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          "Content-Length: 100\r\n\r\n{\"kind\":");
      const double closed_after = c.seconds_until_closed();
      CHECK(closed_after >= 0.5);
      CHECK(closed_after < 5);
    }
    CHECK(db.query_int("SELECT count(*) FROM cases") == 0);
    CHECK(server.client().get("/readyz").status == 200);
  }

  TEST_CASE("a connection is kept or closed as the request asks, and each answer frames its body") {
    TestDatabase db;
    ServerProcess server(db.url());
    const auto count_of = [](const std::string& head, const std::string& text) {
      std::size_t n = 0;
      for (auto at = head.find(text); at != std::string::npos; at = head.find(text, at + 1)) ++n;
      return n;
    };
    // GET /healthz on `c` in `version`: its status line, its fields once each,
    // `connection` as its only Connection field ("" for none), its body.
    const auto healthz = [&](RawConnection& c, const std::string& version, const std::string& extra,
                             const std::string& connection) {
      c.send_text("GET /healthz " + version + "\r\n" + extra + "\r\n");
      const auto r = c.read_response();
      CHECK(r.head.rfind(version + " 200 OK\r\n", 0) == 0);
      CHECK(count_of(r.head, "\r\nContent-Length: 15\r\n") == 1);
      CHECK(count_of(r.head, "\r\nContent-Type: application/json\r\n") == 1);
      CHECK(count_of(r.head, "\r\nCache-Control: no-store\r\n") == 1);
      CHECK(count_of(r.head, "\r\nX-Content-Type-Options: nosniff\r\n") == 1);
      CHECK(count_of(r.head, "Connection") == (connection.empty() ? 0 : 1));
      if (!connection.empty())
        CHECK(count_of(r.head, "\r\nConnection: " + connection + "\r\n") == 1);
      CHECK(r.body == R"({"status":"ok"})");
    };
    SUBCASE("HTTP/1.1: kept open, with no Connection field, until a request says close") {
      RawConnection c(server.port());
      healthz(c, "HTTP/1.1", "Host: x\r\n", "");
      healthz(c, "HTTP/1.1", "Host: x\r\n", "");
      // A problem answer on the same connection, then a close.
      c.send_text("GET /api/v1/nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      const auto r = c.read_response();
      CHECK(r.head.rfind("HTTP/1.1 404 Not Found\r\n", 0) == 0);
      CHECK(count_of(r.head, "\r\nContent-Type: application/problem+json\r\n") == 1);
      CHECK(count_of(r.head, "\r\nConnection: close\r\n") == 1);
      CHECK(count_of(r.head, "\r\nContent-Length: " + std::to_string(r.body.size()) + "\r\n") == 1);
      CHECK(r.body.find("\"status\":404") != std::string::npos);
      CHECK(c.seconds_until_closed() >= 0);
    }
    SUBCASE("HTTP/1.0: closed after the answer unless the request asks to keep it") {
      RawConnection kept(server.port());
      healthz(kept, "HTTP/1.0", "Connection: keep-alive\r\n", "keep-alive");
      healthz(kept, "HTTP/1.0", "Connection: keep-alive\r\n", "keep-alive");
      RawConnection once(server.port());
      healthz(once, "HTTP/1.0", "", "");
      CHECK(once.seconds_until_closed() >= 0);
    }
  }

  TEST_CASE("a database that goes away gives 503 with Retry-After, not a crash") {
    if (test_backend() != "postgresql") return;  // SQLite is a file the server holds open
    TestServer t;
    const auto id = t.create_case();
    t.db.drop_now();
    auto ready = t.client.get("/readyz");
    CHECK(ready.status == 503);
    CHECK(ready.header("retry-after") == "5");
    auto read = t.client.get("/api/v1/cases/" + std::to_string(id));
    CHECK(read.status == 503);
    CHECK(read.header("content-type") == "application/problem+json");
    CHECK(t.server.client().get("/healthz").status == 200);
  }
}
