// A buffer that ends exactly at a page boundary with an unreadable page
// after it: a vector path that reads past the end crashes.
#ifndef HISTEQ_TESTS_GUARDED_BUFFER_H_
#define HISTEQ_TESTS_GUARDED_BUFFER_H_

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace testmem {

// `size` bytes whose last one is the last readable byte before a
// PROT_NONE page.
class GuardedBuffer {
 public:
  explicit GuardedBuffer(size_t size) {
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    const size_t pages = (size + page - 1) / page;
    map_size_ = (pages + 1) * page;
    void* m = mmap(nullptr, map_size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) std::abort();
    base_ = static_cast<uint8_t*>(m);
    mprotect(base_ + pages * page, page, PROT_NONE);
    data_ = base_ + pages * page - size;
  }
  ~GuardedBuffer() { munmap(base_, map_size_); }
  GuardedBuffer(const GuardedBuffer&) = delete;
  GuardedBuffer& operator=(const GuardedBuffer&) = delete;
  uint8_t* data() { return data_; }

 private:
  uint8_t* base_ = nullptr;
  uint8_t* data_ = nullptr;
  size_t map_size_ = 0;
};

}  // namespace testmem

#endif  // HISTEQ_TESTS_GUARDED_BUFFER_H_
