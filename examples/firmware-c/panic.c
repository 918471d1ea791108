/* The library's panic handler calls tw2v_rust_panic(). The C ABI checks
 * every argument and the core returns errors, so it should be unreachable:
 * .ci/ffi.sh links the firmware a second time without this file, with
 * --gc-sections, and that link fails if any panic path survived. Linked
 * into the image that runs, it reports and exits non-zero. */
#include "startup.h"

void tw2v_rust_panic(void) {
  out_str("tw2v_rust_panic: the library panicked\n");
  semihost_exit(1);
}
