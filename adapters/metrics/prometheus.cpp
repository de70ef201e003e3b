#include "adapters/metrics/prometheus.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "adapters/http/problem.hpp"

namespace outpost::metrics {
namespace {

// Upper bounds of the latency buckets, in nanoseconds and as exposed.
constexpr std::array<std::int64_t, 14> kBucketNanos = {
    500'000,       1'000'000,     2'500'000,     5'000'000,     10'000'000,
    25'000'000,    50'000'000,    100'000'000,   250'000'000,   500'000'000,
    1'000'000'000, 2'500'000'000, 5'000'000'000, 10'000'000'000};
constexpr std::array<const char*, 14> kBucketLabels = {"0.0005", "0.001", "0.0025", "0.005", "0.01",
                                                       "0.025",  "0.05",  "0.1",    "0.25",  "0.5",
                                                       "1",      "2.5",   "5",      "10"};

// The statuses counted each on their own; any other is "other".
constexpr std::array<int, 34> kStatuses = {
    200, 201, 202, 204, 206, 301, 302, 303, 304, 307, 308, 400, 401, 403, 404, 405, 406,
    409, 410, 411, 412, 413, 414, 415, 416, 422, 428, 429, 431, 500, 501, 502, 503, 504};
constexpr std::size_t kStatusSlots = kStatuses.size() + 1;

constexpr std::array<std::string_view, 8> kMethods = {"GET",   "HEAD",   "POST",    "PUT",
                                                      "PATCH", "DELETE", "OPTIONS", "other"};

constexpr std::array<const char*, 14> kErrorKinds = {"malformed",
                                                     "unauthenticated",
                                                     "forbidden",
                                                     "not_found",
                                                     "not_allowed_in_state",
                                                     "stale_version",
                                                     "too_large",
                                                     "invalid",
                                                     "rate_limited",
                                                     "unavailable",
                                                     "internal",
                                                     "version_conflict",
                                                     "idempotency_race",
                                                     "already_exists"};
static_assert(static_cast<std::size_t>(ErrorKind::already_exists) + 1 == kErrorKinds.size());
constexpr std::size_t kOutcomes = kErrorKinds.size() + 1;  // 0: applied

std::size_t status_slot(int status) {
  const auto* at = std::lower_bound(kStatuses.begin(), kStatuses.end(), status);
  return at != kStatuses.end() && *at == status ? static_cast<std::size_t>(at - kStatuses.begin())
                                                : kStatuses.size();
}

std::string status_label(std::size_t slot) {
  return slot < kStatuses.size() ? std::to_string(kStatuses[slot]) : "other";
}

std::size_t method_slot(std::string_view method) {
  for (std::size_t i = 0; i + 1 < kMethods.size(); ++i) {
    if (kMethods[i] == method) return i;
  }
  return kMethods.size() - 1;
}

std::string number(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

void header(std::string& out, std::string_view name, std::string_view help, std::string_view type) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void sample(std::string& out, std::string_view name, std::string_view labels,
            const std::string& value) {
  out.append(name);
  if (!labels.empty()) out.append("{").append(labels).append("}");
  out.append(" ").append(value).append("\n");
}

}  // namespace

std::string label(std::string_view name, std::string_view value) {
  std::string out(name);
  out += "=\"";
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

// Per (endpoint, status slot): a count, the sum of latencies and each
// bucket's own observations (made cumulative when rendered).
struct Prometheus::Http {
  struct Cell {
    std::atomic<std::uint64_t> count{0};
    std::atomic<std::uint64_t> sum_nanos{0};
    std::array<std::atomic<std::uint64_t>, kBucketNanos.size()> buckets{};
  };
  // (method, route label): the routes in order, then the fallback and the
  // unmatched requests once per method.
  std::vector<std::pair<std::string, std::string>> endpoints;
  std::size_t routes = 0;
  std::unique_ptr<Cell[]> cells;
};

// Per (kind, event) pair: one counter per outcome. Each kind's events are
// sorted (looked up by binary search, no allocation) and followed by "other";
// the last pair is (<unknown>, other) for a case that was not found.
struct Prometheus::Transitions {
  struct Kind {
    std::string name;
    std::vector<std::string> events;
    std::size_t first = 0;  // pair index of events[0]; "other" is first + events.size()
  };
  std::vector<Kind> kinds;
  std::size_t pairs = 0;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts;

  std::size_t pair_of(std::string_view kind, std::string_view event) const {
    for (const Kind& k : kinds) {
      if (k.name != kind) continue;
      const auto at =
          std::lower_bound(k.events.begin(), k.events.end(), event,
                           [](const std::string& a, std::string_view b) { return a < b; });
      const bool known = at != k.events.end() && *at == event;
      return k.first + (known ? static_cast<std::size_t>(at - k.events.begin()) : k.events.size());
    }
    return pairs - 1;
  }
};

Prometheus::Prometheus(const WorkflowRegistry& workflows, std::string version)
    : transitions_(std::make_unique<Transitions>()), version_(std::move(version)) {
  Transitions& t = *transitions_;
  for (const auto& wf : workflows.all()) {
    const WorkflowGraph& g = wf->graph();
    Transitions::Kind k{std::string(to_string(g.kind)), {}, t.pairs};
    for (const auto& e : g.events) k.events.push_back(e.name);
    std::sort(k.events.begin(), k.events.end());
    k.events.erase(std::unique(k.events.begin(), k.events.end()), k.events.end());
    t.pairs += k.events.size() + 1;
    t.kinds.push_back(std::move(k));
  }
  t.pairs += 1;
  t.counts = std::make_unique<std::atomic<std::uint64_t>[]>(t.pairs * kOutcomes);
}

Prometheus::~Prometheus() = default;

void Prometheus::bind_routes(const std::vector<http::Router::Listed>& routes) {
  auto h = std::make_unique<Http>();
  for (const auto& r : routes) h->endpoints.emplace_back(r.method, r.pattern);
  h->routes = routes.size();
  for (const char* route : {"<fallback>", "<unmatched>"}) {
    for (std::string_view m : kMethods) h->endpoints.emplace_back(std::string(m), route);
  }
  h->cells = std::make_unique<Http::Cell[]>(h->endpoints.size() * kStatusSlots);
  http_ = std::move(h);
}

void Prometheus::add_gauges(GaugeSource source) {
  sources_.push_back(std::move(source));
}

void Prometheus::transition(std::string_view kind, std::string_view event,
                            std::optional<ErrorKind> refusal) {
  const std::size_t outcome = refusal ? static_cast<std::size_t>(*refusal) + 1 : 0;
  transitions_->counts[transitions_->pair_of(kind, event) * kOutcomes + outcome].fetch_add(
      1, std::memory_order_relaxed);
}

void Prometheus::deadline(DeadlineSignal signal) {
  deadlines_[static_cast<int>(signal)].fetch_add(1, std::memory_order_relaxed);
}

void Prometheus::outbox(OutboxSignal signal) {
  outbox_[static_cast<int>(signal)].fetch_add(1, std::memory_order_relaxed);
}

void Prometheus::login(LoginSignal signal) {
  logins_[static_cast<int>(signal)].fetch_add(1, std::memory_order_relaxed);
}

void Prometheus::request_done(std::string_view method, std::size_t route, int status,
                              std::chrono::nanoseconds elapsed) {
  if (!http_) return;
  const Http& h = *http_;
  std::size_t endpoint = route;
  if (route >= h.routes) {
    endpoint = h.routes + method_slot(method) +
               (route == http::Router::kFallbackRoute ? 0 : kMethods.size());
  }
  Http::Cell& cell = h.cells[endpoint * kStatusSlots + status_slot(status)];
  const auto nanos = std::max<std::int64_t>(elapsed.count(), 0);
  const auto* bucket = std::lower_bound(kBucketNanos.begin(), kBucketNanos.end(), nanos);
  if (bucket != kBucketNanos.end()) {
    cell.buckets[static_cast<std::size_t>(bucket - kBucketNanos.begin())].fetch_add(
        1, std::memory_order_relaxed);
  }
  cell.sum_nanos.fetch_add(static_cast<std::uint64_t>(nanos), std::memory_order_relaxed);
  cell.count.fetch_add(1, std::memory_order_relaxed);
}

namespace {

void render_http(std::string& out,
                 const std::vector<std::pair<std::string, std::string>>& endpoints,
                 const auto& cells) {
  std::string counts, histograms;
  for (std::size_t e = 0; e < endpoints.size(); ++e) {
    for (std::size_t s = 0; s < kStatusSlots; ++s) {
      const auto& cell = cells[e * kStatusSlots + s];
      const std::uint64_t count = cell.count.load(std::memory_order_relaxed);
      if (count == 0) continue;
      const std::string labels = label("method", endpoints[e].first) + "," +
                                 label("route", endpoints[e].second) + "," +
                                 label("status", status_label(s));
      // Buckets are read after the count; an observation counted in
      // between makes +Inf (and _count) the larger of the two.
      std::uint64_t cumulative = 0;
      for (std::size_t b = 0; b < kBucketNanos.size(); ++b) {
        cumulative += cell.buckets[b].load(std::memory_order_relaxed);
        sample(histograms, "outpost_http_request_duration_seconds_bucket",
               labels + ",le=\"" + kBucketLabels[b] + "\"", std::to_string(cumulative));
      }
      const std::uint64_t total = std::max(count, cumulative);
      sample(histograms, "outpost_http_request_duration_seconds_bucket", labels + ",le=\"+Inf\"",
             std::to_string(total));
      sample(histograms, "outpost_http_request_duration_seconds_sum", labels,
             number(static_cast<double>(cell.sum_nanos.load(std::memory_order_relaxed)) / 1e9));
      sample(histograms, "outpost_http_request_duration_seconds_count", labels,
             std::to_string(total));
      sample(counts, "outpost_http_requests_total", labels, std::to_string(count));
    }
  }
  header(out, "outpost_http_requests_total",
         "HTTP requests answered, by method, route pattern and status.", "counter");
  out += counts;
  header(out, "outpost_http_request_duration_seconds",
         "Time to produce the response (a streamed body: its header), by method, route pattern "
         "and status.",
         "histogram");
  out += histograms;
}

void render_fixed(std::string& out, std::string_view name, std::string_view help,
                  std::string_view label_name, const std::atomic<std::uint64_t>* values,
                  std::initializer_list<const char*> labels) {
  header(out, name, help, "counter");
  std::size_t i = 0;
  for (const char* l : labels) {
    sample(out, name, label_name.empty() ? std::string() : label(label_name, l),
           std::to_string(values[i++].load(std::memory_order_relaxed)));
  }
}

}  // namespace

std::string Prometheus::render() const {
  std::string out;
  header(out, "outpost_build_info", "The running binary's version (always 1).", "gauge");
  sample(out, "outpost_build_info", label("version", version_), "1");
  if (http_) render_http(out, http_->endpoints, http_->cells);

  const Transitions& t = *transitions_;
  header(out, "outpost_transitions_total",
         "Events applied to cases (outcome applied) or refused (outcome: the error kind), by case "
         "kind and event.",
         "counter");
  auto pair_labels = [&t](std::size_t pair) {
    for (const auto& k : t.kinds) {
      if (pair > k.first + k.events.size()) continue;
      const std::size_t i = pair - k.first;
      return label("kind", k.name) + "," +
             label("event", i < k.events.size() ? std::string_view(k.events[i]) : "other");
    }
    return label("kind", "<unknown>") + "," + label("event", "other");
  };
  for (std::size_t p = 0; p < t.pairs; ++p) {
    for (std::size_t o = 0; o < kOutcomes; ++o) {
      const std::uint64_t n = t.counts[p * kOutcomes + o].load(std::memory_order_relaxed);
      if (n == 0) continue;
      sample(out, "outpost_transitions_total",
             pair_labels(p) + "," + label("outcome", o == 0 ? "applied" : kErrorKinds[o - 1]),
             std::to_string(n));
    }
  }
  render_fixed(out, "outpost_deadline_timers_total",
               "Deadline timers that took effect: warned, breached, escalated.", "signal",
               deadlines_, {"warned", "breached", "escalated"});
  render_fixed(out, "outpost_outbox_deliveries_total",
               "Settled delivery attempts of outbox messages, by outcome.", "outcome", outbox_,
               {"delivered", "retried", "dead_lettered"});
  render_fixed(out, "outpost_login_failures_total", "Failed logins.", "", &logins_[0], {""});
  render_fixed(out, "outpost_login_lockouts_total",
               "Failed logins that locked an account or a client address.", "", &logins_[1], {""});

  for (const GaugeSource& source : sources_) {
    const auto families = source();
    if (!families) {
      source_errors_.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    for (const GaugeFamily& f : families.value()) {
      header(out, f.name, f.help, "gauge");
      for (const GaugeSample& s : f.samples) sample(out, f.name, s.labels, number(s.value));
    }
  }
  header(out, "outpost_metrics_source_errors_total",
         "Scrapes whose database figures could not be read.", "counter");
  sample(out, "outpost_metrics_source_errors_total", "",
         std::to_string(source_errors_.load(std::memory_order_relaxed)));
  return out;
}

void register_metrics_route(http::Router& router, const Prometheus& metrics, std::string token) {
  if (token.empty()) return;
  router.add("GET", "/metrics",
             [&metrics, expected = "Bearer " + token](const http::HttpRequest& req,
                                                      const http::PathParams&) {
               const std::string_view given = req.header("authorization").value_or("");
               // Compared in constant time: the token is a secret.
               unsigned char diff = given.size() == expected.size() ? 0 : 1;
               for (std::size_t i = 0; i < given.size() && i < expected.size(); ++i) {
                 diff |= static_cast<unsigned char>(given[i] ^ expected[i]);
               }
               if (diff != 0) {
                 return http::problem(Error::make(ErrorKind::unauthenticated,
                                                  "/metrics needs the metrics bearer token"));
               }
               return http::HttpResponse{
                   200, "text/plain; version=0.0.4; charset=utf-8", {}, metrics.render()};
             });
}

}  // namespace outpost::metrics
