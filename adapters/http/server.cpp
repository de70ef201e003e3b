#include "adapters/http/server.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>
#include <vector>

#include <spdlog/spdlog.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "adapters/http/problem.hpp"

namespace outpost::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

namespace {

class Session;

}  // namespace

struct Server::Impl {
  Impl(ServerOptions o, const Router& r)
      : options(std::move(o)),
        router(r),
        ioc(options.io_threads > 0 ? options.io_threads : options.worker_threads),
        acceptor(asio::make_strand(ioc)),
        signals(ioc, SIGINT, SIGTERM),
        grace_timer(asio::make_strand(ioc)) {
    if (options.io_threads > 0) workers.emplace(static_cast<std::size_t>(options.worker_threads));
  }

  void accept();
  // On the acceptor's strand: accepts what is already queued, then closes.
  void stop_accepting();
  void begin_shutdown();
  // The body limit of a request with this method and (raw) target.
  std::size_t body_limit_for(std::string_view method, std::string_view target) const;
  // The largest limit of any request: what the parser allows until the
  // request line is known.
  std::size_t largest_body_limit() const;
  void session_started(Session* s);
  void session_ended(Session* s);

  ServerOptions options;
  const Router& router;
  // Before ioc: when the grace period ends with connections still open, ioc's
  // destructor destroys their sessions, and each removes itself from here.
  std::mutex sessions_mutex;
  std::unordered_set<Session*> sessions;
  asio::io_context ioc;
  tcp::acceptor acceptor;
  asio::signal_set signals;
  // On a strand of its own: it is armed by the signal's handler and cancelled
  // by whichever I/O thread ends the last session (ThreadSanitizer found the
  // two racing when both ran directly on ioc's threads).
  asio::steady_timer grace_timer;
  void cancel_grace() {
    asio::post(grace_timer.get_executor(), [this] { grace_timer.cancel(); });
  }
  // Handlers run here when io_threads > 0; otherwise on the thread that read
  // the request (see ServerOptions::io_threads).
  std::optional<asio::thread_pool> workers;
  std::atomic<bool> stopping{false};
  // Later responses whose resume has not been called yet (Session::write_later).
  std::atomic<int> later_in_flight{0};
};

namespace {

// The peer's address, once per connection (a system call each time).
std::string remote_address_of(const tcp::socket& socket) {
  beast::error_code ec;
  const tcp::endpoint peer = socket.remote_endpoint(ec);
  return ec ? std::string() : peer.address().to_string();
}

// Every X-Forwarded-For header of the request, joined by commas as RFC 9110
// joins repeated fields; nullopt without one.
std::optional<std::string> forwarded_for(const HttpRequest& req) {
  std::optional<std::string> out;
  for (const auto& [name, value] : req.headers) {
    if (name != "x-forwarded-for") continue;
    out = out ? *out + "," + value : value;
  }
  return out;
}

HttpRequest to_request(bhttp::request<bhttp::string_body>&& req, Target target,
                       const std::string& remote_address, const TrustedProxies& proxies) {
  HttpRequest out;
  out.remote_address = remote_address;
  out.method = std::string(req.method_string());
  out.path = std::move(target.path);
  out.query = std::move(target.query);
  for (const auto& field : req) {
    std::string name(field.name_string());
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    out.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  out.body = std::move(req.body());
  out.client_address = client_address_of(remote_address, forwarded_for(out), proxies);
  return out;
}

// Why a request's header is refused before its body is read, or nullopt. Only
// one way of framing a body is accepted: a single `Transfer-Encoding: chunked`
// on HTTP/1.1 without Content-Length, or a Content-Length. Anything else is a
// shape that a proxy in front may frame differently (request smuggling, RFC
// 9112 section 6.1), so it is refused and the connection closed. Two Host
// fields are refused too (RFC 9112 section 3.2).
std::optional<std::string> framing_problem(const bhttp::request_parser<bhttp::string_body>& p) {
  const auto& req = p.get();
  if (req.count(bhttp::field::host) > 1) return "the request has more than one Host field";
  const auto codings = req.equal_range(bhttp::field::transfer_encoding);
  if (codings.first == codings.second) return std::nullopt;
  if (std::next(codings.first) != codings.second) return "Transfer-Encoding is given twice";
  if (req.version() < 11) return "Transfer-Encoding needs HTTP/1.1";
  if (req.count(bhttp::field::content_length) > 0) {
    return "a request cannot have both Transfer-Encoding and Content-Length";
  }
  if (!beast::iequals(codings.first->value(), "chunked")) {
    return "the only Transfer-Encoding accepted is chunked";
  }
  return std::nullopt;
}

// The header fields of a response, in order: those every response gets, then
// the handler's, a field set again replacing the one of the same name (as
// Beast's set). Cache-Control is no-store unless the handler sets its own: API
// answers must never be cached, only the console's static files say how they
// may be.
std::vector<std::pair<std::string_view, std::string_view>> header_fields(const HttpResponse& res) {
  std::vector<std::pair<std::string_view, std::string_view>> fields{
      {"Server", "outpost"},
      {"Content-Type", res.content_type},
      {"Cache-Control", "no-store"},
      {"X-Content-Type-Options", "nosniff"}};
  for (const auto& [name, value] : res.headers) {
    std::erase_if(fields, [&name](const auto& f) { return beast::iequals(f.first, name); });
    fields.emplace_back(name, value);
  }
  return fields;
}

template <class Body>
void set_header(bhttp::response<Body>& out, const HttpResponse& res) {
  for (const auto& [name, value] : header_fields(res)) out.set(name, value);
}

// The header of a response that is not streamed, as Beast writes a message
// with set_header, keep_alive() and prepare_payload() (the status line, the
// fields, Connection, Content-Length), built as one string: Beast's
// serializer walks a buffer sequence of every field, about a tenth of a GET's
// instructions (bench/counts).
std::string response_header(const HttpResponse& res, unsigned version, bool keep_alive) {
  std::string out = version >= 11 ? "HTTP/1.1 " : "HTTP/1.0 ";
  out += std::to_string(res.status);
  out += ' ';
  out += bhttp::obsolete_reason(static_cast<bhttp::status>(res.status));
  out += "\r\n";
  for (const auto& [name, value] : header_fields(res)) {
    out += name;
    out += ": ";
    // As Beast: without leading and trailing blanks. A line break could end
    // the header early: none is written.
    const std::size_t first = value.find_first_not_of(" \t");
    const std::size_t last = value.find_last_not_of(" \t");
    if (first != std::string_view::npos) {
      for (char c : value.substr(first, last - first + 1)) out += c == '\r' || c == '\n' ? ' ' : c;
    }
    out += "\r\n";
  }
  if (version >= 11 && !keep_alive) out += "Connection: close\r\n";
  if (version < 11 && keep_alive) out += "Connection: keep-alive\r\n";
  out += "Content-Length: ";
  out += std::to_string(res.body.size());
  out += "\r\n\r\n";
  return out;
}

// `producer`, with an exception turned into an internal error (none may leave
// a worker thread) and every error logged with the request it belongs to.
BodyProducer guarded(BodyProducer producer, std::string request) {
  return [producer = std::move(producer), request = std::move(request)](std::string& out) {
    Result<bool> more = [&]() -> Result<bool> {
      try {
        return producer(out);
      } catch (const std::exception& e) {
        return Error::make(ErrorKind::internal, std::string("the producer threw: ") + e.what());
      }
    }();
    if (!more) spdlog::error("{}: the streamed body failed: {}", request, more.error().message);
    return more;
  };
}

// A response being streamed: its header, the serializer that writes it in
// chunks, and the piece being written.
struct Streamed {
  explicit Streamed(BodyProducer p) : producer(std::move(p)) {}
  bhttp::response<bhttp::buffer_body> message;
  bhttp::response_serializer<bhttp::buffer_body> serializer{message};
  BodyProducer producer;
  std::string piece;
  bool started = false;  // the header has been (or is being) written
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, Server::Impl& server)
      : remote_address_(remote_address_of(socket)),
        from_proxy_(server.options.trusted_proxies.contains(remote_address_)),
        stream_(std::move(socket)),
        server_(server) {
    server_.session_started(this);
  }
  ~Session() { server_.session_ended(this); }

  void start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_header(); });
  }

  // Called on shutdown: a connection waiting for its next request is closed now,
  // unless it comes from a trusted proxy (below); one with a request in flight
  // closes after writing the response.
  void close_if_idle() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (!self->busy_ && !self->from_proxy_) self->close();
    });
  }

 private:
  // A trusted proxy's idle connection is not closed on shutdown: the proxy
  // may be sending a request on it right now and could not tell whether a
  // POST it sent was applied (nginx retries no POST once sent). A request that
  // still arrives is answered with `Connection: close` (see write) and the
  // connection closed after that answer; an idle one stays until the proxy
  // closes it or the grace period ends (its keep-alive timeout is shorter:
  // deploy/nginx/outpost.conf). Other clients' idle connections close at
  // once, so a browser's keep-alive does not hold the process for the grace.
  void read_header() {
    if (server_.stopping && !from_proxy_) return close();
    busy_ = false;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.header_limit));
    parser_->body_limit(server_.largest_body_limit());
    stream_.expires_after(server_.options.idle_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    busy_ = true;
    stream_.expires_after(server_.options.read_timeout);
    if (const auto why = framing_problem(*parser_)) {
      return write(problem(HttpRefusal::malformed_request, *why), 11, false, true);
    }
    const auto& req = parser_->get();
    const std::size_t limit = server_.body_limit_for(req.method_string(), req.target());
    if (const auto length = parser_->content_length(); length && *length > limit) {
      return on_read_error(bhttp::error::body_limit);
    }
    parser_->body_limit(limit);
    if (beast::iequals(req[bhttp::field::expect], "100-continue")) {
      auto cont = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_,
                                                                       req.version());
      bhttp::async_write(stream_, *cont,
                         [self = shared_from_this(), cont](beast::error_code wec, std::size_t) {
                           if (wec) return self->close();
                           self->read_body();
                         });
      return;
    }
    read_body();
  }

  void read_body() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::on_body, shared_from_this()));
  }

  void on_read_error(beast::error_code ec) {
    busy_ = true;
    if (ec == bhttp::error::body_limit) {
      const auto& req = parser_->get();
      const std::size_t limit = server_.body_limit_for(req.method_string(), req.target());
      return write(problem(HttpRefusal::payload_too_large,
                           "the body is larger than " + std::to_string(limit) + " bytes"),
                   11, false, true);
    }
    if (ec == bhttp::error::header_limit) {
      return write(problem(HttpRefusal::headers_too_large,
                           "the header block is larger than " +
                               std::to_string(server_.options.header_limit) + " bytes"),
                   11, false, true);
    }
    if (ec.category() == bhttp::make_error_code(bhttp::error::end_of_stream).category() &&
        ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
      return write(
          problem(HttpRefusal::malformed_request, "malformed HTTP request: " + ec.message()), 11,
          false, true);
    }
    close();
  }

  void on_body(beast::error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    auto req = parser_->release();
    const bool keep_alive = req.keep_alive();
    const unsigned version = req.version();
    auto target = parse_target(req.target());
    if (!target) {
      return write(problem(HttpRefusal::malformed_request, "the request target is malformed"),
                   version, false, true);
    }
    HttpRequest hreq = to_request(std::move(req), std::move(*target), remote_address_,
                                  server_.options.trusted_proxies);
    auto self = shared_from_this();
    on_worker([self, hreq = std::move(hreq)] { return self->respond(hreq); },
              [self, version, keep_alive](HttpResponse res) {
                self->write(std::move(res), version, keep_alive);
              });
  }

  // Runs `work` where handlers run — on this thread, or on the worker pool
  // when io_threads > 0 — then `then(its result)` on this connection's strand.
  template <class Work, class Then>
  void on_worker(Work work, Then then) {
    if (!server_.workers) return then(work());
    asio::post(*server_.workers, [self = shared_from_this(), work = std::move(work),
                                  then = std::move(then)]() mutable {
      asio::post(self->stream_.get_executor(),
                 [then = std::move(then), result = work()]() mutable { then(std::move(result)); });
    });
  }

  HttpResponse respond(const HttpRequest& hreq) {
    answering_ =
        Answering{hreq.method, hreq.path, Router::kNoRoute, std::chrono::steady_clock::now()};
    HttpResponse res = server_.router.handle(hreq, &answering_.route);
    // A later response is counted and logged once it is made (finish_later).
    return res.later ? std::move(res) : answered(std::move(res));
  }

  // The request in answering_ is answered with `res`: counted and logged.
  HttpResponse answered(HttpResponse res) {
    const Answering& a = answering_;
    const auto elapsed = std::chrono::steady_clock::now() - a.started;
    if (server_.options.observer) {
      server_.options.observer->request_done(a.method, a.route, res.status, elapsed);
    }
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
    spdlog::log(res.status >= 500 ? spdlog::level::warn : spdlog::level::debug,
                "{} {} -> {} in {:.1f} ms", a.method, a.path, res.status, micros / 1000.0);
    if (res.stream) res.stream = guarded(std::move(res.stream), a.method + " " + a.path);
    return res;
  }

  // `drain`: the request was refused before it was fully read (see drain_and_close).
  void write(HttpResponse res, unsigned version, bool keep_alive, bool drain = false) {
    if (res.later) return write_later(std::move(res.later), version, keep_alive);
    if (res.stream) return write_streamed(std::move(res), version, keep_alive);
    // No body after a status that has none (RFC 9110 6.4.1).
    if (res.status < 200 || res.status == 204 || res.status == 304) res.body.clear();
    struct Out {
      std::string header, body;
    };
    const bool kept = keep_alive && !server_.stopping;
    auto out = std::make_shared<Out>(Out{response_header(res, version, kept), std::move(res.body)});
    stream_.expires_after(server_.options.read_timeout);
    asio::async_write(
        stream_, std::array{asio::buffer(out->header), asio::buffer(out->body)},
        [self = shared_from_this(), out, kept, drain](beast::error_code ec, std::size_t) {
          if (ec) return self->close();
          if (kept) return self->read_header();
          if (drain) return self->drain_and_close();
          self->close();
        });
  }

  // A response made later (LaterResponse): nothing is read from this
  // connection meanwhile; `finish` runs where handlers run, then its response
  // is written from the strand. Server::run waits for every resume before the
  // io_contexts go away.
  void write_later(LaterResponse later, unsigned version, bool keep_alive) {
    server_.later_in_flight.fetch_add(1);
    // Called from any thread: back to the strand, then on as any handler.
    Resume resume = [self = shared_from_this(), version, keep_alive](Finish finish) {
      Server::Impl& server = self->server_;
      asio::post(self->stream_.get_executor(), [self, finish = std::move(finish), version,
                                                keep_alive]() mutable {
        self->on_worker([self, finish = std::move(finish)] { return self->finish_later(finish); },
                        [self, version, keep_alive](HttpResponse res) {
                          self->write(std::move(res), version, keep_alive);
                        });
      });
      server.later_in_flight.fetch_sub(1);  // the last use of the server here
    };
    // `later` may read the database before it returns (SQLite reads at once):
    // it runs where handlers run, never on an I/O thread.
    if (!server_.workers) return later(std::move(resume));
    asio::post(*server_.workers, [later = std::move(later), resume = std::move(resume)]() mutable {
      later(std::move(resume));
    });
  }

  HttpResponse finish_later(const Finish& finish) {
    HttpResponse res;
    try {
      res = finish();
    } catch (const std::exception& e) {
      spdlog::error("handler for {} {} failed: {}", answering_.method, answering_.path, e.what());
      res = problem(Error::make(ErrorKind::internal, "unexpected failure"));
    }
    // A finish answers; it does not defer again.
    if (res.later) res = problem(Error::make(ErrorKind::internal, "unexpected failure"));
    return answered(std::move(res));
  }

  // Chunked (HTTP/1.1; HTTP/1.0 gets the body up to the close). Each piece is
  // produced only after the previous one was written; each write has the
  // read_timeout.
  void write_streamed(HttpResponse res, unsigned version, bool keep_alive) {
    auto s = std::make_shared<Streamed>(std::move(res.stream));
    s->message.result(static_cast<bhttp::status>(res.status));
    s->message.version(version);
    set_header(s->message, res);
    s->message.keep_alive(keep_alive && version >= 11 && !server_.stopping);
    s->message.prepare_payload();
    produce(std::move(s));
  }

  // Runs the producer where handlers run, then sends what it made from the strand.
  void produce(std::shared_ptr<Streamed> s) {
    auto next = [s] {
      s->piece.clear();
      return s->producer(s->piece);
    };
    on_worker(next, [self = shared_from_this(), s](Result<bool> more) mutable {
      self->send_piece(std::move(s), std::move(more));
    });
  }

  void send_piece(std::shared_ptr<Streamed> s, Result<bool> more) {
    if (!more && !s->started) {
      return write(problem(more.error()), s->message.version(), s->message.keep_alive());
    }
    if (!more) return close();  // without the last chunk: the client sees the body cut short
    if (s->piece.empty() && more.value()) return produce(std::move(s));
    auto& body = s->message.body();
    body.data = s->piece.empty() ? nullptr : s->piece.data();
    body.size = s->piece.size();
    body.more = more.value();
    s->started = true;
    stream_.expires_after(server_.options.read_timeout);
    bhttp::async_write(stream_, s->serializer,
                       [self = shared_from_this(), s](beast::error_code ec, std::size_t) {
                         if (ec && ec != bhttp::error::need_buffer) return self->close();
                         if (!s->serializer.is_done()) return self->produce(s);
                         if (s->message.keep_alive()) return self->read_header();
                         self->close();
                       });
  }

  // After refusing a request mid-stream (413, 431, 400) the client may still be
  // sending its body. Closing at once would make the kernel answer with a reset
  // and the client could lose our response, so stop sending, read and discard
  // what still arrives (bounded in bytes and time), then close.
  void drain_and_close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    drained_ = 0;
    stream_.expires_after(std::chrono::seconds(5));
    drain_some();
  }

  void drain_some() {
    auto sink = std::make_shared<std::array<char, 16384>>();
    stream_.async_read_some(asio::buffer(*sink),
                            [self = shared_from_this(), sink](beast::error_code ec, std::size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > kMaxDrainBytes) return self->close();
                              self->drain_some();
                            });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.close();
  }

  std::string remote_address_;  // empty when unknown
  const bool from_proxy_;       // the peer is one of options.trusted_proxies
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  Server::Impl& server_;
  bool busy_ = false;
  // The request being answered, for its log line and metrics.
  struct Answering {
    std::string method;
    std::string path;
    std::size_t route = Router::kNoRoute;
    std::chrono::steady_clock::time_point started;
  };
  Answering answering_;
  std::size_t drained_ = 0;
  static constexpr std::size_t kMaxDrainBytes = 16 * 1024 * 1024;
};

}  // namespace

std::size_t Server::Impl::body_limit_for(std::string_view method, std::string_view target) const {
  if (options.body_limit_rules.empty()) return options.body_limit;
  const auto parsed = parse_target(target);
  if (!parsed) return options.body_limit;
  for (const BodyLimitRule& rule : options.body_limit_rules) {
    if (method == rule.method && parsed->path.ends_with(rule.path_suffix)) return rule.limit;
  }
  return options.body_limit;
}

std::size_t Server::Impl::largest_body_limit() const {
  std::size_t largest = options.body_limit;
  for (const BodyLimitRule& rule : options.body_limit_rules)
    largest = std::max(largest, rule.limit);
  return largest;
}

void Server::Impl::session_started(Session* s) {
  std::lock_guard lock(sessions_mutex);
  sessions.insert(s);
}

void Server::Impl::session_ended(Session* s) {
  std::lock_guard lock(sessions_mutex);
  sessions.erase(s);
  if (stopping && sessions.empty() && !ioc.stopped()) cancel_grace();
}

void Server::Impl::accept() {
  acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (ec) {
      spdlog::warn("accept failed: {}", ec.message());
    } else {
      // Even when stopping: the peer may have sent its request already.
      std::make_shared<Session>(std::move(socket), *this)->start();
    }
    if (!stopping) accept();
  });
}

void Server::Impl::stop_accepting() {
  // Connections the kernel completed but nobody accepted yet would be reset
  // by the close, after the peer may have sent a request on them: take them.
  beast::error_code ec;
  acceptor.non_blocking(true, ec);
  while (!ec) {
    tcp::socket socket(asio::make_strand(ioc));
    acceptor.accept(socket, ec);
    if (!ec) std::make_shared<Session>(std::move(socket), *this)->start();
  }
  acceptor.close(ec);
}

void Server::Impl::begin_shutdown() {
  if (stopping.exchange(true)) return;
  spdlog::info("shutting down: no new connections, finishing requests in flight");
  if (options.on_shutdown) options.on_shutdown();
  // Armed on its strand before any cancel_grace() below can be queued there:
  // a session that ended before this point is caught by the check after
  // stop_accepting().
  asio::post(grace_timer.get_executor(), [this] {
    grace_timer.expires_after(options.shutdown_grace);
    grace_timer.async_wait([this](beast::error_code ec) {
      if (ec) return;
      spdlog::warn("shutdown grace period over; closing remaining connections");
      ioc.stop();
    });
  });
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(sessions_mutex);
    for (Session* s : sessions) {
      // A session being destroyed concurrently has no owner left; skip it.
      if (auto p = s->weak_from_this().lock()) live.push_back(std::move(p));
    }
  }
  for (auto& s : live) s->close_if_idle();
  asio::post(acceptor.get_executor(), [this] {
    stop_accepting();
    std::lock_guard lock(sessions_mutex);
    if (sessions.empty()) cancel_grace();
  });
}

Server::Server(ServerOptions options, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}

Server::~Server() = default;

Result<unsigned short> Server::listen() {
  beast::error_code ec;
  const auto address = asio::ip::make_address(impl_->options.host, ec);
  if (ec) return Error::make(ErrorKind::invalid, "not an IP address: " + impl_->options.host);
  const tcp::endpoint endpoint(address, impl_->options.port);
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Error::make(ErrorKind::unavailable, "cannot listen on " + impl_->options.host + ":" +
                                                   std::to_string(impl_->options.port) + ": " +
                                                   ec.message());
  }
  return acceptor.local_endpoint().port();
}

void Server::run() {
  impl_->signals.async_wait([this](beast::error_code ec, int) {
    if (!ec) impl_->begin_shutdown();
  });
  impl_->accept();
  const ServerOptions& o = impl_->options;
  std::vector<std::thread> threads;
  for (int i = 1; i < (o.io_threads > 0 ? o.io_threads : o.worker_threads); ++i) {
    threads.emplace_back([this] { impl_->ioc.run(); });
  }
  impl_->ioc.run();
  for (auto& t : threads) t.join();
  if (impl_->workers) impl_->workers->join();
  // A resume still to come posts to an io_context: keep them until it has
  // (the store answers every read, if need be with an error).
  while (impl_->later_in_flight.load() > 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  spdlog::info("server stopped");
}

}  // namespace outpost::http
