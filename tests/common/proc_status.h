// A field of /proc/self/status in KiB (VmRSS:, VmHWM:, ...), -1 where there
// is none: the memory checks of the property storm and the fuzz target.
#ifndef HISTEQ_TESTS_PROC_STATUS_H_
#define HISTEQ_TESTS_PROC_STATUS_H_

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace testmem {

inline int64_t StatusKiB(const char* field) {
  FILE* f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return -1;
  char line[256];
  int64_t kib = -1;
  const size_t n = std::strlen(field);
  while (std::fgets(line, sizeof line, f) != nullptr)
    if (std::strncmp(line, field, n) == 0) {
      kib = std::strtoll(line + n, nullptr, 10);
      break;
    }
  std::fclose(f);
  return kib;
}

}  // namespace testmem

#endif  // HISTEQ_TESTS_PROC_STATUS_H_
