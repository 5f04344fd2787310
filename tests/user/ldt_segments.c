/* modify_ldt: an LDT entry written, loaded into %fs through an LDT selector and used for a
 * segment-relative load, then the table read back. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <asm/ldt.h>
static int data[4] = {11, 22, 33, 44};
int main(void){
  struct user_desc u; memset(&u, 0, sizeof u);
  u.entry_number = 5; u.base_addr = (unsigned)(uintptr_t)data; u.limit = 0xfffff; u.seg_32bit = 1; u.limit_in_pages = 1; u.useable = 1;
  long r = syscall(SYS_modify_ldt, 0x11, &u, sizeof u); printf("write %ld\n", r);
  unsigned short sel = (5 << 3) | 4 | 3; int v; unsigned short old;
  __asm__ volatile("mov %%fs, %0; mov %2, %%fs; movl %%fs:8, %1; mov %0, %%fs" : "=&r"(old), "=r"(v) : "r"(sel));
  printf("fs:8 = %d\n", v);
  unsigned char buf[64]; r = syscall(SYS_modify_ldt, 0, buf, sizeof buf); printf("read %ld, entry5 present %d\n", r, (buf[5*8+5] & 0x80) != 0);
  return 0; }
