#include "tests/operations/cluster.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace outpost::testing {
namespace fs = std::filesystem;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string work_dir(const std::string& name) {
  static std::atomic<int> counter{0};
  const char* root = std::getenv("OUTPOST_TEST_WORK_DIR");
  const std::string dir = std::string(root && *root ? root : "/tmp/outpost-tests") + "/" + name +
                          "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// Starts `argv` with stdout and stderr appended to `log`; killed with the test.
pid_t spawn(const std::vector<std::string>& argv, const std::string& log) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::close(fd);
    }
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

bool accepts(unsigned short port) {
  asio::io_context ioc;
  asio::ip::tcp::socket s(ioc);
  boost::system::error_code ec;
  s.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  return !ec;
}

void replace_once(std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos || text.find(from, at + 1) != std::string::npos) {
    throw std::runtime_error("deploy/nginx/outpost.conf: expected \"" + from + "\" exactly once");
  }
  text.replace(at, from.size(), to);
}

// The main configuration around the site: everything in the temporary folder.
std::string main_conf(const std::string& dir) {
  // One process: PR_SET_PDEATHSIG reaches it when the test crashes (a master
  // would leave its workers behind).
  std::string conf = "master_process off;\n";
  if (::geteuid() == 0) conf += "user root root;\n";  // the temp folder belongs to root
  conf += "error_log " + dir + "/error.log warn;\npid " + dir + "/nginx.pid;\n" +
          "events { worker_connections 1024; }\n"
          "http {\n"
          "  client_body_temp_path " +
          dir +
          "/client_body;\n"
          "  proxy_temp_path " +
          dir +
          "/proxy;\n"
          "  fastcgi_temp_path " +
          dir +
          "/fastcgi;\n"
          "  uwsgi_temp_path " +
          dir +
          "/uwsgi;\n"
          "  scgi_temp_path " +
          dir +
          "/scgi;\n"
          "  log_format outpost_test '$remote_addr\\t$request_method\\t$request_uri\\t$status\\t"
          "$upstream_addr\\t$http_idempotency_key';\n"
          "  access_log " +
          dir +
          "/access.log outpost_test;\n"
          "  include " +
          dir +
          "/outpost.conf;\n"
          "}\n";
  return conf;
}

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t at; (at = line.find(sep, start)) != std::string::npos; start = at + 1) {
    out.push_back(line.substr(start, at - start));
  }
  out.push_back(line.substr(start));
  return out;
}

}  // namespace

// Below the kernel's ephemeral range (ip_local_port_range, 32768 and up by
// default): an engine's port must not be taken as the source port of some
// outgoing connection while the engine restarts.
unsigned short free_port() {
  int low = 32768;
  std::ifstream("/proc/sys/net/ipv4/ip_local_port_range") >> low;
  const int first = std::max(1024, low - 12000);
  const int span = low - first;
  if (span < 1000) throw std::runtime_error("no port range below the ephemeral ports");
  static std::atomic<unsigned> turn{static_cast<unsigned>(::getpid())};
  for (int attempt = 0; attempt < 200; ++attempt) {
    const auto port = static_cast<unsigned short>(
        first + static_cast<int>(turn++ * 7919u % static_cast<unsigned>(span)));
    asio::io_context ioc;
    asio::ip::tcp::acceptor a(ioc);
    boost::system::error_code ec;
    a.open(asio::ip::tcp::v4(), ec);
    if (!ec) a.bind({asio::ip::make_address("127.0.0.1"), port}, ec);
    if (!ec) return port;
  }
  throw std::runtime_error("no free loopback port below the ephemeral range");
}

std::string render_site(const std::string& site, const std::vector<unsigned short>& upstreams,
                        unsigned short listen_port) {
  std::string out = site;
  for (std::size_t i = 0; i < 3; ++i) {
    const std::string shipped = "server 127.0.0.1:" + std::to_string(8081 + i) + " ";
    if (i < upstreams.size()) {
      replace_once(out, shipped, "server 127.0.0.1:" + std::to_string(upstreams[i]) + " ");
    } else {
      replace_once(out, shipped, "# " + shipped);
    }
  }
  replace_once(out, "listen 80;", "listen 127.0.0.1:" + std::to_string(listen_port) + ";");
  return out;
}

NginxProxy::NginxProxy(const std::vector<unsigned short>& upstream_ports)
    : dir_(work_dir("nginx")), port_(free_port()) {
  const std::string site =
      read_text(std::string(OUTPOST_SOURCE_DIR) + "/deploy/nginx/outpost.conf");
  std::ofstream(dir_ + "/outpost.conf") << render_site(site, upstream_ports, port_);
  std::ofstream(dir_ + "/nginx.conf") << main_conf(dir_);
  // Debian puts it in /usr/sbin, which a non-root PATH may lack.
  const std::string nginx = fs::exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";
  const std::vector<std::string> base{nginx, "-p", dir_, "-c", dir_ + "/nginx.conf"};
  std::vector<std::string> check = base;
  check.push_back("-t");
  if (wait_exit(spawn(check, dir_ + "/check.log")) != 0) {
    throw std::runtime_error("nginx -t refused the configuration:\n" +
                             read_text(dir_ + "/check.log"));
  }
  std::vector<std::string> run = base;
  run.insert(run.end(), {"-g", "daemon off;"});
  pid_ = spawn(run, dir_ + "/nginx.out");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!accepts(port_)) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("nginx exited:\n" + read_text(dir_ + "/nginx.out") + error_log());
    }
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("nginx did not listen");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

NginxProxy::~NginxProxy() {
  if (pid_ > 0) {
    ::kill(pid_, SIGQUIT);
    wait_exit(pid_);
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string NginxProxy::error_log() const {
  return read_text(dir_ + "/error.log");
}

std::vector<NginxProxy::Entry> NginxProxy::access_log() const {
  // nginx writes a request's line just after its response.
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  const std::string text = read_text(dir_ + "/access.log");
  std::vector<Entry> entries;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const auto f = split(line, '\t');
    if (f.size() != 6) continue;
    entries.push_back({f[0], f[1], f[2], std::stoi(f[3]), f[4], f[5]});
  }
  return entries;
}

std::vector<std::string> NginxProxy::upstreams_of(const std::string& idempotency_key) const {
  std::vector<std::string> out;
  for (const Entry& e : access_log()) {
    if (e.key == idempotency_key) out.push_back(e.upstreams);
  }
  return out;
}

Cluster::Cluster(Headers env, std::vector<std::string> args, int count) {
  env.emplace_back("OUTPOST_TRUSTED_PROXIES", "127.0.0.1");
  for (int i = 0; i < count; ++i) ports.push_back(free_port());
  // One after the other: the first applies the migrations.
  for (int i = 0; i < count; ++i) {
    std::vector<std::string> engine_args = args;
    engine_args.insert(
        engine_args.end(),
        {"--listen", "127.0.0.1:" + std::to_string(ports[static_cast<std::size_t>(i)])});
    engines.push_back(std::make_unique<ServerProcess>(db.url(), engine_args, env));
  }
  proxy = std::make_unique<NginxProxy>(ports);
}

int Cluster::restart(std::size_t i) {
  ServerProcess& engine = *engines.at(i);
  const int code = engine.stop(SIGTERM);
  engine.start();
  HttpClient direct = engine.client();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (direct.get(kReadyPath).status != 200) {
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("engine " + std::to_string(i) + " not ready:\n" + engine.log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return code;
}

std::string Cluster::logs() const {
  std::string out;
  for (std::size_t i = 0; i < engines.size(); ++i) {
    out += "--- engine " + std::to_string(i) + " (port " + std::to_string(ports[i]) + ")\n" +
           engines[i]->log();
  }
  return out + "--- nginx error log\n" + proxy->error_log();
}

Response request_from(const std::string& source, unsigned short port, const std::string& method,
                      const std::string& target, const std::string& body, const Headers& headers) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.socket().open(asio::ip::tcp::v4());
  stream.socket().bind({asio::ip::make_address(source), 0});
  stream.expires_after(std::chrono::seconds(30));
  stream.connect({asio::ip::make_address("127.0.0.1"), port});
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  bhttp::write(stream, req);
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  bhttp::read(stream, buffer, res);
  Response out{static_cast<int>(res.result_int()), res.body(), {}};
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    out.headers.emplace_back(std::move(name), std::string(f.value()));
  }
  return out;
}

}  // namespace outpost::testing
