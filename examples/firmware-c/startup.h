/* Board support of the C firmware: semihosting output and exit. */
#ifndef FIRMWARE_C_STARTUP_H
#define FIRMWARE_C_STARTUP_H

#include <stddef.h>
#include <stdint.h>

/* Ends the QEMU process: status 0 if ok == 0, else 1. */
__attribute__((noreturn)) void semihost_exit(int status);

/* Buffered output to the host's stdout (flushed at each newline). */
void out_str(const char *s);
void out_bytes(const char *s, size_t n);
void out_int(long v);
/* v with `decimals` digits after the point (|v| < 2^31 / 10^decimals). */
void out_fixed(float v, int decimals);

#endif
