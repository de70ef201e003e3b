#include <doctest/doctest.h>

#include <string>

#include "engine/proof/note.hpp"

using namespace outpost::proof;

TEST_SUITE("proof_note") {
  TEST_CASE("a signed checkpoint has the tlog-checkpoint lines and opens with the key") {
    const SigningKey key = SigningKey::generate(std::string(kDefaultOrigin));
    const Checkpoint cp{key.name(), 42, leaf_hash("x"), 1'790'000'000'000};
    const std::string note = sign_checkpoint(cp, key);
    CHECK(
        note.starts_with(key.name() + "\n42\n" + to_base64(cp.root) + "\ntime 1790000000000\n\n"));
    CHECK(note.find("\n\xE2\x80\x94 " + key.name() + " ") != std::string::npos);
    auto opened = open_checkpoint(note, key.verifier());
    REQUIRE(opened);
    CHECK(opened.value().size == 42);
    CHECK(opened.value().root == cp.root);
    CHECK(opened.value().at == cp.at);
  }

  TEST_CASE("a changed body, a different key or a damaged signature is refused") {
    const SigningKey key = SigningKey::generate("test.example/log");
    const std::string note = sign_checkpoint({key.name(), 7, leaf_hash("a"), 1}, key);
    std::string changed = note;
    changed.replace(changed.find("\n7\n"), 3, "\n8\n");
    CHECK_FALSE(open_checkpoint(changed, key.verifier()));
    CHECK_FALSE(open_checkpoint(note, SigningKey::generate("test.example/log").verifier()));
    std::string damaged = note;
    damaged[damaged.size() - 5] = damaged[damaged.size() - 5] == 'A' ? 'B' : 'A';
    CHECK_FALSE(open_checkpoint(damaged, key.verifier()));
  }

  TEST_CASE("keys round-trip through the note package's text forms") {
    const SigningKey key = SigningKey::generate("test.example/log");
    const std::string vkey = key.verifier().to_text();
    CHECK(vkey.starts_with("test.example/log+"));
    auto parsed = VerifierKey::from_text(vkey + "\n");
    REQUIRE(parsed);
    CHECK(parsed.value().public_key == key.verifier().public_key);
    auto reread = SigningKey::from_text(key.to_text());
    REQUIRE(reread);
    CHECK(reread.value().verifier().to_text() == vkey);
    CHECK(key.to_text().starts_with("PRIVATE+KEY+test.example/log+"));
    // The same key under another id. (Its base64 may itself hold a '+': the
    // key is what follows "name+id+".)
    const std::string key64 = vkey.substr(std::string("test.example/log+00000000+").size());
    CHECK_FALSE(VerifierKey::from_text("test.example/log+00000000+" + key64));
    // No key at all: refused. (It once reached libsodium with a null buffer,
    // which UBSan reports, when a random key's base64 ended in '+'.)
    CHECK_FALSE(VerifierKey::from_text("test.example/log+00000000+"));
    CHECK_FALSE(VerifierKey::from_text("test.example/log+" + vkey.substr(17, 8) + "+"));
    CHECK_FALSE(SigningKey::from_text(vkey));
  }

  TEST_CASE("the key id is the note package's: SHA-256(name, LF, 0x01, key)[:4]") {
    // Key and id from golang.org/x/mod/sumdb/note's example verifier key
    // "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW".
    auto vkey = VerifierKey::from_text(
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
    REQUIRE(vkey);
    CHECK(vkey.value().key_id == 0xc74f20a3u);
  }
}
