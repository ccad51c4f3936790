// The SIMD levels, which of them this CPU runs, and the active kernel table.
// A new instruction set is a kernels file, its Fill function in kernels.h,
// its SimdLevel and a line in kLevels below.
#include <atomic>
#include <cstdlib>
#include <cstring>

#include "histeq/simd.h"
#include "kernels/kernels.h"

namespace histeq {
namespace kernels {
namespace {

bool Always() { return true; }

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
// libgcc checks that the OS saves the vector state (XCR0) too.
bool HasSse2() { return __builtin_cpu_supports("sse2"); }
bool HasAvx2() { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt"); }
bool HasAvx512() {
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vbmi");
}
bool HasAvx512Vbmi2() {
  return HasAvx512() && __builtin_cpu_supports("avx512vbmi2") && __builtin_cpu_supports("gfni") &&
         __builtin_cpu_supports("avx512bitalg") && __builtin_cpu_supports("popcnt");
}
#endif

struct Level {
  SimdLevel level;
  const char* name;
  int rank;             // caps compare by this
  bool (*supported)();  // on this CPU; each level needs the ones before it
  void (*fill)(Kernels*);
};

// This architecture's levels, lowest first; each table is the previous one
// with its file's kernels put in.
const Level kLevels[] = {
    {SimdLevel::kScalar, "scalar", 0, Always, FillScalar},
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    {SimdLevel::kSse2, "sse2", 1, HasSse2, FillSse2},
    {SimdLevel::kAvx2, "avx2", 2, HasAvx2, FillAvx2},
    {SimdLevel::kAvx512, "avx512vbmi", 3, HasAvx512, FillAvx512},
    {SimdLevel::kAvx512Vbmi2, "avx512vbmi2", 4, HasAvx512Vbmi2, FillAvx512Vbmi2},
#endif
#if defined(__aarch64__)
    {SimdLevel::kNeon, "neon", 1, Always, FillNeon},  // the baseline: every aarch64 CPU
#endif
};
constexpr int kLevelCount = static_cast<int>(sizeof kLevels / sizeof kLevels[0]);

// Every level's name, this architecture's or not, and its rank.
struct Name {
  const char* name;
  SimdLevel level;
  int rank;
};
const Name kNames[] = {
    {"scalar", SimdLevel::kScalar, 0},       {"sse2", SimdLevel::kSse2, 1},
    {"avx2", SimdLevel::kAvx2, 2},           {"avx512vbmi", SimdLevel::kAvx512, 3},
    {"avx512vbmi2", SimdLevel::kAvx512Vbmi2, 4}, {"avx512", SimdLevel::kAvx512Vbmi2, 4},
    {"neon", SimdLevel::kNeon, 1},           {"best", SimdLevel::kBest, 1 << 20},
};

int RankOf(SimdLevel level) {
  for (const Name& n : kNames)
    if (n.level == level) return n.rank;
  return 1 << 20;
}

struct State {
  Kernels tables[kLevelCount];
  int supported = 1;  // levels 0 .. supported - 1
  const char* env = nullptr;
  bool env_understood = true;
  int env_rank = 1 << 20;
  std::atomic<int> api_rank{1 << 20};
  std::atomic<const Kernels*> active{nullptr};
};

// The highest supported level within both caps.
const Kernels* Choose(const State& s) {
  const int cap = s.env_rank < s.api_rank.load() ? s.env_rank : s.api_rank.load();
  int best = 0;
  for (int i = 0; i < s.supported; ++i)
    if (kLevels[i].rank <= cap) best = i;
  return &s.tables[best];
}

State& Get() {
  static State* state = [] {
    State* s = new State;  // never freed: kernels may run until the process ends
    FillScalar(&s->tables[0]);
    for (int i = 1; i < kLevelCount && kLevels[i].supported(); ++i) {
      s->tables[i] = s->tables[i - 1];
      kLevels[i].fill(&s->tables[i]);
      s->supported = i + 1;
    }
    s->env = std::getenv("HISTEQ_SIMD");
    if (s->env && *s->env) {
      SimdLevel level;
      s->env_understood = SimdFromName(s->env, &level);
      if (s->env_understood) s->env_rank = RankOf(level);
    }
    s->active.store(Choose(*s));
    return s;
  }();
  return *state;
}

}  // namespace

const Kernels& Active() { return *Get().active.load(std::memory_order_acquire); }
const Kernels& Scalar() { return Get().tables[0]; }

}  // namespace kernels

SimdLevel DetectedSimd() {
  const kernels::State& s = kernels::Get();
  return kernels::kLevels[s.supported - 1].level;
}

std::vector<SimdLevel> SupportedSimd() {
  const kernels::State& s = kernels::Get();
  std::vector<SimdLevel> levels;
  for (int i = 0; i < s.supported; ++i) levels.push_back(kernels::kLevels[i].level);
  return levels;
}

SimdLevel ActiveSimd() { return kernels::Active().level; }

void SetMaxSimd(SimdLevel cap) {
  kernels::State& s = kernels::Get();
  s.api_rank.store(kernels::RankOf(cap));
  s.active.store(kernels::Choose(s), std::memory_order_release);
}

const char* SimdName(SimdLevel level) {
  for (const kernels::Name& n : kernels::kNames)
    if (n.level == level) return n.name;
  return "unknown";
}

bool SimdFromName(const char* name, SimdLevel* level) {
  if (!name) return false;
  for (const kernels::Name& n : kernels::kNames) {
    if (std::strcmp(n.name, name) == 0) {
      *level = n.level;
      return true;
    }
  }
  return false;
}

const char* SimdEnvironment(bool* understood) {
  const kernels::State& s = kernels::Get();
  if (understood) *understood = s.env_understood;
  return s.env;
}

}  // namespace histeq
