#include "tests/notify/receiver.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <boost/json/parse.hpp>

namespace outpost::testing {
namespace fs = std::filesystem;

namespace {

std::string unique_dir() {
  static std::atomic<int> counter{0};
  const char* root = std::getenv("OUTPOST_TEST_WORK_DIR");
  const std::string dir = std::string(root && *root ? root : "/tmp/outpost-tests") + "/receiver-" +
                          std::to_string(getpid()) + "-" + std::to_string(counter++);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

}  // namespace

WebhookReceiver::WebhookReceiver() : dir_(unique_dir()) {
  const std::string script = std::string(OUTPOST_SOURCE_DIR) + "/tests/support/webhook_receiver.py";
  const std::string log = dir_ + "/requests.jsonl";
  const std::string ready = dir_ + "/ready";
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // a crashed test leaves no receiver behind
    execlp("python3", "python3", script.c_str(), "--log", log.c_str(), "--ready", ready.c_str(),
           static_cast<char*>(nullptr));
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(ready);
    int port = 0;
    if (in >> port && port > 0) {
      port_ = static_cast<unsigned short>(port);
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("the webhook receiver did not start: is python3 installed?");
}

WebhookReceiver::~WebhookReceiver() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string WebhookReceiver::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<boost::json::object> WebhookReceiver::records(const std::string& path,
                                                          const std::string& event) const {
  std::vector<boost::json::object> out;
  std::ifstream in(dir_ + "/requests.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(line, ec);
    if (ec || !v.is_object()) continue;  // a line still being written
    const boost::json::object& o = v.get_object();
    if (o.at("path") == path.c_str() && o.at("event") == event.c_str()) out.push_back(o);
  }
  return out;
}

}  // namespace outpost::testing
