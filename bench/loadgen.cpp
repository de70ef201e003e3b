// File: bench/loadgen.cpp
//
// The benchmark's HTTP load generator. It opens N keep-alive connections to
// an Outpost server on 127.0.0.1 and runs one scenario on each of them for a
// fixed duration (a loop per connection, all on one Asio thread by default so
// that the server keeps the machine's other core):
//
//   create      POST /api/v1/cases with a valid dispute (ids go to --ids-out)
//   transition  a whole dispute lifecycle per case (accept, assign, two
//               record_consent, start_mediation, reach_agreement, confirm_performance,
//               record_follow_up, close); each event is one transition. Cases
//               come from --ids-in (registered cases made by `create`); when
//               they run out a connection creates one (counted as create_inline).
//   read        GET /api/v1/cases/{id} over the ids of --ids-in
//   list        GET /api/v1/cases?<query> cycling through --list-query values
//
// Per operation it prints one machine-readable line on stdout
//   result op=... conc=... count=... seconds=... rps=... p50_ms=... p95_ms=...
//          p99_ms=... max_ms=... errors=...
// and, with --server-pid, the server's memory:
//   rss pid=... vmrss_max_kb=... vmhwm_kb=...
// Errors are responses other than 2xx and broken connections.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using asio::awaitable;

struct Options {
  std::string target = "127.0.0.1:8080";
  std::string token;
  std::string scenario;
  double duration = 10;
  int concurrency = 16;
  int threads = 1;
  std::string ids_in;
  std::string ids_out;
  std::vector<std::string> list_queries;
  int server_pid = 0;
  std::int64_t count = 0;  // create: stop after this many cases (0: no limit)
  std::string api_key;     // open311: the channel's key
};

[[noreturn]] void usage(const std::string& why) {
  std::cerr << "loadgen: " << why << "\n"
            << "usage: outpost_loadgen --target 127.0.0.1:PORT --token T\n"
               "         --scenario "
               "create|transition|read|list|request|open311|request_read|open311_read\n"
               "         [--duration SECONDS]\n"
               "         [--concurrency N] [--threads N] [--ids-in FILE] [--ids-out FILE]\n"
               "         [--list-query 'state=closed&limit=50' ...] [--server-pid PID]\n"
               "         [--count N (create: stop after N cases)] [--api-key K (open311)]\n";
  std::exit(2);
}

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string key = argv[i];
    if (i + 1 >= argc) usage("missing a value after " + key);
    const std::string value = argv[++i];
    if (key == "--target") {
      o.target = value;
    } else if (key == "--token") {
      o.token = value;
    } else if (key == "--scenario") {
      o.scenario = value;
    } else if (key == "--duration") {
      o.duration = std::stod(value);
    } else if (key == "--concurrency") {
      o.concurrency = std::stoi(value);
    } else if (key == "--threads") {
      o.threads = std::stoi(value);
    } else if (key == "--ids-in") {
      o.ids_in = value;
    } else if (key == "--ids-out") {
      o.ids_out = value;
    } else if (key == "--list-query") {
      o.list_queries.push_back(value);
    } else if (key == "--count") {
      o.count = std::stoll(value);
    } else if (key == "--api-key") {
      o.api_key = value;
    } else if (key == "--server-pid") {
      o.server_pid = std::stoi(value);
    } else {
      usage("unknown option " + key);
    }
  }
  const std::vector<std::string> scenarios{"create",  "transition", "read",         "list",
                                           "request", "open311",    "request_read", "open311_read"};
  if (std::find(scenarios.begin(), scenarios.end(), o.scenario) == scenarios.end()) {
    usage(
        "--scenario must be create, transition, read, list, request, open311, request_read or "
        "open311_read");
  }
  if (o.scenario == "open311" && o.api_key.empty()) usage("open311 needs --api-key");
  if (o.concurrency < 1 || o.threads < 1 || o.duration <= 0) usage("bad numbers");
  if (o.scenario == "list" && o.list_queries.empty()) o.list_queries.push_back("limit=50");
  return o;
}

// The body of tests/http/fixtures.hpp dispute_body().
std::string dispute_body() {
  return json::serialize(json::object{
      {"kind", "dispute"},
      {"category", "neighbour"},
      {"title", "楼上漏水影响楼下住户"},
      {"description", "楼上卫生间漏水，双方就维修费用协商未果。"},
      {"channel", "desk"},
      {"location", {{"community", "LF"}, {"grid", "LF-G01"}, {"address", "西山坪家属区3栋"}}},
      {"parties",
       {{{"role", "applicant"},
         {"name", "张秀英"},
         {"phone", "13800138000"},
         {"id_number", "500109198801012345"}},
        {{"role", "respondent"}, {"name", "李建国"}, {"phone", "13900139000"}}}},
  });
}

// The same resident request both ways (scenarios request and open311): the
// native API's JSON body and the Open311 form a channel posts.
std::string request_body() {
  return json::serialize(json::object{
      {"kind", "request"},
      {"category", "sanitation"},
      {"title", "垃圾清运不及时"},
      {"description", "3栋门口垃圾桶已满两天无人清运"},
      {"channel", "online"},
      {"location", {{"community", "LF"}, {"grid", "LF-G02"}, {"micro_grid", "LF-G02-M1"}}},
      {"parties", {{{"role", "applicant"}, {"name", "王桂兰"}, {"phone", "13700137000"}}}},
  });
}

std::string open311_form(const std::string& api_key) {
  // "3栋门口垃圾桶已满两天无人清运", percent-encoded as clients send it.
  return "api_key=" + api_key +
         "&service_code=sanitation&address_id=LF-G02-M1&last_name=%E7%8E%8B"
         "&first_name=%E6%A1%82%E5%85%B0&phone=13700137000&description=3%E6%A0%8B%E9%97%A8"
         "%E5%8F%A3%E5%9E%83%E5%9C%BE%E6%A1%B6%E5%B7%B2%E6%BB%A1%E4%B8%A4%E5%A4%A9%E6%97%A0"
         "%E4%BA%BA%E6%B8%85%E8%BF%90";
}

// The id in an Open311 create answer: [{"service_request_id":"42",…}].
std::optional<std::int64_t> id_from_open311(const std::string& body) {
  boost::system::error_code ec;
  const json::value v = json::parse(body, ec);
  if (ec || !v.is_array() || v.get_array().empty()) return std::nullopt;
  const json::value* id = v.get_array()[0].as_object().if_contains("service_request_id");
  if (!id || !id->is_string()) return std::nullopt;
  return std::stoll(std::string(id->get_string()));
}

// One dispute lifecycle, registered to closed.
std::vector<std::string> lifecycle_bodies() {
  const std::vector<json::object> events{
      {{"event", "accept"}},
      {{"event", "assign"}, {"department", "police"}, {"assignees", {"police-01"}}},
      {{"event", "record_consent"}, {"party", 1}, {"consent", "agree"}, {"form", "written"}},
      {{"event", "record_consent"}, {"party", 2}, {"consent", "agree"}, {"form", "oral"}},
      {{"event", "start_mediation"}},
      {{"event", "reach_agreement"},
       {"form", "oral"},
       {"facts", "楼上卫生间漏水致楼下天花板受损"},
       {"issues", "维修费用由谁承担"},
       {"terms", "楼上住户承担维修费用八百元，十日内完成维修。"},
       {"performance_method", "一次性支付并上门维修"},
       {"performance_due", "2026-12-31"}},
      {{"event", "confirm_performance"}},
      {{"event", "record_follow_up"},
       {"satisfaction", "satisfied"},
       {"note", "回访双方，维修已完成，无新的矛盾。"}},
      {{"event", "close"}},
  };
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(json::serialize(e));
  return out;
}

enum Op {
  kCreate,
  kCreateInline,
  kTransition,
  kRead,
  kList,
  kRequestCreate,
  kRequestGet,
  kOpen311Create,
  kOpen311Get,
  kRequestRead,
  kOpen311Read,
  kOpCount
};
constexpr const char* kOpNames[kOpCount] = {
    "create",      "create_inline",  "transition",  "read",         "list",        "request_create",
    "request_get", "open311_create", "open311_get", "request_read", "open311_read"};

struct OpStats {
  std::vector<std::uint32_t> latency_us;
  std::uint64_t errors = 0;

  void add(Clock::duration took, bool ok) {
    latency_us.push_back(static_cast<std::uint32_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(took).count()));
    if (!ok) ++errors;
  }
};

// Work shared by all connections: the case ids to use, and what they produced.
struct Shared {
  std::vector<std::int64_t> ids;
  std::atomic<std::size_t> next_id{0};
  std::atomic<int> error_reports{0};
  std::atomic<std::int64_t> creates_left{0};
};

struct Response {
  int status = 0;  // 0: the connection broke
  std::string body;
  std::string location;
};

constexpr std::size_t kReadBufferBytes = 256 * 1024;

class Connection {
 public:
  Connection(asio::io_context& ioc, tcp::endpoint endpoint, const Options& options)
      : stream_(ioc), endpoint_(endpoint), options_(options) {
    // Room for a whole page of cases: each read takes what the socket has
    // (up to 64 KiB) instead of growing from 512 bytes, so the client spends
    // fewer system calls of the machine's two cores it shares with the server.
    buffer_.reserve(kReadBufferBytes);
    headers_ = "Host: " + options.target + "\r\nAuthorization: Bearer " + options.token + "\r\n";
  }

  awaitable<bool> connect() {
    beast::error_code ec;
    stream_.expires_after(std::chrono::seconds(10));
    co_await stream_.async_connect(endpoint_, asio::redirect_error(asio::use_awaitable, ec));
    connected_ = !ec;
    if (connected_) stream_.socket().set_option(tcp::no_delay(true));
    co_return connected_;
  }

  awaitable<Response> send(bhttp::verb verb, const std::string& target, const std::string* body,
                           std::string_view content_type = "application/json") {
    Response out;
    if (!connected_ && !co_await connect()) co_return out;
    // The request as text, in one buffer reused by the connection: Beast's
    // request object and serializer cost this client, which shares the
    // machine's two cores with the server, more than the text itself.
    request_.clear();
    request_.append(bhttp::to_string(verb)).append(" ").append(target).append(" HTTP/1.1\r\n");
    request_.append(headers_);
    if (body != nullptr) {
      request_.append("Content-Type: ")
          .append(content_type)
          .append("\r\nContent-Length: ")
          .append(std::to_string(body->size()))
          .append("\r\n\r\n")
          .append(*body);
    } else {
      request_.append("\r\n");
    }
    beast::error_code ec;
    stream_.expires_after(std::chrono::seconds(30));
    co_await asio::async_write(stream_, asio::buffer(request_),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return broken(out);
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    co_await bhttp::async_read(stream_, buffer_, parser,
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return broken(out);
    auto& res = parser.get();
    out.status = static_cast<int>(res.result_int());
    out.body = std::move(res.body());
    if (auto loc = res.find(bhttp::field::location); loc != res.end()) {
      out.location = std::string(loc->value());
    }
    if (!res.keep_alive()) close();
    co_return out;
  }

 private:
  Response& broken(Response& out) {
    close();
    return out;
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
    buffer_.clear();
    connected_ = false;
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::string headers_;  // Host and Authorization, the same on every request
  std::string request_;
  tcp::endpoint endpoint_;
  const Options& options_;
  bool connected_ = false;
};

// Reports the first few failures on stderr so a broken run explains itself.
void report_failure(Shared& shared, const std::string& what, const Response& r) {
  if (shared.error_reports.fetch_add(1) >= 5) return;
  std::cerr << "loadgen: " << what << " -> "
            << (r.status == 0 ? std::string("connection error") : std::to_string(r.status)) << " "
            << r.body.substr(0, 300) << "\n";
}

std::optional<std::int64_t> id_from_location(const std::string& location) {
  const auto slash = location.rfind('/');
  if (slash == std::string::npos) return std::nullopt;
  try {
    return std::stoll(location.substr(slash + 1));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

struct Worker {
  int index = 0;
  std::unique_ptr<Connection> connection;
  OpStats stats[kOpCount];
  std::vector<std::int64_t> created;
  std::uint64_t rng = 0;
  Clock::time_point finished{};

  std::uint64_t random() {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
  }
};

class Run {
 public:
  explicit Run(const Options& options) : options_(options) {
    const auto colon = options.target.rfind(':');
    if (colon == std::string::npos) usage("--target must be HOST:PORT");
    const std::string host = options.target.substr(0, colon);
    if (host != "127.0.0.1") usage("--target must be on 127.0.0.1");
    endpoint_ =
        tcp::endpoint(asio::ip::make_address(host),
                      static_cast<unsigned short>(std::stoi(options.target.substr(colon + 1))));
    create_body_ = dispute_body();
    request_body_ = request_body();
    open311_form_ = open311_form(options.api_key);
    lifecycle_ = lifecycle_bodies();
    if (!options.ids_in.empty()) {
      std::ifstream in(options.ids_in);
      if (!in) usage("cannot read " + options.ids_in);
      for (std::int64_t id = 0; in >> id;) shared_.ids.push_back(id);
    }
    if (options.scenario.ends_with("read") && shared_.ids.empty()) {
      usage(options.scenario + " needs --ids-in with ids");
    }
    shared_.creates_left = options.count;
  }

  int execute() {
    asio::io_context ioc(options_.threads);
    workers_.resize(static_cast<std::size_t>(options_.concurrency));
    for (std::size_t i = 0; i < workers_.size(); ++i) {
      workers_[i].index = static_cast<int>(i);
      workers_[i].rng = 0x9E3779B97F4A7C15ULL * (i + 1);
      workers_[i].connection = std::make_unique<Connection>(ioc, endpoint_, options_);
    }
    asio::co_spawn(ioc, main_loop(ioc), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
    std::vector<std::thread> extra;
    for (int t = 1; t < options_.threads; ++t) extra.emplace_back([&ioc] { ioc.run(); });
    ioc.run();
    for (auto& t : extra) t.join();
    const int status = print();
    // The connections' sockets belong to ioc: they go before it does
    // (AddressSanitizer: heap-use-after-free when ~Run closed them later).
    for (Worker& w : workers_) w.connection.reset();
    return status;
  }

 private:
  awaitable<void> main_loop(asio::io_context& ioc) {
    // Connect everything first: the timed window measures requests only.
    for (auto& w : workers_) {
      if (!co_await w.connection->connect()) {
        std::cerr << "loadgen: cannot connect to " << options_.target << "\n";
        co_return;
      }
    }
    start_ = Clock::now();
    deadline_ = start_ +
                std::chrono::microseconds(static_cast<std::int64_t>(options_.duration * 1'000'000));
    running_ = static_cast<int>(workers_.size());
    for (auto& w : workers_) {
      asio::co_spawn(ioc, worker_loop(w), asio::detached);
    }
    if (options_.server_pid > 0) asio::co_spawn(ioc, sample_rss(ioc), asio::detached);
    asio::steady_timer poll(ioc);
    while (running_.load() > 0) {
      poll.expires_after(std::chrono::milliseconds(20));
      co_await poll.async_wait(asio::use_awaitable);
    }
    for (const auto& w : workers_) finished_ = std::max(finished_, w.finished);
    sampling_ = false;
  }

  awaitable<void> worker_loop(Worker& w) {
    try {
      if (options_.scenario == "create") {
        co_await create_loop(w);
      } else if (options_.scenario == "transition") {
        co_await transition_loop(w);
      } else if (options_.scenario == "read") {
        co_await read_loop(w, kRead, "/api/v1/cases/", "");
      } else if (options_.scenario == "request_read") {
        // The same resident requests read both ways (bench/open311.sh).
        co_await read_loop(w, kRequestRead, "/api/v1/cases/", "");
      } else if (options_.scenario == "open311_read") {
        co_await read_loop(w, kOpen311Read, "/open311/v2/requests/", ".json");
      } else if (options_.scenario == "request" || options_.scenario == "open311") {
        co_await create_and_get_loop(w, options_.scenario == "open311");
      } else {
        co_await list_loop(w);
      }
    } catch (const std::exception& e) {
      std::cerr << "loadgen: connection " << w.index << " stopped: " << e.what() << "\n";
    }
    w.finished = Clock::now();
    --running_;
  }

  bool running() const { return Clock::now() < deadline_; }

  awaitable<Response> timed(Worker& w, Op op, bhttp::verb verb, const std::string& target,
                            const std::string* body, int expected,
                            std::string_view content_type = "application/json") {
    const auto t0 = Clock::now();
    Response r = co_await w.connection->send(verb, target, body, content_type);
    const bool ok = r.status == expected;
    w.stats[op].add(Clock::now() - t0, ok);
    if (!ok) report_failure(shared_, std::string(kOpNames[op]) + " " + target, r);
    co_return r;
  }

  awaitable<std::optional<std::int64_t>> create_case(Worker& w, Op op) {
    Response r = co_await timed(w, op, bhttp::verb::post, "/api/v1/cases", &create_body_, 201);
    if (r.status != 201) co_return std::nullopt;
    co_return id_from_location(r.location);
  }

  awaitable<void> create_loop(Worker& w) {
    while (running() && (options_.count == 0 || shared_.creates_left.fetch_sub(1) > 0)) {
      if (auto id = co_await create_case(w, kCreate)) w.created.push_back(*id);
    }
  }

  awaitable<void> transition_loop(Worker& w) {
    while (running()) {
      std::optional<std::int64_t> id;
      const std::size_t at = shared_.next_id.fetch_add(1);
      if (at < shared_.ids.size()) {
        id = shared_.ids[at];
      } else {
        id = co_await create_case(w, kCreateInline);
        if (!id) continue;
      }
      const std::string target = "/api/v1/cases/" + std::to_string(*id) + "/events";
      for (const std::string& body : lifecycle_) {
        if (!running()) break;
        Response r = co_await timed(w, kTransition, bhttp::verb::post, target, &body, 200);
        if (r.status != 200) break;  // the rest of this lifecycle cannot succeed
      }
    }
  }

  // A resident request filed and read back: over the native API (request)
  // or over Open311 (open311), the same request either way.
  awaitable<void> create_and_get_loop(Worker& w, bool open311) {
    while (running()) {
      std::optional<std::int64_t> id;
      if (open311) {
        Response r =
            co_await timed(w, kOpen311Create, bhttp::verb::post, "/open311/v2/requests.json",
                           &open311_form_, 201, "application/x-www-form-urlencoded");
        if (r.status == 201) id = id_from_open311(r.body);
      } else {
        Response r = co_await timed(w, kRequestCreate, bhttp::verb::post, "/api/v1/cases",
                                    &request_body_, 201);
        if (r.status == 201) id = id_from_location(r.location);
      }
      if (!id || !running()) continue;
      const std::string target = open311 ? "/open311/v2/requests/" + std::to_string(*id) + ".json"
                                         : "/api/v1/cases/" + std::to_string(*id);
      co_await timed(w, open311 ? kOpen311Get : kRequestGet, bhttp::verb::get, target, nullptr,
                     200);
    }
  }

  awaitable<void> read_loop(Worker& w, Op op, std::string_view prefix, std::string_view suffix) {
    while (running()) {
      const std::int64_t id = shared_.ids[w.random() % shared_.ids.size()];
      co_await timed(w, op, bhttp::verb::get,
                     std::string(prefix) + std::to_string(id) + std::string(suffix), nullptr, 200);
    }
  }

  awaitable<void> list_loop(Worker& w) {
    std::size_t turn = static_cast<std::size_t>(w.index);
    bool checked = w.index != 0;
    while (running()) {
      const std::string& query = options_.list_queries[turn++ % options_.list_queries.size()];
      Response r =
          co_await timed(w, kList, bhttp::verb::get, "/api/v1/cases?" + query, nullptr, 200);
      if (!checked && r.status == 200) {
        // Once per run: say how many items a page holds, so a run over an
        // empty database cannot pass for a list benchmark.
        checked = true;
        boost::system::error_code ec;
        const json::value v = json::parse(r.body, ec);
        const json::value* items = ec ? nullptr : v.as_object().if_contains("items");
        std::cout << "check op=list query=" << query
                  << " items=" << (items && items->is_array() ? items->get_array().size() : 0)
                  << "\n";
      }
    }
  }

  awaitable<void> sample_rss(asio::io_context& ioc) {
    asio::steady_timer timer(ioc);
    while (sampling_) {
      vmrss_max_kb_ = std::max(vmrss_max_kb_, status_kb("VmRSS:"));
      timer.expires_after(std::chrono::milliseconds(100));
      co_await timer.async_wait(asio::use_awaitable);
    }
  }

  long status_kb(const std::string& field) const {
    std::ifstream in("/proc/" + std::to_string(options_.server_pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind(field, 0) == 0) return std::atol(line.c_str() + field.size());
    }
    return 0;
  }

  static double percentile_ms(const std::vector<std::uint32_t>& sorted, double p) {
    if (sorted.empty()) return 0;
    auto rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(sorted.size()) + 0.999999);
    rank = std::clamp<std::size_t>(rank, 1, sorted.size());
    return sorted[rank - 1] / 1000.0;
  }

  int print() {
    const double seconds = std::chrono::duration<double>(finished_ - start_).count();
    for (int op = 0; op < kOpCount; ++op) {
      OpStats all;
      for (auto& w : workers_) {
        all.latency_us.insert(all.latency_us.end(), w.stats[op].latency_us.begin(),
                              w.stats[op].latency_us.end());
        all.errors += w.stats[op].errors;
      }
      if (all.latency_us.empty()) continue;
      std::sort(all.latency_us.begin(), all.latency_us.end());
      std::ostringstream line;
      line.setf(std::ios::fixed);
      line.precision(3);
      line << "result op=" << kOpNames[op] << " scenario=" << options_.scenario
           << " conc=" << options_.concurrency << " count=" << all.latency_us.size()
           << " seconds=" << seconds
           << " rps=" << static_cast<double>(all.latency_us.size()) / seconds
           << " p50_ms=" << percentile_ms(all.latency_us, 50)
           << " p95_ms=" << percentile_ms(all.latency_us, 95)
           << " p99_ms=" << percentile_ms(all.latency_us, 99)
           << " max_ms=" << all.latency_us.back() / 1000.0 << " errors=" << all.errors;
      std::cout << line.str() << "\n";
    }
    if (options_.server_pid > 0) {
      std::cout << "rss pid=" << options_.server_pid << " vmrss_max_kb=" << vmrss_max_kb_
                << " vmhwm_kb=" << status_kb("VmHWM:") << "\n";
    }
    if (!options_.ids_out.empty()) {
      std::ofstream out(options_.ids_out, std::ios::app);
      for (auto& w : workers_) {
        for (std::int64_t id : w.created) out << id << "\n";
      }
      if (!out) {
        std::cerr << "loadgen: cannot write " << options_.ids_out << "\n";
        return 1;
      }
    }
    return 0;
  }

  const Options& options_;
  tcp::endpoint endpoint_;
  std::string create_body_;
  std::string request_body_;
  std::string open311_form_;
  std::vector<std::string> lifecycle_;
  Shared shared_;
  std::vector<Worker> workers_;
  Clock::time_point start_{}, deadline_{}, finished_{};
  std::atomic<int> running_{0};
  std::atomic<bool> sampling_{true};
  long vmrss_max_kb_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options options = parse_options(argc, argv);
    Run run(options);
    return run.execute();
  } catch (const std::exception& e) {
    std::cerr << "loadgen: " << e.what() << "\n";
    return 1;
  }
}
