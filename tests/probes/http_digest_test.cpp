// Digest answers against the examples of RFC 2617 (section 3.5) and RFC 7616
// (section 3.9.1).
#include "net/http_digest.hpp"
#include <boost/test/unit_test.hpp>

using namespace pf;

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_SUITE(http_digest)

BOOST_AUTO_TEST_CASE(rfc_2617_example) {
    auto c = parse_digest_challenge("Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", "
                                    "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
                                    "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
    BOOST_REQUIRE(c.has_value());
    auto h =
        digest_authorization(*c, "Mufasa", "Circle Of Life", "GET", "/dir/index.html", "0a4f113b");
    BOOST_TEST(contains(h, "response=\"6629fae49393a05397450978507c4ef1\""), h);
    BOOST_TEST(contains(h, "qop=auth, nc=00000001, cnonce=\"0a4f113b\""), h);
    BOOST_TEST(contains(h, "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""), h);
}

BOOST_AUTO_TEST_CASE(rfc_7616_examples_md5_and_sha_256) {
    const std::string rest = "realm=\"http-auth@example.org\", qop=\"auth, auth-int\", "
                             "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
                             "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
    const std::string cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
    auto md5 = parse_digest_challenge("Digest " + rest + ", algorithm=MD5");
    BOOST_REQUIRE(md5.has_value());
    auto h =
        digest_authorization(*md5, "Mufasa", "Circle of Life", "GET", "/dir/index.html", cnonce);
    BOOST_TEST(contains(h, "response=\"8ca523f5e9506fed4657c9700eebdbec\""), h);
    auto sha = parse_digest_challenge("Digest " + rest + ", algorithm=SHA-256");
    BOOST_REQUIRE(sha.has_value());
    h = digest_authorization(*sha, "Mufasa", "Circle of Life", "GET", "/dir/index.html", cnonce);
    BOOST_TEST(
        contains(h,
                 "response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\""),
        h);
}

BOOST_AUTO_TEST_CASE(what_it_cannot_answer_is_refused) {
    BOOST_TEST(!parse_digest_challenge("Basic realm=\"x\"").has_value());
    BOOST_TEST(!parse_digest_challenge("Digest realm=\"x\"").has_value()); // no nonce
    BOOST_TEST(!parse_digest_challenge("Digest nonce=\"n\", algorithm=SHA-512-256").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
