// The case list as a client pages it: a total on request, server-side sort
// orders with cursors, the returned / arbitration filters, and conditional
// GET (ETag, If-None-Match → 304) on the list and the queues.
#include <optional>
#include <set>

#include "tests/http/fixtures.hpp"

using namespace outpost::testing;
using outpost::Millis;

namespace {

// Every id of `target` (which has its own query), page after page.
std::vector<json::object> all_pages(TestServer& t, const std::string& target) {
  std::vector<json::object> items;
  std::string next = target;
  for (int page = 0; page < 100; ++page) {
    auto r = t.client.get(next);
    REQUIRE_MESSAGE(r.status == 200, next << ": " << r.body);
    const auto body = r.json().as_object();
    for (const auto& item : body.at("items").as_array()) items.push_back(item.as_object());
    if (body.at("next_cursor").is_null()) return items;
    next = target + "&cursor=" + text(body.at("next_cursor"));
  }
  FAIL("more than 100 pages");
  return items;
}

// A case's value of a time column as the list shows it; nullopt for no deadline.
std::optional<Millis> key_of(const json::object& item, const std::string& column) {
  const auto& v = item.at(column);
  if (v.is_null()) return std::nullopt;
  return epoch_millis(text(v));
}

// Seeded cases 1..25 get created_at, updated_at and deadline values with
// ties, out of id order; every third has no deadline.
void vary_times(TestServer& t) {
  seed_cases(t.db, 1, 25, 20);
  t.db.exec(
      "UPDATE cases SET created_at = 1767225600000 + (id % 4) * 60000,"
      " updated_at = 1767225600000 + (id % 5) * 1000,"
      " deadline = CASE WHEN id % 3 = 0 THEN NULL ELSE 1767225600000 + (id % 6) * 3600000 END");
}

}  // namespace

TEST_SUITE("http_case_list") {
  TEST_CASE("count=true adds the number of matching cases in the caller's scope") {
    TestServer t;
    seed_cases(t.db, 1, 23, 20);
    auto counted = t.client.get("/api/v1/cases?community=LF&limit=5&count=true");
    REQUIRE(counted.status == 200);
    const auto stored = t.db.query_int("SELECT count(*) FROM cases WHERE community = 'LF'");
    CHECK(stored > 5);
    CHECK(counted.json().at("total").as_int64() == stored);
    CHECK(counted.json().at("items").as_array().size() == 5);
    CHECK(all_pages(t, "/api/v1/cases?community=LF&limit=5").size() ==
          static_cast<std::size_t>(stored));
    CHECK_FALSE(t.client.get("/api/v1/cases?limit=5").json().as_object().contains("total"));

    // A handler of the urban department sees its department's cases only, and the total says so.
    t.db.exec("UPDATE cases SET department = 'urban' WHERE id % 4 = 0");
    auto urban = t.client_as("urban.h", "handler", "urban");
    auto scoped = urban.get("/api/v1/cases?count=true");
    REQUIRE_MESSAGE(scoped.status == 200, scoped.body);
    const auto of_urban = t.db.query_int("SELECT count(*) FROM cases WHERE department = 'urban'");
    CHECK(of_urban > 0);
    CHECK(scoped.json().at("total").as_int64() == of_urban);
    CHECK(scoped.json().at("items").as_array().size() == static_cast<std::size_t>(of_urban));

    auto bad = t.client.get("/api/v1/cases?count=yes");
    CHECK(bad.status == 422);
    CHECK(bad.header("content-type") == "application/problem+json");
  }

  TEST_CASE("each sort order pages without duplicates or gaps, in order") {
    TestServer t;
    vary_times(t);
    const auto stored = t.db.query_int("SELECT count(*) FROM cases");
    const std::vector<std::pair<std::string, std::string>> sorts{
        {"created_at", "created_at"},  {"-created_at", "created_at"}, {"updated_at", "updated_at"},
        {"-updated_at", "updated_at"}, {"deadline", "deadline"},      {"-deadline", "deadline"}};
    for (const auto& [sort, column] : sorts) {
      CAPTURE(sort);
      const auto items = all_pages(t, "/api/v1/cases?limit=4&sort=" + sort);
      REQUIRE(items.size() == static_cast<std::size_t>(stored));
      std::set<std::int64_t> ids;
      for (const auto& item : items) ids.insert(item.at("id").as_int64());
      CHECK(ids.size() == items.size());
      const bool ascending = sort[0] != '-';
      for (std::size_t i = 1; i < items.size(); ++i) {
        const auto a = key_of(items[i - 1], column), b = key_of(items[i], column);
        const auto id_a = items[i - 1].at("id").as_int64(), id_b = items[i].at("id").as_int64();
        CAPTURE(i);
        if (!a || !b) {
          CHECK(!(!a && b));  // no deadline comes last
          if (!a && !b) CHECK((ascending ? id_a < id_b : id_a > id_b));
          continue;
        }
        CHECK((ascending ? *a <= *b : *a >= *b));
        if (*a == *b) CHECK((ascending ? id_a < id_b : id_a > id_b));
      }
    }
    // The default stays newest registered first.
    const auto plain = all_pages(t, "/api/v1/cases?limit=7");
    REQUIRE(plain.size() == static_cast<std::size_t>(stored));
    CHECK(plain.front().at("id").as_int64() > plain.back().at("id").as_int64());
  }

  TEST_CASE("an unknown sort or another sort's cursor is refused and changes nothing") {
    TestServer t;
    vary_times(t);
    const auto before = t.db.query_int("SELECT count(*) FROM cases");
    auto bad = t.client.get("/api/v1/cases?sort=title");
    CHECK(bad.status == 422);
    CHECK(bad.header("content-type") == "application/problem+json");
    CHECK(bad.body.find("sort") != std::string::npos);
    auto first = t.client.get("/api/v1/cases?limit=3").json();
    auto mixed =
        t.client.get("/api/v1/cases?sort=deadline&cursor=" + text(first.at("next_cursor")));
    CHECK(mixed.status == 422);
    CHECK(mixed.body.find("cursor") != std::string::npos);
    CHECK(t.client.get("/api/v1/exports/cases.jsonl?sort=deadline").status == 422);
    CHECK(t.db.query_int("SELECT count(*) FROM cases") == before);
  }

  TEST_CASE("returned and arbitration filter the list as the dispatch queue counts them") {
    TestServer t;
    const auto plain = t.create_case(request_body());
    const auto once = t.create_case(request_body());
    t.step(once, "dispatch");
    t.step(once, "return_dispatch", {{"reason", "不属于城管职责"}});
    const auto twice = t.create_case(request_body());
    t.step(twice, "dispatch");
    t.step(twice, "return_dispatch", {{"reason", "不属于城管职责"}});
    t.step(twice, "dispatch", {{"department", "property"}});
    t.step(twice, "return_dispatch", {{"reason", "该楼栋无物业"}});

    const auto ids = [&](const std::string& query) {
      std::set<std::int64_t> out;
      for (const auto& item : all_pages(t, "/api/v1/cases?limit=50&" + query))
        out.insert(item.at("id").as_int64());
      return out;
    };
    CHECK(ids("returned=true") == std::set<std::int64_t>{once, twice});
    CHECK(ids("returned=false") == std::set<std::int64_t>{plain});
    CHECK(ids("arbitration=true") == std::set<std::int64_t>{twice});
    const auto queue = t.client.get("/api/v1/queues/dispatch").json();
    CHECK(t.client.get("/api/v1/cases?returned=true&count=true").json().at("total") ==
          queue.at("counts").at("returned"));
    // The dispatch queue filters the same way; its counts stay the whole queue's.
    const auto queued = [&](const std::string& query) {
      std::set<std::int64_t> out;
      auto r = t.client.get("/api/v1/queues/dispatch?" + query);
      REQUIRE_MESSAGE(r.status == 200, r.body);
      const auto body = r.json();
      for (const auto& item : body.at("items").as_array()) out.insert(item.at("id").as_int64());
      CHECK(body.at("counts") == queue.at("counts"));
      return out;
    };
    CHECK(queued("returned=true") == std::set<std::int64_t>{once, twice});
    CHECK(queued("arbitration=true") == std::set<std::int64_t>{twice});
    CHECK(queue.at("counts").at("awaiting").as_int64() == 3);
    CHECK(t.client.get("/api/v1/queues/dispatch?returned=maybe").status == 422);
    CHECK(t.client.get("/api/v1/queues/mine?returned=true").status == 422);
    CHECK(t.client.get("/api/v1/cases?returned=1").status == 422);
  }

  TEST_CASE("lists and queues answer If-None-Match with 304 until they change") {
    TestServer t;
    seed_cases(t.db, 1, 6, 20);
    // Accepted disputes without a deadline: the dispatch queue holds them, and
    // no remaining time changes their JSON from one second to the next.
    t.db.exec("UPDATE cases SET state = 'accepted'");
    std::int64_t next = 7;
    for (const std::string target :
         {"/api/v1/cases?limit=3&count=true", "/api/v1/queues/dispatch"}) {
      CAPTURE(target);
      auto first = t.client.get(target);
      REQUIRE(first.status == 200);
      const std::string etag = first.header("etag");
      CHECK(etag.rfind("W/\"", 0) == 0);
      auto again = t.client.get(target, {{"If-None-Match", etag}});
      CHECK(again.status == 304);
      CHECK(again.body.empty());
      CHECK(again.header("etag") == etag);
      CHECK(t.client.get(target, {{"If-None-Match", "W/\"other\""}}).status == 200);

      seed_cases(t.db, next, next, 20);  // a new case heads both lists
      t.db.exec("UPDATE cases SET state = 'accepted'");
      ++next;
      auto changed = t.client.get(target, {{"If-None-Match", etag}});
      CHECK(changed.status == 200);
      CHECK_FALSE(changed.body.empty());
      CHECK(changed.header("etag") != etag);
    }
  }
}
