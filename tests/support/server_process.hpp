// File: tests/support/server_process.hpp
//
// A real `outpost serve` child process for integration tests, listening on a
// free loopback port (or the one an extra `--listen HOST:PORT` names), with
// OUTPOST_BOOTSTRAP_TOKEN=kTestToken so tests can authenticate as admin. Its stderr goes to a log
// file the test can read.
//
//   TestDatabase db;
//   ServerProcess server(db.url());
//   auto client = server.client();
//   server.kill_hard();      // SIGKILL, as a crash would
//   server.start();          // same database, same arguments
//   int code = server.stop();  // SIGTERM; the exit status
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "tests/support/http_client.hpp"

namespace outpost::testing {

inline constexpr const char* kTestToken = "test-bootstrap-token-0123456789";
// The personal-data key every test server gets (OUTPOST_PII_KEY) unless the
// test passes its own (an empty value: none, so SQLite makes a key file).
inline constexpr const char* kTestPiiKey =
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

// The checkpoint signing key every test server gets (a 0600 file named by
// OUTPOST_AUDIT_SIGNING_KEY_FILE) unless the test passes its own, and its
// verifier key (docs/PROOF.md).
inline constexpr const char* kTestSigningKey =
    "PRIVATE+KEY+outpost.test/history+765d959c+AWmfFwq8WyHzLtpCSs0XWlR0Ie3FXeb0Mf01EZHEvV6V";
inline constexpr const char* kTestVerifierKey =
    "outpost.test/history+765d959c+AcMPH3JifGk9XAJ9f1hCo212yawXp9xfmk+LPMLEwjKn";
// Writes kTestSigningKey to `path` with mode 0600.
void write_test_signing_key(const std::string& path);

class ServerProcess {
 public:
  explicit ServerProcess(std::string database_url, std::vector<std::string> extra_args = {},
                         Headers extra_env = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;

  void start();               // throws when the server is not ready within 30 s
  int stop(int signal = 15);  // sends the signal, waits, returns the exit code (128+sig if killed)
  void kill_hard();           // SIGKILL and reap
  bool running() const { return pid_ > 0; }
  unsigned short port() const { return port_; }
  pid_t pid() const { return pid_; }  // -1 when not running
  HttpClient client(std::string token = kTestToken) const {
    return HttpClient(port_, std::move(token));
  }
  std::string log() const;  // everything the server wrote to stderr/stdout so far

 private:
  std::string database_url_;
  std::vector<std::string> extra_args_;
  Headers extra_env_;
  std::string dir_;
  pid_t pid_ = -1;
  unsigned short port_ = 0;
};

// Runs the outpost binary with arguments; returns its exit code and output.
struct CommandResult {
  int exit_code = -1;
  std::string output;
};
CommandResult run_outpost(const std::vector<std::string>& args, const Headers& extra_env = {});

}  // namespace outpost::testing
