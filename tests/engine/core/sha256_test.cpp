#include <doctest/doctest.h>

#include <string>

#include "engine/cases/audit_chain.hpp"
#include "engine/core/sha256.hpp"

using namespace outpost;

TEST_SUITE("core_sha256") {
  // FIPS 180-2, appendix B (and the empty message).
  TEST_CASE("SHA-256 gives the published digests") {
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(sha256_hex(std::string(1'000'000, 'a')) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  }

  TEST_CASE("a digest fed in pieces is the digest of the whole") {
    const std::string text = "平安龙凤桥 " + std::string(300, 'x') + " 调解协议书";
    for (std::size_t cut : {std::size_t{0}, std::size_t{1}, std::size_t{63}, std::size_t{64},
                            std::size_t{65}, text.size()}) {
      Sha256 h;
      h.update(std::string_view(text).substr(0, cut)).update(std::string_view(text).substr(cut));
      CHECK(h.finish() == sha256(text));
    }
  }
}
