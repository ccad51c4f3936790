// Ctrl-C for a program full of GStreamer threads.
//
// SIGINT is blocked in every thread and waited for by one thread of ours, so
// no system call inside an element is ever cut short by it (an X connection
// being opened by a video sink fails on EINTR, for one). Each Ctrl-C is
// handed to the default main context, where the handler runs.
#ifndef HISTEQ_TOOLS_INTERRUPT_H_
#define HISTEQ_TOOLS_INTERRUPT_H_

#include <glib.h>

namespace enhance {

constexpr int kExitInterrupted = 130;

// Call first in main(), before any other thread exists (threads inherit the
// blocked signal). Until a handler is set, Ctrl-C exits at once with 130.
void StartInterruptThread();

// While set, the first Ctrl-C calls `handler(data)` from the default main
// context (an idle source); a second one exits at once with 130.
void SetInterruptHandler(GSourceFunc handler, gpointer data);

// Back to exiting at once; a Ctrl-C not yet handled is dropped.
void ClearInterruptHandler();

}  // namespace enhance

#endif  // HISTEQ_TOOLS_INTERRUPT_H_
