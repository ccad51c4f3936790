#include "interrupt.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <mutex>

namespace enhance {
namespace {

std::mutex g_mutex;
GSourceFunc g_handler = nullptr;
gpointer g_data = nullptr;
int g_pending = 0;  // Ctrl-Cs since the handler was set

sigset_t InterruptSet() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  return set;
}

[[noreturn]] void ExitNow(const char* why) {
  // write(2) and _exit(2): nothing that could wait on another thread's lock.
  ssize_t ignored = write(STDERR_FILENO, why, __builtin_strlen(why));
  (void)ignored;
  _exit(kExitInterrupted);
}

void* WaitForInterrupts(void*) {
  const sigset_t set = InterruptSet();
  for (;;) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    std::lock_guard<std::mutex> lock(g_mutex);
    if (!g_handler) ExitNow("\nhisteq-enhance: interrupted\n");
    if (++g_pending > 1) ExitNow("\nhisteq-enhance: interrupted again, aborting\n");
    g_idle_add(g_handler, g_data);
  }
  return nullptr;
}

}  // namespace

void StartInterruptThread() {
  const sigset_t set = InterruptSet();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  pthread_t thread;
  if (pthread_create(&thread, nullptr, WaitForInterrupts, nullptr) == 0) {
    pthread_detach(thread);
  } else {
    pthread_sigmask(SIG_UNBLOCK, &set, nullptr);  // no thread: Ctrl-C just ends the program
  }
}

void SetInterruptHandler(GSourceFunc handler, gpointer data) {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_handler = handler;
  g_data = data;
  g_pending = 0;
}

void ClearInterruptHandler() {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (g_handler)
    while (g_idle_remove_by_data(g_data)) {
    }
  g_handler = nullptr;
  g_data = nullptr;
}

}  // namespace enhance
