// History proofs through a real server, on both backends (docs/PROOF.md): the
// database refuses UPDATE and DELETE on history; verify names a row changed
// behind the trigger's back; a whole chain rewritten consistently is caught
// by the signed checkpoint; de-identification after a checkpoint keeps every
// proof valid; the day's checkpoint is signed once by two servers; the audit
// bundle verifies offline and a tampered one does not.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "engine/proof/history_proofs.hpp"
#include "engine/proof/merkle.hpp"
#include "tests/http/fixtures.hpp"

namespace outpost::testing {
namespace {

namespace fs = std::filesystem;

std::string scratch_path(const std::string& name) {
  static std::atomic<int> counter{0};
  const char* dir = std::getenv("OUTPOST_TEST_WORK_DIR");
  fs::path base = dir ? fs::path(dir) : fs::temp_directory_path();
  fs::create_directories(base);
  return (base / (name + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter)))
      .string();
}

// `outpost audit ARGS --database URL` with the test servers' keys.
CommandResult audit(const TestServer& t, std::vector<std::string> args, bool database = true) {
  static const std::string key_file = [] {
    const std::string path = scratch_path("signing-key");
    write_test_signing_key(path);
    return path;
  }();
  args.insert(args.begin(), "audit");
  if (database) {
    args.push_back("--database");
    args.push_back(t.db.url());
  }
  return run_outpost(
      args, {{"OUTPOST_PII_KEY", kTestPiiKey}, {"OUTPOST_AUDIT_SIGNING_KEY_FILE", key_file}});
}

void sign_checkpoint(const TestServer& t) {
  auto signed_now = audit(t, {"checkpoint"});
  REQUIRE_MESSAGE(signed_now.exit_code == 0, signed_now.output);
}

json::value verify(TestServer& t, std::int64_t id) {
  auto r = t.client.get("/api/v1/cases/" + std::to_string(id) + "/history/verify");
  REQUIRE_MESSAGE(r.status == 200, r.body);
  return r.json();
}

// Lets the superuser (the test) change history: drops the append-only guard.
void drop_history_guard(const TestDatabase& db) {
  if (test_backend() == "sqlite") {
    db.exec("DROP TRIGGER history_no_update");
  } else {
    db.exec("DROP TRIGGER history_append_only ON history");
  }
}

std::string sql_text(const std::string& s) {
  return "'" + s + "'";
}

}  // namespace

TEST_SUITE("http_proof") {
  TEST_CASE("UPDATE and DELETE on history are refused by the database; the rows stay") {
    TestServer t;
    const auto id = mediating_case(t);
    const std::string where = " WHERE case_id = " + std::to_string(id) + " AND seq = 2";
    const std::string actor = t.db.query_text("SELECT actor FROM history" + where);
    const std::string hash = t.db.query_text("SELECT hash FROM history" + where);
    CHECK_THROWS_WITH(t.db.exec("UPDATE history SET actor = 'mallory'" + where),
                      doctest::Contains("append-only"));
    CHECK_THROWS_WITH(t.db.exec("DELETE FROM history" + where), doctest::Contains("append-only"));
    CHECK_THROWS(t.db.exec("DELETE FROM history"));
    CHECK(t.db.query_text("SELECT actor FROM history" + where) == actor);
    CHECK(t.db.query_text("SELECT hash FROM history" + where) == hash);
    CHECK(t.stored_history_rows(id) == 4);
    // The queue the trigger fills saw every row.
    sign_checkpoint(t);
    CHECK(t.db.query_int("SELECT count(*) FROM history_log WHERE case_id = " +
                         std::to_string(id)) == 4);
    CHECK_THROWS(t.db.exec("UPDATE history_log SET leaf_hash = 'x'"));
    CHECK_THROWS(t.db.exec("DELETE FROM history_checkpoints"));
  }

  TEST_CASE("a running server moves new history into the log within seconds, signing nothing") {
    TestServer t;
    const auto checkpoints = t.db.query_int("SELECT count(*) FROM history_checkpoints");
    const auto id = mediating_case(t);
    const std::string in_log =
        "SELECT count(*) FROM history_log WHERE case_id = " + std::to_string(id);
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (t.db.query_int(in_log) < 4 && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CHECK(t.db.query_int(in_log) == 4);
    CHECK(t.db.query_int("SELECT count(*) FROM history_queue") == 0);
    CHECK(t.db.query_int("SELECT count(*) FROM history_checkpoints") == checkpoints);
  }

  TEST_CASE("verify: ok for an intact chain, names the changed row when the guard is dropped") {
    TestServer t;
    const auto id = mediating_case(t);
    const json::value fine = verify(t, id);
    CHECK(fine.at("ok") == true);
    CHECK(fine.at("entries_checked") == 4);
    CHECK(fine.at("first_bad_entry").is_null());
    // The server signed the last day end's checkpoint at start-up, before the case.
    CHECK(fine.at("checkpoint").at("signature_ok") == true);
    CHECK(fine.at("checkpoint").at("entries_after_checkpoint") == 4);

    // Bad input and the wrong role change nothing and say why.
    CHECK(t.client.get("/api/v1/cases/999999/history/verify").status == 404);
    CHECK(t.client.get("/api/v1/cases/abc/history/verify").status == 404);
    HttpClient desk = t.client_as("desk.wang", "desk");
    CHECK(desk.get("/api/v1/cases/" + std::to_string(id) + "/history/verify").status == 403);
    HttpClient auditor = t.client_as("auditor.zhao", "auditor");
    CHECK(auditor.get("/api/v1/cases/" + std::to_string(id) + "/history/verify").status == 200);

    drop_history_guard(t.db);
    const std::string old_hash = t.db.query_text(
        "SELECT hash FROM history WHERE case_id = " + std::to_string(id) + " AND seq = 2");
    t.db.exec("UPDATE history SET actor = 'mallory' WHERE case_id = " + std::to_string(id) +
              " AND seq = 2");
    const json::value broken = verify(t, id);
    CHECK(broken.at("ok") == false);
    const auto& bad = broken.at("first_bad_entry");
    CHECK(bad.at("case_id") == id);
    CHECK(bad.at("seq") == 2);
    CHECK(text(bad.at("found_hash")) == old_hash);
    const auto entries = history_entries(id, t.history(id));
    CHECK(text(bad.at("expected_hash")) ==
          sha256_hex(entries[1].prev_hash + canonical_form(entries[1])));

    auto cli = audit(t, {"verify", "--case", std::to_string(id)});
    CHECK(cli.exit_code == 1);
    CHECK(cli.output.find("case " + std::to_string(id) + " seq 2") != std::string::npos);
    auto all = audit(t, {"verify"});
    CHECK(all.exit_code == 1);
    CHECK(all.output.find("case " + std::to_string(id) + " seq 2") != std::string::npos);
  }

  TEST_CASE("a whole chain rewritten consistently fails inclusion in the signed checkpoint") {
    TestServer t;
    const auto id = mediating_case(t);
    const auto other = t.create_case();
    sign_checkpoint(t);
    const json::value before = verify(t, id);
    REQUIRE(before.at("ok") == true);
    CHECK(before.at("checkpoint").at("signature_ok") == true);
    CHECK(before.at("checkpoint").at("all_included") == true);
    CHECK(before.at("checkpoint").at("entries_included") == 4);

    // Rewrite seq 2 and re-seal every later row: the chain itself is valid again.
    drop_history_guard(t.db);
    auto entries = history_entries(id, t.history(id));
    entries[1].actor = "mallory";
    for (std::size_t i = 1; i < entries.size(); ++i) {
      seal(entries[i], entries[i - 1].hash);
      t.db.exec("UPDATE history SET actor = " + sql_text(entries[i].actor) +
                ", prev_hash = " + sql_text(entries[i].prev_hash) +
                ", hash = " + sql_text(entries[i].hash) + " WHERE case_id = " + std::to_string(id) +
                " AND seq = " + std::to_string(entries[i].seq));
    }
    t.db.exec("UPDATE cases SET last_hash = " + sql_text(entries.back().hash) +
              " WHERE id = " + std::to_string(id));
    CHECK(first_broken_link(id, t.history(id)) == 0);

    const json::value after = verify(t, id);
    CHECK(after.at("ok") == false);
    CHECK(after.at("first_bad_entry").is_null());
    CHECK(after.at("checkpoint").at("all_included") == false);
    const auto& unproven = after.at("checkpoint").at("first_not_proven");
    CHECK(unproven.at("case_id") == id);
    CHECK(unproven.at("seq") == 2);
    CHECK(text(unproven.at("expected_hash")) == proof::to_hex(history_leaf_hash(entries[1])));
    CHECK(verify(t, other).at("ok") == true);  // the other case is untouched
    auto cli = audit(t, {"verify"});
    CHECK(cli.exit_code == 1);
    CHECK(cli.output.find("not proven by the signed checkpoint: case " + std::to_string(id) +
                          " seq 2") != std::string::npos);
  }

  TEST_CASE("de-identification after a checkpoint keeps every proof valid") {
    TestServer t;
    const auto closed = t.create_case();
    t.step(closed, "decline", {{"reason", "不属于调解范围"}, {"route", "告知可向法院起诉"}});
    t.step(closed, "close");
    sign_checkpoint(t);
    auto first = t.client.get("/api/v1/history/checkpoints/latest");
    REQUIRE(first.status == 200);
    const std::int64_t old_size = first.json().at("tree_size").as_int64();

    auto run = run_outpost({"retention", "run", "--days", "0", "--database", t.db.url()},
                           {{"OUTPOST_PII_KEY", kTestPiiKey}});
    REQUIRE_MESSAGE(run.exit_code == 0, run.output);
    CHECK(t.history(closed).back().at("event") == "deidentified");
    const json::value checked = verify(t, closed);
    CHECK(checked.at("ok") == true);
    CHECK(checked.at("checkpoint").at("entries_included") == 3);
    CHECK(checked.at("checkpoint").at("entries_after_checkpoint") == 1);

    sign_checkpoint(t);
    const json::value latest = t.client.get("/api/v1/history/checkpoints/latest").json();
    const std::int64_t new_size = latest.at("tree_size").as_int64();
    CHECK(new_size == old_size + 1);
    const json::value all_in = verify(t, closed);
    CHECK(all_in.at("ok") == true);
    CHECK(all_in.at("checkpoint").at("entries_included") == 4);
    // The old tree is a prefix of the new one, and the old entries' proofs hold.
    auto consistency =
        t.client.get("/api/v1/history/proofs/consistency?from=" + std::to_string(old_size) +
                     "&to=" + std::to_string(new_size));
    REQUIRE(consistency.status == 200);
    const json::value c = consistency.json();
    std::vector<proof::Hash> path;
    for (const auto& h : c.at("proof").as_array()) {
      path.push_back(*proof::hash_from_base64(h.as_string()));
    }
    CHECK(proof::verify_consistency(
        old_size, new_size, path,
        *proof::hash_from_base64(first.json().at("root_hash").as_string()),
        *proof::hash_from_base64(latest.at("root_hash").as_string())));
    auto inclusion =
        t.client.get("/api/v1/history/proofs/inclusion?case_id=" + std::to_string(closed) +
                     "&seq=1&tree_size=" + std::to_string(old_size));
    CHECK(inclusion.status == 200);
    // Bad input: refused with the parameter named.
    auto bad = t.client.get("/api/v1/history/proofs/consistency?from=5&to=2");
    CHECK(bad.status == 422);
    CHECK(t.client.get("/api/v1/history/proofs/inclusion?leaf_index=0&tree_size=999999").status ==
          422);
    CHECK(t.client.get("/api/v1/history/proofs/inclusion?foo=1").status == 422);
  }

  TEST_CASE("the day's checkpoint is signed once by two servers, in the note format") {
    TestServer t;
    t.create_case();
    ServerProcess second(t.db.url());
    const Millis boundary = last_day_end(std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count());
    const std::string count_sql =
        "SELECT count(*) FROM history_checkpoints WHERE boundary = " + std::to_string(boundary);
    for (int i = 0; i < 50 && t.db.query_int(count_sql) == 0; ++i) ::usleep(100'000);
    CHECK(t.db.query_int(count_sql) == 1);
    CHECK(t.db.query_int("SELECT count(*) FROM history_checkpoints") == 1);
    CHECK_THROWS(
        t.db.exec("INSERT INTO history_checkpoints (tree_size, root_hash, signed_at,"
                  " boundary, note) VALUES (0, 'x', 0, " +
                  std::to_string(boundary) + ", 'x')"));
    const json::value latest = t.client.get("/api/v1/history/checkpoints/latest").json();
    const std::string note(latest.at("note").as_string());
    const std::int64_t size = latest.at("tree_size").as_int64();
    CHECK(size <= 1);  // signed at start-up, before or after the case
    CHECK(note.rfind("outpost.test/history\n" + std::to_string(size) + "\n", 0) == 0);
    CHECK(note.find("\n\n\xE2\x80\x94 outpost.test/history ") != std::string::npos);
    CHECK(latest.at("verifier_key") == kTestVerifierKey);
    auto key = audit(t, {"public-key"});
    CHECK(key.exit_code == 0);
    CHECK(key.output.find(kTestVerifierKey) != std::string::npos);
  }

  TEST_CASE("an audit bundle verifies offline; a changed entry or a wrong key does not") {
    TestServer t;
    const auto a = mediating_case(t);
    const auto b = t.create_case();
    const std::string ids = std::to_string(a) + "," + std::to_string(b);
    auto r = t.client.get("/api/v1/exports/audit-bundle?cases=" + ids);
    REQUIRE_MESSAGE(r.status == 200, r.body);
    CHECK(r.body.find("张秀英") == std::string::npos);  // parties masked
    CHECK(r.body.find("张**") != std::string::npos);
    const std::string file = scratch_path("bundle.json");
    std::ofstream(file, std::ios::binary) << r.body;
    auto ok = audit(t, {"verify-export", file, "--key", kTestVerifierKey}, false);
    CHECK_MESSAGE(ok.exit_code == 0, ok.output);
    CHECK(ok.output.find("审计包校验通过") != std::string::npos);
    CHECK(ok.output.find("2 cases, 5 entries") != std::string::npos);

    json::value doc = json::parse(r.body);
    doc.at("cases").at(0).at("history").at(1).at("actor") = "mallory";
    const std::string tampered = scratch_path("tampered.json");
    std::ofstream(tampered, std::ios::binary) << json::serialize(doc);
    auto refused = audit(t, {"verify-export", tampered, "--key", kTestVerifierKey}, false);
    CHECK(refused.exit_code == 1);
    CHECK(refused.output.find("审计包校验失败") != std::string::npos);
    CHECK(refused.output.find("case " + std::to_string(a)) != std::string::npos);
    CHECK(refused.output.find("seq 2") != std::string::npos);
    // Another valid key (golang.org/x/mod/sumdb/note's example): the signature fails.
    auto wrong = audit(t,
                       {"verify-export", file, "--key",
                        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"},
                       false);
    CHECK(wrong.exit_code == 1);
    CHECK(wrong.output.find("no valid signature") != std::string::npos);
    // A key whose id does not match: refused as bad usage.
    CHECK(audit(t,
                {"verify-export", file, "--key",
                 "outpost.test/history+00000000+AcMPH3JifGk9XAJ9f1hCo212yawXp9xfmk+LPMLEwjKn"},
                false)
              .exit_code == 2);

    // The same bundle from the command line; bad input over HTTP changes nothing.
    const std::string out = scratch_path("cli-bundle.json");
    auto cli = audit(t, {"export-bundle", "--cases", ids, "--out", out});
    REQUIRE_MESSAGE(cli.exit_code == 0, cli.output);
    CHECK(audit(t, {"verify-export", out, "--key", kTestVerifierKey}, false).exit_code == 0);
    const auto checkpoints = t.db.query_int("SELECT count(*) FROM history_checkpoints");
    CHECK(t.client.get("/api/v1/exports/audit-bundle?cases=1,x").status == 422);
    CHECK(t.client.get("/api/v1/exports/audit-bundle").status == 422);
    CHECK(t.client.get("/api/v1/exports/audit-bundle?cases=999999").status == 404);
    CHECK(t.db.query_int("SELECT count(*) FROM history_checkpoints") == checkpoints);
    fs::remove(file);
    fs::remove(tampered);
    fs::remove(out);
  }
}

}  // namespace outpost::testing
