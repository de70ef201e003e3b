// GET /metrics counts outbox deliveries as the outbox records them (issue 20, item 1).
#include "tests/notify/fixtures.hpp"
#include "tests/notify/receiver.hpp"

using namespace outpost::testing;

namespace {

constexpr const char* kToken = "metrics-token-for-outbox-tests";

// The value of the sample line `name` (labels included, as exposed); -1 when absent.
double sample_value(const std::string& text, const std::string& name) {
  const auto at = text.find("\n" + name + " ");
  return at == std::string::npos ? -1 : std::stod(text.substr(at + name.size() + 2));
}

// Attempts, delivered and dead messages of the whole outbox, from the database.
struct Recorded {
  double attempts, delivered, dead;
};
Recorded recorded(const TestDatabase& db) {
  return {
      static_cast<double>(db.query_int("SELECT coalesce(sum(attempts), 0) FROM outbox")),
      static_cast<double>(db.query_int("SELECT count(*) FROM outbox WHERE state = 'delivered'")),
      static_cast<double>(db.query_int("SELECT count(*) FROM outbox WHERE state = 'dead'"))};
}

std::string outbox_settings(const std::string& url) {
  return "[outbox]\npoll_interval_ms = 50\nretry_initial_ms = 100\nretry_max_ms = 200\n"
         "max_attempts = 2\ntimeout_ms = 2000\nlease_ms = 5000\n"
         "[[webhooks]]\nname = \"ops\"\nurl = \"" +
         url + "\"\nsecret = \"outbox-metrics-secret-0123456789\"\n";
}

}  // namespace

TEST_SUITE("ops_metrics") {
  TEST_CASE("/metrics counts deliveries, retries and dead letters as the outbox records them") {
    WebhookReceiver receiver;
    for (const std::string& path : {std::string("/ok/ops"), std::string("/always-fail/ops")}) {
      CAPTURE(path);
      NotifyServer t(outbox_settings(receiver.url(path)), {{"OUTPOST_METRICS_TOKEN", kToken}});
      const std::string id = t.dispatch_new_request();
      t.wait_for(path.starts_with("/ok") ? "delivered" : "dead", id);
      REQUIRE(eventually(
          [&] {
            return t.db.query_int(
                       "SELECT count(*) FROM outbox WHERE "
                       "state = 'pending'") == 0;
          },
          std::chrono::seconds(20)));
      const auto scrape = HttpClient(t.server.port(), kToken).get("/metrics");
      REQUIRE(scrape.status == 200);
      const Recorded r = recorded(t.db);
      CHECK(r.attempts > 0);
      const std::string text = "\n" + scrape.body;
      CHECK(sample_value(text, "outpost_outbox_deliveries_total{outcome=\"delivered\"}") ==
            r.delivered);
      CHECK(sample_value(text, "outpost_outbox_deliveries_total{outcome=\"dead_lettered\"}") ==
            r.dead);
      CHECK(sample_value(text, "outpost_outbox_deliveries_total{outcome=\"retried\"}") ==
            r.attempts - r.delivered - r.dead);
      CHECK(sample_value(text, "outpost_outbox_messages{state=\"dead\"}") == r.dead);
      CHECK(sample_value(text, "outpost_outbox_messages{state=\"pending\"}") == 0);
      if (path.starts_with("/ok")) CHECK(r.delivered > 0);
      if (path.starts_with("/always")) CHECK(r.dead > 0);
    }
  }
}
