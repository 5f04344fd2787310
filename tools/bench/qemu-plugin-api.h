/*
 * The part of QEMU's TCG plugin interface (API version 1, as in QEMU 7.2) that insn_count.c uses.
 *
 * No Debian 12 package ships QEMU's own plugin header (qemu-user, qemu-user-static,
 * qemu-system-common and qemu-system-data were checked), so these declarations are written here
 * from the documented interface (docs/devel/tcg-plugins.rst in QEMU): the plugin exports the int
 * `qemu_plugin_version` and the function `qemu_plugin_install`, and calls back into the emulator
 * through the functions below, which the loading qemu binary exports. Only what the counter needs
 * is declared; the ABI of each item (argument order and types, enum values) must match QEMU's.
 */
#ifndef XQM_BENCH_QEMU_PLUGIN_API_H
#define XQM_BENCH_QEMU_PLUGIN_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BENCH_PLUGIN_EXPORT __attribute__((visibility("default")))

/* The version of the interface this plugin is written against. */
enum { BENCH_QEMU_PLUGIN_API_VERSION = 1 };

/* Identifies this plugin in every call into QEMU. */
typedef uint64_t qemu_plugin_id_t;

/* Guest and emulator description passed to qemu_plugin_install; not looked into here. */
typedef struct qemu_info_t qemu_info_t;

/* A block being translated and one of its guest instructions; only valid during the callback. */
struct qemu_plugin_tb;
struct qemu_plugin_insn;

/* Inline operations QEMU can emit into a translated block; version 1 has only the 64-bit add. */
enum qemu_plugin_op {
    QEMU_PLUGIN_INLINE_ADD_U64 = 0,
};

typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);

/* Called by QEMU once, when the plugin is loaded; returns 0 on success. */
BENCH_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                            int argc, char **argv);

/* Calls `cb` for every block QEMU translates, before the block first runs. */
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);

/* Makes every execution of `tb` do `*(uint64_t *)ptr += imm` (not atomic). */
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb, enum qemu_plugin_op op,
                                              void *ptr, uint64_t imm);

/* The number of guest instructions in `tb`, and the guest virtual address of its first one. */
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);

/* The `idx`th guest instruction of `tb` (0-based), and that instruction's guest virtual address. */
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);

/* Calls `cb` when the guest program exits (also on exit_group and fatal signals). */
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);

/* Writes a message to QEMU's log (stderr unless -D is given). */
void qemu_plugin_outs(const char *string);

#endif
