// Replays every input of tests/fuzz/corpus (edge cases written by hand and
// whatever scripts/fuzz.sh found worth keeping) through the fuzz checks, in
// every build, so a fixed crash stays fixed.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_core.h"

namespace {

std::vector<std::string> CorpusFiles() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(HISTEQ_FUZZ_CORPUS_DIR))
    if (entry.is_regular_file()) files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

TEST(FuzzCorpus, EveryInputKeepsTheInvariants) {
  const std::vector<std::string> files = CorpusFiles();
  ASSERT_GE(files.size(), 20u) << "corpus missing or nearly empty: " << HISTEQ_FUZZ_CORPUS_DIR;
  for (const std::string& path : files) {
    std::ifstream in(path, std::ios::binary);
    const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                     std::istreambuf_iterator<char>());
    EXPECT_EQ(fuzz::CheckCore(bytes.data(), bytes.size()), "") << path;
  }
}

// No input at all decodes to a 1x1 8-bit frame of zeros.
TEST(FuzzCorpus, EmptyInputIsAOneByOneFrame) {
  EXPECT_EQ(fuzz::CheckCore(nullptr, 0), "");
}

}  // namespace
