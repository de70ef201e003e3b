#include "adapters/notify/webhook.hpp"

#include <curl/curl.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <mutex>

namespace outpost::notify {
namespace {

constexpr int kPollMs = 1000;  // the longest wait between two looks at should_stop

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// The answer's body is not used: only its status counts.
std::size_t discard(char*, std::size_t size, std::size_t count, void*) {
  return size * count;
}

struct HeaderList {
  curl_slist* list = nullptr;
  HeaderList() = default;
  HeaderList(const HeaderList&) = delete;
  HeaderList& operator=(const HeaderList&) = delete;
  ~HeaderList() { curl_slist_free_all(list); }
  void add(const std::string& line) { list = curl_slist_append(list, line.c_str()); }
};

}  // namespace

// One easy handle for the request, driven by a multi handle so that wake()
// (curl_multi_wakeup) can cut a wait short. The multi handle keeps the
// connections between posts.
struct WebhookPoster::Curl {
  CURL* easy = curl_easy_init();
  CURLM* multi = curl_multi_init();
  Curl() = default;
  Curl(const Curl&) = delete;
  Curl& operator=(const Curl&) = delete;
  ~Curl() {
    curl_easy_cleanup(easy);
    curl_multi_cleanup(multi);
  }
};

bool Webhook::wants(std::string_view topic) const {
  return topics.empty() || std::find(topics.begin(), topics.end(), topic) != topics.end();
}

std::string signature_of(std::string_view secret, std::string_view body) {
  crypto_auth_hmacsha256_state state;
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(body.data()),
                                body.size());
  crypto_auth_hmacsha256_final(&state, mac.data());
  std::array<char, crypto_auth_hmacsha256_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), mac.data(), mac.size());
  return "sha256=" + std::string(hex.data());
}

WebhookPoster::WebhookPoster(std::chrono::milliseconds timeout, std::function<bool()> should_stop)
    : timeout_(timeout), should_stop_(std::move(should_stop)) {
  global_init_once();
  curl_ = std::make_unique<Curl>();
}

WebhookPoster::~WebhookPoster() = default;

void WebhookPoster::wake() {
  if (curl_->multi != nullptr) curl_multi_wakeup(curl_->multi);
}

PostResult WebhookPoster::post(const Webhook& webhook, const OutboxMessage& message) {
  CURL* easy = curl_->easy;
  CURLM* multi = curl_->multi;
  if (easy == nullptr || multi == nullptr) return {false, false, 0, "libcurl failed to start"};
  curl_easy_reset(easy);
  HeaderList headers;
  headers.add("Content-Type: application/json");
  headers.add("X-Outpost-Message-Id: " + message.id);
  headers.add("X-Outpost-Topic: " + message.topic);
  headers.add("X-Outpost-Signature: " + signature_of(webhook.secret, message.payload));
  headers.add("Expect:");  // no 100-continue round trip for larger bodies
  std::array<char, CURL_ERROR_SIZE> error{};
  curl_easy_setopt(easy, CURLOPT_URL, webhook.url.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_POST, 1L);
  curl_easy_setopt(easy, CURLOPT_POSTFIELDS, message.payload.data());
  curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                   static_cast<curl_off_t>(message.payload.size()));
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers.list);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "outpost-webhook");
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_.count()));
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for DNS timeouts
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error.data());

  PostResult r;
  CURLcode code = CURLE_OK;
  curl_multi_add_handle(multi, easy);
  for (int running = 1; running > 0;) {
    if (should_stop_ && should_stop_()) {
      r.interrupted = true;
      break;
    }
    if (curl_multi_perform(multi, &running) != CURLM_OK) {
      code = CURLE_FAILED_INIT;
      break;
    }
    if (running > 0) curl_multi_poll(multi, nullptr, 0, kPollMs, nullptr);
  }
  int queued = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
    if (msg->msg == CURLMSG_DONE) code = msg->data.result;
  }
  curl_multi_remove_handle(multi, easy);

  if (r.interrupted) {
    r.error = "abandoned: the deliverer is stopping";
  } else if (code == CURLE_OPERATION_TIMEDOUT) {
    r.error = "timed out after " + std::to_string(timeout_.count()) + " ms";
  } else if (code != CURLE_OK) {
    r.error = error[0] != '\0' ? std::string(error.data()) : curl_easy_strerror(code);
  } else {
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &r.status);
    r.ok = r.status >= 200 && r.status < 300;
    if (!r.ok) r.error = "HTTP " + std::to_string(r.status);
  }
  return r;
}

}  // namespace outpost::notify
