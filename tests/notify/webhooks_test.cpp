// Acceptance of the outbox and webhooks (issue 4, item 5): a real server
// delivers `case.dispatched` messages to a real receiver on 127.0.0.1, signed,
// retried with backoff, dead-lettered after the configured attempts, and not
// lost when the server is killed mid-delivery.
#include <sodium.h>

#include <array>
#include <string>

#include "tests/notify/fixtures.hpp"
#include "tests/notify/receiver.hpp"

using namespace outpost::testing;

namespace {

constexpr const char* kFlakySecret = "flaky-secret-0123456789";
constexpr const char* kSteadySecret = "steady-secret-from-env-42";

// What a receiver computes to check X-Outpost-Signature.
std::string expected_signature(const std::string& secret, const std::string& body) {
  REQUIRE(sodium_init() >= 0);
  crypto_auth_hmacsha256_state state;
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(body.data()),
                                body.size());
  crypto_auth_hmacsha256_final(&state, mac.data());
  std::array<char, 2 * crypto_auth_hmacsha256_BYTES + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), mac.data(), mac.size());
  return std::string("sha256=") + hex.data();
}

std::string header(const json::object& record, const std::string& name) {
  return text(record.at("headers").at(name));
}

double arrival(const json::object& record) {
  return record.at("at").to_number<double>();
}

std::string webhook(const std::string& name, const std::string& url, const std::string& secret,
                    const std::string& extra = "") {
  return "[[webhooks]]\nname = \"" + name + "\"\nurl = \"" + url + "\"\n" + secret + "\n" + extra;
}

std::string with_secret(const std::string& secret) {
  return "secret = \"" + secret + "\"";
}

}  // namespace

TEST_SUITE("notify_webhooks") {
  TEST_CASE(
      "a receiver that fails twice gets the message on the third attempt with a valid signature") {
    WebhookReceiver receiver;
    const std::string flaky = "/fail-first/2/flaky";
    const std::string steady = "/ok/steady";
    const std::string breaches = "/ok/breaches";
    NotifyServer t(
        "[outbox]\npoll_interval_ms = 50\nretry_initial_ms = 400\nretry_max_ms = 5000\n"
        "max_attempts = 5\ntimeout_ms = 2000\nlease_ms = 5000\n" +
            webhook("steady", receiver.url(steady), "secret_env = \"STEADY_SECRET\"") +
            webhook("flaky", receiver.url(flaky), with_secret(kFlakySecret),
                    "topics = [\"case.dispatched\"]\n") +
            webhook("breaches", receiver.url(breaches), with_secret(kFlakySecret),
                    "topics = [\"deadline.breached\"]\n"),
        {{"STEADY_SECRET", kSteadySecret}});
    const std::string id = t.dispatch_new_request();

    const json::object delivered = t.wait_for("delivered", id);
    CHECK(delivered.at("attempts").as_int64() == 3);
    CHECK(delivered.at("topic") == "case.dispatched");
    CHECK(delivered.at("delivered_to") == json::array{"steady", "flaky"});
    CHECK(delivered.at("last_error").is_null());
    CHECK(delivered.at("next_attempt_at").is_null());
    CHECK(delivered.at("delivered_at").is_string());
    CHECK(delivered.at("payload").at("id") == id.c_str());
    CHECK(delivered.at("payload").at("case").at("id") == delivered.at("case_id"));

    const auto tries = receiver.records(flaky, "received");
    const auto answers = receiver.records(flaky, "answered");
    REQUIRE(tries.size() == 3);
    REQUIRE(answers.size() == 3);
    CHECK(answers[0].at("status") == 500);
    CHECK(answers[1].at("status") == 500);
    CHECK(answers[2].at("status") == 200);
    const std::string body = text(tries[0].at("body"));
    CHECK(json::parse(body) == delivered.at("payload"));
    for (const json::object& r : tries) {
      CHECK(text(r.at("body")) == body);  // the same bytes on every attempt
      CHECK(header(r, "x-outpost-message-id") == id);
      CHECK(header(r, "x-outpost-topic") == "case.dispatched");
      CHECK(header(r, "content-type") == "application/json");
      CHECK(header(r, "x-outpost-signature") == expected_signature(kFlakySecret, body));
    }
    CHECK(header(tries[2], "x-outpost-signature") != expected_signature(kSteadySecret, body));
    // Exponential backoff: 400 ms after the first failure, 800 ms after the second.
    CHECK(arrival(tries[1]) - arrival(tries[0]) >= 0.4);
    CHECK(arrival(tries[2]) - arrival(tries[1]) >= 0.8);

    // The webhook that took it at once got it once; the one for another topic never.
    const auto steady_tries = receiver.records(steady, "received");
    REQUIRE(steady_tries.size() == 1);
    CHECK(header(steady_tries[0], "x-outpost-signature") ==
          expected_signature(kSteadySecret, text(steady_tries[0].at("body"))));
    CHECK(receiver.records(breaches, "received").empty());

    const std::string log = t.server.log();
    CHECK(log.find("message " + id + " to webhook flaky failed") != std::string::npos);
    CHECK(log.find(kFlakySecret) == std::string::npos);
    CHECK(log.find(kSteadySecret) == std::string::npos);
  }

  TEST_CASE("a receiver that always fails leaves the message dead after the configured attempts") {
    WebhookReceiver receiver;
    const std::string down = "/always-fail/down";
    NotifyServer t(
        "[outbox]\npoll_interval_ms = 50\nretry_initial_ms = 100\nretry_max_ms = 200\n"
        "max_attempts = 3\ntimeout_ms = 2000\nlease_ms = 5000\n" +
        webhook("down", receiver.url(down), with_secret(kFlakySecret)));
    const std::string id = t.dispatch_new_request();

    const json::object dead = t.wait_for("dead", id);
    CHECK(dead.at("attempts").as_int64() == 3);
    CHECK(text(dead.at("last_error")).find("down: HTTP 500") != std::string::npos);
    CHECK(dead.at("delivered_to").as_array().empty());
    CHECK(dead.at("delivered_at").is_null());
    CHECK(t.message_in("pending", id).is_null());

    std::this_thread::sleep_for(std::chrono::milliseconds(600));  // no attempt after the last
    CHECK(receiver.records(down, "received").size() == 3);
    CHECK(t.message_in("dead", id).at("attempts").as_int64() == 3);
    const std::string log = t.server.log();
    CHECK(log.find("message " + id + " is dead after 3 attempts") != std::string::npos);
    CHECK(log.find(kFlakySecret) == std::string::npos);
  }

  TEST_CASE("a message whose delivery a killed server left in flight is delivered after restart") {
    WebhookReceiver receiver;
    const std::string slow = "/hold-first/10/slow";
    NotifyServer t("[outbox]\npoll_interval_ms = 50\nlease_ms = 5000\ntimeout_ms = 4000\n" +
                   webhook("slow", receiver.url(slow), with_secret(kFlakySecret)));
    const std::string id = t.dispatch_new_request();

    REQUIRE(eventually([&] { return !receiver.records(slow, "received").empty(); },
                       std::chrono::seconds(10)));
    t.server.kill_hard();  // SIGKILL while the receiver holds the request
    CHECK(receiver.records(slow, "answered").empty());
    // The claim survived the crash; no outcome was recorded.
    CHECK(t.db.query_text("SELECT state FROM outbox WHERE id = '" + id + "'") == "pending");
    CHECK(t.db.query_int("SELECT attempts FROM outbox WHERE id = '" + id + "'") == 1);
    CHECK(t.db.query_text("SELECT last_error FROM outbox WHERE id = '" + id + "'").empty());

    t.server.start();
    const json::object delivered = t.wait_for("delivered", id);
    CHECK(delivered.at("attempts").as_int64() == 2);
    CHECK(delivered.at("delivered_to") == json::array{"slow"});

    // The receiver answered the second request at once, for the same message.
    bool completed = false;
    for (const json::object& a : receiver.records(slow, "answered")) {
      completed = completed || (a.at("message_id") == id.c_str() && a.at("status") == 200 &&
                                a.at("held").to_number<double>() == 0);
    }
    CHECK(completed);
    CHECK(receiver.records(slow, "received").size() == 2);
  }
}
