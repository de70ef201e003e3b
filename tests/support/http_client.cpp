#include "tests/support/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace outpost::testing {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

struct HttpClient::Connection {
  asio::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  bool open = false;
};

boost::json::value Response::json() const {
  return boost::json::parse(body);
}

std::string Response::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return {};
}

HttpClient::HttpClient(unsigned short port, std::string token)
    : port_(port), token_(std::move(token)), conn_(std::make_unique<Connection>()) {}
HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;

Response HttpClient::request(const std::string& method, const std::string& target,
                             const std::string& body, const Headers& headers) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      if (!conn_->open) {
        conn_->stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
        conn_->buffer.clear();
        conn_->open = true;
      }
      bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
      req.set(bhttp::field::host, "127.0.0.1");
      bool has_auth = false;
      for (const auto& [k, v] : headers) {
        req.set(k, v);
        has_auth = has_auth || beast::iequals(k, "authorization");
      }
      if (!token_.empty() && !has_auth) req.set(bhttp::field::authorization, "Bearer " + token_);
      req.body() = body;
      req.prepare_payload();
      conn_->stream.expires_after(std::chrono::seconds(30));
      bhttp::write(conn_->stream, req);
      bhttp::response_parser<bhttp::string_body> parser;
      parser.body_limit(64 * 1024 * 1024);
      bhttp::read(conn_->stream, conn_->buffer, parser);
      auto res = parser.release();
      Response out{static_cast<int>(res.result_int()), res.body(), {}};
      for (const auto& f : res) {
        std::string name(f.name_string());
        for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        out.headers.emplace_back(std::move(name), std::string(f.value()));
      }
      if (!res.keep_alive()) {
        beast::error_code ec;
        conn_->stream.socket().close(ec);
        conn_->open = false;
      }
      return out;
    } catch (const std::exception&) {
      beast::error_code ec;
      conn_->stream.socket().close(ec);
      conn_->open = false;
      if (attempt == 1) throw;
    }
  }
  return {};
}

Response HttpClient::get(const std::string& target, const Headers& headers) {
  return request("GET", target, "", headers);
}

Response HttpClient::post_json(const std::string& target, const boost::json::value& body,
                               const Headers& headers) {
  Headers all = headers;
  all.emplace_back("Content-Type", "application/json");
  return request("POST", target, boost::json::serialize(body), all);
}

}  // namespace outpost::testing
