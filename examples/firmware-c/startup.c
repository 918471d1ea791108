/* Minimal Cortex-M4F start-up for QEMU mps2-an386: the vector table, the
 * reset handler (FPU on, .data copied, .bss zeroed, main called, exit with
 * its status), fault handlers that report and exit non-zero, and
 * semihosting output. No C library. */
#include "startup.h"

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _stack_top;
int main(void);

/* Semihosting call `op` with parameter `arg` (ARM's bkpt 0xab). */
static int semihost(int op, const void *arg) {
  register int r0 __asm__("r0") = op;
  register const void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

#define SYS_WRITE0 0x04
#define SYS_EXIT 0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026
#define ADP_STOPPED_RUN_TIME_ERROR 0x20023

static char line[256];
static size_t line_len;

static void flush(void) {
  line[line_len] = '\0';
  semihost(SYS_WRITE0, line);
  line_len = 0;
}

void out_bytes(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    line[line_len++] = s[i];
    if (s[i] == '\n' || line_len == sizeof line - 1) flush();
  }
}

void out_str(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  out_bytes(s, n);
}

void out_int(long v) {
  char buf[24];
  int i = sizeof buf;
  unsigned long u = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;
  do {
    buf[--i] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  if (v < 0) buf[--i] = '-';
  out_bytes(buf + i, sizeof buf - i);
}

void out_fixed(float v, int decimals) {
  long scale = 1;
  for (int i = 0; i < decimals; i++) scale *= 10;
  if (v != v) {
    out_str("nan");
    return;
  }
  if (v < 0) {
    out_str("-");
    v = -v;
  }
  long q = (long)(v * (float)scale + 0.5f);
  out_int(q / scale);
  if (decimals > 0) {
    char frac[12];
    long r = q % scale;
    for (int i = decimals - 1; i >= 0; i--) {
      frac[i] = (char)('0' + r % 10);
      r /= 10;
    }
    out_str(".");
    out_bytes(frac, (size_t)decimals);
  }
}

void semihost_exit(int status) {
  if (line_len) flush();
  semihost(SYS_EXIT, (const void *)(uintptr_t)(status == 0 ? ADP_STOPPED_APPLICATION_EXIT
                                                            : ADP_STOPPED_RUN_TIME_ERROR));
  for (;;) __asm__ volatile("wfi");
}

__attribute__((noreturn)) void reset_handler(void) {
  /* CPACR: full access to CP10/CP11 before any floating-point instruction. */
  volatile uint32_t *cpacr = (volatile uint32_t *)0xE000ED88u;
  *cpacr |= 0xFu << 20;
  __asm__ volatile("dsb\n\tisb" ::: "memory");
  for (uint32_t *src = &_sidata, *dst = &_sdata; dst < &_edata;) *dst++ = *src++;
  for (uint32_t *dst = &_sbss; dst < &_ebss;) *dst++ = 0;
  semihost_exit(main());
}

static void fault(const char *what) {
  out_str("\n");
  out_str(what);
  out_str(": fault, exiting\n");
  semihost_exit(1);
}

void nmi_handler(void) { fault("NMI"); }
void hard_fault_handler(void) { fault("HardFault"); }
void mem_manage_handler(void) { fault("MemManage"); }
void bus_fault_handler(void) { fault("BusFault"); }
void usage_fault_handler(void) { fault("UsageFault"); }
void default_handler(void) { fault("unexpected exception or interrupt"); }

typedef void (*vector)(void);

/* Initial stack pointer, then the 15 system exception handlers. */
__attribute__((section(".vectors"), used)) static const vector vectors[16] = {
    (vector)&_stack_top, reset_handler,     nmi_handler,     hard_fault_handler,
    mem_manage_handler,  bus_fault_handler, usage_fault_handler, 0,
    0,                   0,                 0,               default_handler,
    default_handler,     0,                 default_handler, default_handler,
};
