// HISTEQ_SIMD, read once when the core is first used: a level's name caps
// the level the core uses; anything else caps nothing and is reported as not
// understood. Run by meson with the variable set (tests/meson.build) and
// told what to expect: --expect-cap=NAME or --expect-ignored.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "histeq/simd.h"

namespace {

std::string g_expect;

TEST(SimdEnvironment, DoesWhatTheVariableSays) {
  ASSERT_FALSE(g_expect.empty()) << "run with --expect-cap=NAME or --expect-ignored";
  bool understood = false;
  const char* env = histeq::SimdEnvironment(&understood);
  ASSERT_NE(env, nullptr) << "HISTEQ_SIMD is not set";
  EXPECT_STREQ(env, std::getenv("HISTEQ_SIMD"));
  histeq::SetMaxSimd(histeq::SimdLevel::kBest);
  if (g_expect == "ignored") {
    EXPECT_FALSE(understood);
    EXPECT_EQ(histeq::ActiveSimd(), histeq::DetectedSimd());
    return;
  }
  EXPECT_TRUE(understood);
  histeq::SimdLevel cap;
  ASSERT_TRUE(histeq::SimdFromName(g_expect.c_str(), &cap));
  // The best supported level within the cap; SetMaxSimd cannot lift it.
  histeq::SimdLevel want = histeq::SimdLevel::kScalar;
  for (histeq::SimdLevel l : histeq::SupportedSimd())
    if (static_cast<int>(l) <= static_cast<int>(cap)) want = l;
  EXPECT_EQ(histeq::ActiveSimd(), want) << histeq::SimdName(histeq::ActiveSimd());
  histeq::SetMaxSimd(histeq::SimdLevel::kScalar);
  EXPECT_EQ(histeq::ActiveSimd(), histeq::SimdLevel::kScalar);
  histeq::SetMaxSimd(histeq::SimdLevel::kBest);
  EXPECT_EQ(histeq::ActiveSimd(), want);
  std::printf("HISTEQ_SIMD=%s: the core uses %s (this CPU has up to %s)\n", env,
              histeq::SimdName(histeq::ActiveSimd()), histeq::SimdName(histeq::DetectedSimd()));
}

TEST(SimdEnvironment, NamesRoundTrip) {
  for (histeq::SimdLevel l : histeq::SupportedSimd()) {
    histeq::SimdLevel back;
    ASSERT_TRUE(histeq::SimdFromName(histeq::SimdName(l), &back));
    EXPECT_EQ(back, l);
  }
  histeq::SimdLevel l;
  EXPECT_FALSE(histeq::SimdFromName("AVX2", &l));  // names are lower case
  EXPECT_FALSE(histeq::SimdFromName("", &l));
  EXPECT_FALSE(histeq::SimdFromName(nullptr, &l));
  EXPECT_TRUE(histeq::SimdFromName("avx512", &l));
  EXPECT_EQ(l, histeq::SimdLevel::kAvx512Vbmi2);
}

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--expect-cap=", 13) == 0) g_expect = argv[i] + 13;
    if (std::strcmp(argv[i], "--expect-ignored") == 0) g_expect = "ignored";
  }
  return RUN_ALL_TESTS();
}
