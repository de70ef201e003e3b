// Time-outs on slow or silent connections, and 503 when the database is gone.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>

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
