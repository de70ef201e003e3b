#include "tests/support/server_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace outpost::testing {
namespace fs = std::filesystem;

namespace {

std::string work_root() {
  const char* dir = std::getenv("OUTPOST_TEST_WORK_DIR");
  return dir && *dir ? dir : "/tmp/outpost-tests";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Starts OUTPOST_BINARY with args; stdout and stderr appended to log_path.
pid_t spawn(const std::vector<std::string>& args, const Headers& extra_env,
            const std::string& log_path) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    const std::string entry(*e);
    bool overridden = false;
    for (const auto& [k, v] : extra_env) overridden = overridden || entry.rfind(k + "=", 0) == 0;
    if (!overridden) env_strings.push_back(entry);
  }
  for (const auto& [k, v] : extra_env) env_strings.push_back(k + "=" + v);
  std::vector<char*> argv{const_cast<char*>(OUTPOST_BINARY)};
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    // A test binary that crashes must not leave servers behind.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    const int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    execve(OUTPOST_BINARY, argv.data(), envp.data());
    _exit(127);
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

std::string unique_dir() {
  static std::atomic<int> counter{0};
  const std::string dir =
      work_root() + "/server-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

}  // namespace

ServerProcess::ServerProcess(std::string database_url, std::vector<std::string> extra_args,
                             Headers extra_env)
    : database_url_(std::move(database_url)),
      extra_args_(std::move(extra_args)),
      extra_env_(std::move(extra_env)),
      dir_(unique_dir()) {
  start();
}

void write_test_signing_key(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot write " + path);
  const std::string text = std::string(kTestSigningKey) + "\n";
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot write " + path);
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) stop(SIGKILL);
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void ServerProcess::start() {
  const std::string ready = dir_ + "/ready";
  fs::remove(ready);
  std::vector<std::string> args{"serve", "--database", database_url_, "--ready-file", ready};
  // A free loopback port unless the test names its own (a restart behind a
  // proxy must come back on the same port).
  if (std::find(extra_args_.begin(), extra_args_.end(), "--listen") == extra_args_.end()) {
    args.insert(args.end(), {"--listen", "127.0.0.1:0"});
  }
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  const std::string signing_key = dir_ + "/signing-key";
  if (!fs::exists(signing_key)) write_test_signing_key(signing_key);
  Headers env{{"OUTPOST_BOOTSTRAP_TOKEN", kTestToken},
              {"OUTPOST_PII_KEY", kTestPiiKey},
              {"OUTPOST_AUDIT_SIGNING_KEY_FILE", signing_key}};
  for (const auto& [k, v] : extra_env_) {  // the test's own values win
    auto same = std::find_if(env.begin(), env.end(), [&](const auto& e) { return e.first == k; });
    if (same != env.end()) {
      same->second = v;
    } else {
      env.emplace_back(k, v);
    }
  }
  pid_ = spawn(args, env, dir_ + "/server.log");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    if (fs::exists(ready)) {
      const std::string text = read_file(ready);
      port_ = static_cast<unsigned short>(std::stoi(text.substr(text.rfind(':') + 1)));
      return;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("outpost serve exited during start-up:\n" + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("outpost serve not ready within 30 s:\n" + log());
}

int ServerProcess::stop(int signal) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, signal);
  const int code = wait_exit(pid_);
  pid_ = -1;
  return code;
}

void ServerProcess::kill_hard() {
  stop(SIGKILL);
}

std::string ServerProcess::log() const {
  return read_file(dir_ + "/server.log");
}

CommandResult run_outpost(const std::vector<std::string>& args, const Headers& extra_env) {
  const std::string dir = unique_dir();
  const std::string log_path = dir + "/command.log";
  const pid_t pid = spawn(args, extra_env, log_path);
  CommandResult r{wait_exit(pid), read_file(log_path)};
  std::error_code ec;
  fs::remove_all(dir, ec);
  return r;
}

}  // namespace outpost::testing
