#include "hardware/sizing.hpp"
#include "support/probe_harness.hpp"
#include <boost/test/unit_test.hpp>

using namespace pf;

namespace {
constexpr std::uint64_t GiB = 1ull << 30;
// MemTotal of a VM given exactly 4 GB: a little under 4 GiB.
constexpr std::uint64_t vm_4gb = 4028416ull * 1024;
} // namespace

BOOST_AUTO_TEST_SUITE(sizing)

BOOST_AUTO_TEST_CASE(bands_are_contiguous_and_end_at_200000) {
    const auto& bands = sizing_bands();
    BOOST_REQUIRE_EQUAL(bands.size(), 4u);
    BOOST_TEST(bands.front().min_users == 0u);
    for (std::size_t i = 1; i < bands.size(); ++i)
        BOOST_TEST(bands[i].min_users == bands[i - 1].max_users + 1);
    BOOST_TEST(bands.back().max_users == 200'000u);
}

BOOST_AUTO_TEST_CASE(band_boundaries) {
    const SizingBand* b = find_band(10'000);
    BOOST_REQUIRE(b);
    BOOST_TEST(b->min_servers == 1u);
    BOOST_TEST(b->cores == 2u);
    BOOST_TEST(b->ram_gb == 4u);

    b = find_band(10'001);
    BOOST_REQUIRE(b);
    BOOST_TEST(b->min_servers == 2u);
    BOOST_TEST(b->ram_gb == 4u);

    b = find_band(50'000);
    BOOST_REQUIRE(b);
    BOOST_TEST(b->min_users == 10'001u);
    BOOST_TEST(b->ram_gb == 4u);

    b = find_band(50'001);
    BOOST_REQUIRE(b);
    BOOST_TEST(b->ram_gb == 8u);
    BOOST_TEST(b->max_servers == 3u);

    b = find_band(100'000);
    BOOST_REQUIRE(b);
    BOOST_TEST(b->min_servers == 2u);
    BOOST_TEST(b->max_servers == 3u);
    BOOST_TEST(b->cores == 2u);
    BOOST_TEST(b->ram_gb == 8u);

    b = find_band(100'001);
    BOOST_REQUIRE(b);
    BOOST_TEST(b->cores == 4u);

    b = find_band(200'000);
    BOOST_REQUIRE(b);
    BOOST_TEST(b->min_servers == 2u);
    BOOST_TEST(b->cores == 4u);
    BOOST_TEST(b->ram_gb == 16u);

    BOOST_TEST(find_band(200'001) == nullptr);
    BOOST_TEST(find_band(0) == &sizing_bands().front());
}

BOOST_AUTO_TEST_CASE(beyond_the_table_warns) {
    SizingVerdict v = evaluate_sizing(200'001, 10, 64, 256 * GiB);
    BOOST_TEST(v.status == Status::warn);
    BOOST_TEST(v.summary.find("the guide's sizing table ends at 200,000 users; plan with "
                              "VMware/Omnissa support") != std::string::npos,
               v.summary);
    BOOST_TEST(v.summary.find("200,001 users") != std::string::npos, v.summary);

    BOOST_TEST(evaluate_sizing(200'000, 2, 4, 16 * GiB).status == Status::pass);
}

BOOST_AUTO_TEST_CASE(too_few_servers_fails) {
    SizingVerdict v = evaluate_sizing(20'000, 1, 2, vm_4gb);
    BOOST_TEST(v.status == Status::fail);
    BOOST_TEST(v.summary == "20,000 users need 2 load-balanced ACC servers; 1 planned");

    v = evaluate_sizing(20'000, 2, 2, vm_4gb);
    BOOST_TEST(v.status == Status::pass, v.summary);
    BOOST_TEST(!v.evidence.empty());

    v = evaluate_sizing(60'000, 1, 2, 8 * GiB);
    BOOST_TEST(v.status == Status::fail);
    BOOST_TEST(v.summary.find("2 to 3 load-balanced ACC servers; 1 planned") != std::string::npos,
               v.summary);
    // More servers than the band lists is spare capacity, not a failure.
    BOOST_TEST(evaluate_sizing(60'000, 4, 2, 8 * GiB).status == Status::pass);
    BOOST_TEST(evaluate_sizing(5'000, 3, 2, vm_4gb).status == Status::pass);
}

BOOST_AUTO_TEST_CASE(too_few_cores_fails) {
    SizingVerdict v = evaluate_sizing(150'000, 2, 4, 16 * GiB);
    BOOST_TEST(v.status == Status::pass, v.summary);

    v = evaluate_sizing(150'000, 2, 2, 16 * GiB);
    BOOST_TEST(v.status == Status::fail);
    BOOST_TEST(v.summary == "150,000 users need 4 CPU cores per ACC server; this host has 2");
}

BOOST_AUTO_TEST_CASE(every_shortfall_is_named) {
    SizingVerdict v = evaluate_sizing(150'000, 1, 2, 8 * GiB);
    BOOST_TEST(v.status == Status::fail);
    BOOST_TEST(v.summary.find("2 load-balanced ACC servers; 1 planned") != std::string::npos);
    BOOST_TEST(v.summary.find("4 CPU cores") != std::string::npos);
    BOOST_TEST(v.summary.find("16 GB RAM per ACC server; this host reports 8.0 GiB") !=
                   std::string::npos,
               v.summary);
}

BOOST_AUTO_TEST_CASE(ram_tolerance) {
    // 90% of the band's GB, in 2^30 bytes.
    const std::uint64_t four = 4 * GiB;
    const std::uint64_t ninety = four - four / 10; // 3.6 GiB, rounded up
    BOOST_TEST(ram_meets(ninety, four));
    BOOST_TEST(!ram_meets(ninety - 1, four));
    BOOST_TEST(ram_meets(four, four));
    BOOST_TEST(!ram_meets(0, four));

    BOOST_TEST(evaluate_sizing(5'000, 1, 2, vm_4gb).status == Status::pass);
    SizingVerdict v = evaluate_sizing(5'000, 1, 2, 3 * GiB + GiB / 2);
    BOOST_TEST(v.status == Status::fail);
    BOOST_TEST(v.summary == "5,000 users need 4 GB RAM per ACC server; this host reports 3.5 GiB");
    // A "16 GB" server reporting 15.6 GiB passes; an 8 GB one in that band fails.
    BOOST_TEST(evaluate_sizing(150'000, 2, 4, 15 * GiB + 6 * GiB / 10).status == Status::pass);
    BOOST_TEST(evaluate_sizing(150'000, 2, 4, 8 * GiB).status == Status::fail);
}

BOOST_AUTO_TEST_CASE(figures_as_the_guide_writes_them) {
    BOOST_TEST(format_count(0) == "0");
    BOOST_TEST(format_count(999) == "999");
    BOOST_TEST(format_count(1'000) == "1,000");
    BOOST_TEST(format_count(200'000) == "200,000");
    BOOST_TEST(format_count(1'234'567) == "1,234,567");
    BOOST_TEST(format_clock_mhz(2400) == "2.40 GHz");
    BOOST_TEST(format_clock_mhz(1800.5) == "1.80 GHz");
}

BOOST_AUTO_TEST_SUITE_END()
