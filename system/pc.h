/*
 * The PC machine: RAM, the legacy devices, the vCPUs, and the direct kernel boot that stands in
 * for firmware.
 */
#ifndef XQM_SYSTEM_PC_H
#define XQM_SYSTEM_PC_H

#include <stdbool.h>
#include <stdint.h>

#include "target/i386/sys.h"

struct machine_config {
    uint64_t ram_size;
    int smp;
    const char *kernel, *initrd, *append;
    bool no_reboot;
    bool serial_stdio;
    bool debug_exit;
    uint32_t debug_exit_base, debug_exit_size;
};

/* Builds the machine and loads the kernel (exits with a one-line error if it cannot). */
void pc_init(const struct machine_config *cfg);

/* --- boot loaders (loader_*.c): parse and place the kernel, set the boot CPU's entry state --- */

/* The file's contents, or a one-line error and exit. */
uint8_t *loader_read_file(const char *path, uint64_t *size, const char *what);
/* Copies len bytes to guest physical memory; exits with an error naming `what` if not RAM. */
void loader_copy(uint64_t paddr, const void *data, uint64_t len, const char *what);
/* 32-bit protected mode with flat 4 GiB segments (CS 0x10, data 0x18) from a GDT the loader
 * writes to low memory, interrupts off, paging off: the entry state of both boot protocols. */
void loader_enter_protected_mode(CPUX86State *env, uint32_t eip);

/* True if the image carries a multiboot (v1) header in its first 8 KiB. */
bool multiboot_probe(const uint8_t *image, uint64_t size);
void multiboot_load(CPUX86State *env, const struct machine_config *cfg, const uint8_t *image, uint64_t size);
/* True if the image is a Linux bzImage ("HdrS" setup header). */
bool linux_probe(const uint8_t *image, uint64_t size);
void linux_load(CPUX86State *env, const struct machine_config *cfg, const uint8_t *image, uint64_t size);

#endif
