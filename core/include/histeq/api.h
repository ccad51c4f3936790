// Marks what libhisteq-core exports: the library is built with hidden
// visibility, so only these declarations are its ABI.
#ifndef HISTEQ_API_H_
#define HISTEQ_API_H_

#if defined(_WIN32)
#define HISTEQ_API
#elif defined(__GNUC__) || defined(__clang__)
#define HISTEQ_API __attribute__((visibility("default")))
#else
#define HISTEQ_API
#endif

#endif  // HISTEQ_API_H_
