// The video sink behind --show.
#ifndef HISTEQ_TOOLS_WINDOW_H_
#define HISTEQ_TOOLS_WINDOW_H_

#include <gst/gst.h>

#include <string>

namespace enhance {

// Adds the best video sink that can open a window to `pipeline` and links the
// element named "show" to it. The sinks are tried as autovideosink tries them
// (rank order), but the one that works stays open: autovideosink closes its
// choice and opens it again, and on a busy X server the second connection
// sometimes fails ("Could not open display"). False with `error` set when no
// sink can open a window.
bool AttachWindow(GstElement* pipeline, bool sync, std::string* error);

}  // namespace enhance

#endif  // HISTEQ_TOOLS_WINDOW_H_
