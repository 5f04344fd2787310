#!/usr/bin/env python3
"""The `make bench` harness: xqm-user against QEMU's own i386 translator on the same MIPS host.

For every workload (a static i386 program and its arguments) it runs, each time with an empty
environment, ASLR off (setarch -R, which makes QEMU's counts repeatable) and stdout to a file:
  - the program natively (this x86_64 machine runs i386 programs): the reference output;
  - the program under the native qemu-i386 with the insn_count plugin: the guest (x86)
    instruction count, under the -cpu model matching xqm's CPUID and under QEMU's default model;
  - qemu-mips64el -cpu Loongson-3A1000 with the plugin, twice each: build/xqm-user PROGRAM and
    qemu-i386-static (QEMU 7.2 for mips64el) PROGRAM: the host (MIPS) instruction counts, split
    into instructions inside the emulator's text segment and outside (its generated code);
  - the same two without the plugin, BENCH_RUNS times each, for the wall-clock median.
xqm's first counting run also records per-block execution counts, which are attributed to xqm's
functions and source files (the hotspot report in build/bench/hotspots/).

Environment knobs: BENCH_QUICK=1 (no timing runs), BENCH_RUNS (default 3), BENCH_SCALE (workload
size factor, default 1), BENCH_ONLY (space-separated workload names), BENCH_JOBS (parallel
workloads, default the number of CPUs), BENCH_TIMEOUT (seconds per run, default 900),
BENCH_HOST_CPU (default Loongson-3A1000), BENCH_BASELINE (a results.json to compare with),
BENCH_XQM (the xqm-user binary, default BUILD/xqm-user).
tools/bench/README.md explains each column.
"""

import argparse
import bisect
import concurrent.futures
import datetime
import json
import math
import os
import platform
import random
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# CPUID.1 feature bits and QEMU's names for them (qemu-i386 -cpu help lists the names).
LEAF1_EDX = {0: "fpu", 1: "vme", 2: "de", 3: "pse", 4: "tsc", 5: "msr", 6: "pae", 7: "mce",
             8: "cx8", 9: "apic", 11: "sep", 12: "mtrr", 13: "pge", 14: "mca", 15: "cmov",
             16: "pat", 17: "pse36", 18: "pn", 19: "clflush", 21: "ds", 22: "acpi", 23: "mmx",
             24: "fxsr", 25: "sse", 26: "sse2", 27: "ss", 28: "ht", 29: "tm", 30: "ia64", 31: "pbe"}
LEAF1_ECX = {0: "pni", 1: "pclmulqdq", 2: "dtes64", 3: "monitor", 4: "ds-cpl", 5: "vmx", 6: "smx",
             7: "est", 8: "tm2", 9: "ssse3", 10: "cid", 12: "fma", 13: "cx16", 14: "xtpr",
             15: "pdcm", 17: "pcid", 18: "dca", 19: "sse4.1", 20: "sse4.2", 21: "x2apic",
             22: "movbe", 23: "popcnt", 24: "tsc-deadline", 25: "aes", 26: "xsave", 28: "avx",
             29: "f16c", 30: "rdrand", 31: "hypervisor"}
LEAF7_EBX = {0: "fsgsbase", 3: "bmi1", 4: "hle", 5: "avx2", 7: "smep", 8: "bmi2", 9: "erms",
             10: "invpcid", 11: "rtm", 16: "avx512f", 18: "rdseed", 19: "adx", 20: "smap",
             23: "clflushopt", 24: "clwb", 29: "sha-ni"}
EXT1_ECX = {0: "lahf-lm", 5: "abm", 6: "sse4a", 8: "3dnowprefetch"}
EXT1_EDX = {11: "syscall", 20: "nx", 22: "mmxext", 27: "rdtscp", 29: "lm", 30: "3dnowext",
            31: "3dnow"}

# xqm source files and libraries whose host instructions count as translation (decoding with
# capstone, translating, emitting MIPS code); everything else in xqm's text is the runtime (exec
# loop, TB cache lookups, helpers called from generated code, system calls, libc, glib).
TRANSLATOR_PREFIXES = ("target/i386/", "host/mips/emit.c", "host/mips/ldst_user.c", "lib:capstone")
RUNTIME_EXCEPTIONS = ("target/i386/helper.c", "target/i386/cpu.c")


class Size(int):
    """A workload argument that BENCH_SCALE multiplies."""

    def scaled(self, scale):
        return max(1, round(self * scale))


class FibSize(Size):
    """A recursion depth: the work grows by the golden ratio per step, so the scale adds steps."""

    def scaled(self, scale):
        return max(2, int(self) + round(math.log(scale) / math.log((1 + 5 ** 0.5) / 2)))


# Start-up dominated workloads: left out of the host-per-guest geometric mean, which is about
# steady-state translated code (they stay in the xqm/QEMU mean).
STARTUP = {"hello"}

# QEMU's counts vary by a few hundred instructions from run to run, even with ASLR off: QEMU's
# call_rcu thread (a guest thread of qemu-mips64el here) runs when the scheduler lets it. A
# relative difference up to this much between QEMU's two runs is reported as jitter, not an error.
QEMU_JITTER = 1e-4


# name, program (a workload binary or "busybox"), arguments, CPUID feature it needs, what it is.
WORKLOADS = [
    ("hello", "hello", [], None, "start-up dominated: puts one line"),
    ("crc32", "crc32", [Size(2048)], None, "table-driven CRC-32 over N KiB, 8 passes"),
    ("hash", "hash", [Size(2048)], None, "FNV-1a and MurmurHash3 over N KiB"),
    ("sort", "sort", [Size(160)], None, "qsort, quicksort, merge sort of N thousand ints"),
    ("bytecode", "bytecode", [Size(10000)], None, "switch-dispatched stack VM"),
    ("strings", "strings", [Size(1024)], None, "tokenising, word counts, strstr over N KiB"),
    ("pointer_chase", "pointer_chase", [Size(100)], None, "shuffled linked list and BST"),
    ("dispatch", "dispatch", [Size(200)], None, "vtable and function-table indirect calls"),
    ("switch", "switch", [Size(2048)], None, "lexer state machine, jump tables"),
    ("fib", "fib", [FibSize(29)], None, "recursion: fib, Ackermann, Hanoi"),
    ("fp-x87", "fp-x87", [Size(160)], "fpu", "Mandelbrot and n-body, x87"),
    ("fp-sse2", "fp-sse2", [Size(160)], "sse2", "Mandelbrot and n-body, scalar SSE2"),
    ("bb-gzip", "busybox", ["gzip", "-c", "-9", "text.txt"], None, "busybox gzip -9 of the text"),
    ("bb-sha256sum", "busybox", ["sha256sum", "text.txt"], None, "busybox sha256sum of the text"),
    ("bb-sort", "busybox", ["sort", "text.txt"], None, "busybox sort of the text's lines"),
    ("bb-awk", "busybox",
     ["awk", "{ s += $NF; n[$1]++ } END { print s; for (k in n) c++; print c }", "text.txt"],
     "fpu", "busybox awk summing a column (doubles)"),
]
TEXT_LINES = 20000          # lines of build/bench/data/text.txt at BENCH_SCALE=1 (~730 KB)

FEATURE_REASON = {
    "fpu": "xqm's CPUID reports no FPU (x87 is not translated yet)",
    "sse2": "xqm's CPUID reports no SSE2 (SSE2 is not translated yet)",
}


def env_int(name, default):
    v = os.environ.get(name, "")
    return int(v) if v.strip() else default


def env_float(name, default):
    v = os.environ.get(name, "")
    return float(v) if v.strip() else default


def die(msg):
    print(f"bench: {msg}", file=sys.stderr)
    sys.exit(1)


def elf_text_segment(path):
    """(lo, hi, entry): the span of the executable PT_LOAD segments and the entry point."""
    with open(path, "rb") as f:
        ident = f.read(64)
        if ident[:4] != b"\x7fELF":
            die(f"{path} is not an ELF file")
        e = "<" if ident[5] == 1 else ">"
        if ident[4] == 2:
            entry, phoff = struct.unpack_from(e + "QQ", ident, 24)
            phentsize, phnum = struct.unpack_from(e + "HH", ident, 54)
        else:
            entry, phoff = struct.unpack_from(e + "II", ident, 24)
            phentsize, phnum = struct.unpack_from(e + "HH", ident, 42)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    lo, hi = None, None
    for i in range(phnum):
        ph = table[i * phentsize:(i + 1) * phentsize]
        if ident[4] == 2:
            p_type, p_flags = struct.unpack_from(e + "II", ph, 0)
            p_vaddr, = struct.unpack_from(e + "Q", ph, 16)
            p_memsz, = struct.unpack_from(e + "Q", ph, 40)
        else:
            p_type, = struct.unpack_from(e + "I", ph, 0)
            p_vaddr, = struct.unpack_from(e + "I", ph, 8)
            p_memsz, p_flags = struct.unpack_from(e + "II", ph, 20)
        if p_type == 1 and p_flags & 1:
            lo = p_vaddr if lo is None else min(lo, p_vaddr)
            hi = p_vaddr + p_memsz if hi is None else max(hi, p_vaddr + p_memsz)
    if lo is None:
        die(f"{path} has no executable segment")
    return lo, hi, entry


class Runner:
    """Runs programs with an empty environment, ASLR off, stdout to a file."""

    def __init__(self, args):
        self.timeout = env_int("BENCH_TIMEOUT", 900)
        self.setarch = [shutil.which("setarch"), platform.machine(), "-R"]
        self.qemu_mips = shutil.which("qemu-mips64el")
        self.qemu_i386 = shutil.which("qemu-i386")
        for name, path in (("setarch", self.setarch[0]), ("qemu-mips64el", self.qemu_mips),
                           ("qemu-i386", self.qemu_i386)):
            if not path:
                die(f"{name} not found: run tools/setup-deps.sh")
        self.host_cpu = os.environ.get("BENCH_HOST_CPU", "") or "Loongson-3A1000"
        self.plugin = str(Path(args.plugin).resolve())
        self.xqm = str(Path(args.xqm).resolve())
        self.qemu_static = str(Path(args.qemu_static).resolve())
        self.xqm_text = elf_text_segment(self.xqm)
        self.qemu_text = elf_text_segment(self.qemu_static)

    def run(self, cmd, out, cwd, err=None):
        """Runs cmd; returns (exit status, negative for a signal, seconds, stderr text)."""
        t0 = time.perf_counter()
        with open(out, "wb") as fo:
            try:
                p = subprocess.run(self.setarch + cmd, stdout=fo, stderr=subprocess.PIPE,
                                   stdin=subprocess.DEVNULL, cwd=cwd, env={}, timeout=self.timeout)
                rc, stderr = p.returncode, p.stderr
            except subprocess.TimeoutExpired as e:
                rc, stderr = "timeout", e.stderr or b""
        secs = time.perf_counter() - t0
        text = stderr.decode("utf-8", "replace")
        if err:
            Path(err).write_text(text)
        return rc, secs, text

    def plugin_arg(self, out, text=None, tbs=None, footprint=False):
        a = f"{self.plugin},out={out}"
        if text:
            a += f",text={text[0]:#x}:{text[1]:#x},entry={text[2]:#x}"
        if tbs:
            a += f",tbs={tbs}"
        if footprint:
            a += ",footprint=on"
        return a

    def native_cmd(self, prog, argv):
        return [prog] + argv

    def guest_cmd(self, cpu, prog, argv, out):
        return [self.qemu_i386, "-cpu", cpu, "-plugin", self.plugin_arg(out, footprint=True),
                prog] + argv

    def xqm_cmd(self, prog, argv, out=None, tbs=None):
        plug = ["-plugin", self.plugin_arg(out, self.xqm_text, tbs)] if out else []
        return [self.qemu_mips, "-cpu", self.host_cpu] + plug + [self.xqm, prog] + argv

    def qemu_cmd(self, cpu, prog, argv, out=None):
        plug = ["-plugin", self.plugin_arg(out, self.qemu_text)] if out else []
        return [self.qemu_mips, "-cpu", self.host_cpu] + plug + [self.qemu_static, "-cpu", cpu,
                                                                   prog] + argv


def read_counts(path):
    counts = {}
    try:
        for line in Path(path).read_text().splitlines():
            k, v = line.split()
            counts[k] = int(v, 0)
    except (OSError, ValueError):
        return None
    return counts


def describe_exit(rc, stderr):
    """A short reason for a failed run: the signal or status and the emulator's own message."""
    if rc == "timeout":
        what = "timed out"
    elif isinstance(rc, int) and rc < 0:
        try:
            what = signal.Signals(-rc).name
        except ValueError:
            what = f"signal {-rc}"
    else:
        what = f"exit status {rc}"
    for line in stderr.splitlines():
        if line.startswith("xqm:") or "unsupported" in line:
            return f"{what} ({line.strip()[:120]})"
    return what


# ---------------------------------------------------------------------------------------------
# CPUID: what xqm reports, and the qemu-i386 -cpu model that reports the same.

def parse_cpuid(text):
    leaves = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 5:
            leaves[int(parts[0], 16)] = [int(x, 16) for x in parts[1:]]
    return leaves


def qemu_cpu_model(leaves):
    """A -cpu string for QEMU's featureless `base` model with xqm's vendor, signature and bits."""
    eax0, ebx0, ecx0, edx0 = leaves.get(0, [0, 0, 0, 0])
    vendor = struct.pack("<III", ebx0, edx0, ecx0).decode("ascii", "replace")
    eax1, _, ecx1, edx1 = leaves.get(1, [0, 0, 0, 0])
    family = (eax1 >> 8) & 0xF
    if family == 0xF:
        family += (eax1 >> 20) & 0xFF
    model = ((eax1 >> 4) & 0xF) | (((eax1 >> 16) & 0xF) << 4)
    stepping = eax1 & 0xF
    xlevel = leaves.get(0x80000000, [0])[0]
    if xlevel < 0x80000000:
        xlevel = 0
    parts = ["base", f"vendor={vendor}", f"family={family}", f"model={model}",
             f"stepping={stepping}", f"level={eax0}", f"xlevel={xlevel:#x}"]
    unmapped = []

    def add(bits, names, where):
        for b in range(32):
            if bits >> b & 1:
                if b in names:
                    parts.append("+" + names[b])
                else:
                    unmapped.append(f"{where} bit {b}")

    add(edx1, LEAF1_EDX, "CPUID.1:EDX")
    add(ecx1, LEAF1_ECX, "CPUID.1:ECX")
    if 7 in leaves:
        add(leaves[7][1], LEAF7_EBX, "CPUID.7:EBX")
    if 0x80000001 in leaves:
        add(leaves[0x80000001][2], EXT1_ECX, "CPUID.80000001:ECX")
        add(leaves[0x80000001][3], EXT1_EDX, "CPUID.80000001:EDX")
    return ",".join(parts), unmapped


def cpuid_differences(a, b):
    diffs = []
    for leaf in sorted(set(a) | set(b)):
        ra, rb = a.get(leaf), b.get(leaf)
        if ra is None or rb is None:
            diffs.append(f"leaf {leaf:#x} only under {'xqm' if rb is None else 'QEMU'}")
            continue
        for name, x, y in zip(("eax", "ebx", "ecx", "edx"), ra, rb):
            if x != y:
                diffs.append(f"leaf {leaf:#x} {name}: xqm {x:08x} QEMU {y:08x}")
    return diffs


# ---------------------------------------------------------------------------------------------
# Symbols of xqm-user, for the hotspot histogram.

class Symbols:
    """xqm-user's functions: address, name and component (source file, or lib:NAME)."""

    def __init__(self, binary, nm, libs):
        self.starts, self.names, self.comps = [], [], []
        lib_of = {}
        for lib in libs:
            p = subprocess.run([nm, "--defined-only", str(lib)], capture_output=True, text=True)
            stem = lib.name.removeprefix("lib").removesuffix(".a").split("-")[0]
            label = "lib:" + {"c": "libc", "gcc": "libgcc", "z": "zlib"}.get(stem, stem)
            for line in p.stdout.splitlines():
                f = line.split()
                if len(f) == 3 and f[1] in "TtWw":
                    lib_of.setdefault(f[2], label)
        p = subprocess.run([nm, "-n", "-l", "--defined-only", str(binary)], capture_output=True,
                           text=True)
        last = None
        for line in p.stdout.splitlines():
            head, _, where = line.partition("\t")
            f = head.split()
            if len(f) != 3 or f[1] not in "TtWw":
                continue
            addr = int(f[0], 16)
            if addr == last:
                continue
            last = addr
            src = where.rsplit(":", 1)[0]
            comp = source_component(src) if src else lib_of.get(f[2], "lib:other")
            self.starts.append(addr)
            self.names.append(f[2])
            self.comps.append(comp)

    def attribute(self, blocks):
        """{symbol index: host instructions} for lines "vaddr n execs" of the plugin's tbs file."""
        per = {}
        for vaddr, n, execs in blocks:
            for i in range(n):
                a = vaddr + 4 * i
                k = bisect.bisect_right(self.starts, a) - 1
                per[k] = per.get(k, 0) + execs
        return per


XQM_DIRS = ("common/", "target/", "host/", "linux-user/", "system/")


def source_component(path):
    """An xqm source path relative to the repository (wherever it was built), else other:FILE."""
    parts = path.split("/")
    for i in range(len(parts) - 1, -1, -1):
        rel = "/".join(parts[i:])
        if rel.startswith(XQM_DIRS) and (Path(REPO) / rel).exists():
            return rel
    return "other:" + os.path.basename(path)


def is_translator(comp):
    return comp.startswith(TRANSLATOR_PREFIXES) and comp not in RUNTIME_EXCEPTIONS


def read_blocks(path):
    blocks = {}
    for line in Path(path).read_text().splitlines():
        v, n, e = line.split()
        key = (int(v, 16), int(n))
        blocks[key] = blocks.get(key, 0) + int(e)
    return [(v, n, e) for (v, n), e in blocks.items()]


def hotspots(symbols, tbs_path, total, code_cache):
    """Per-symbol and per-component host instruction counts of one xqm run."""
    per = symbols.attribute(read_blocks(tbs_path))
    syms = sorted(((c, symbols.names[k], symbols.comps[k]) for k, c in per.items() if k >= 0),
                  reverse=True)
    comps = {"(generated code)": code_cache}
    for c, _, comp in syms:
        group = comp if comp.startswith(("lib:", "other:")) else os.path.dirname(comp)
        comps[group] = comps.get(group, 0) + c
    translator = sum(c for c, _, comp in syms if is_translator(comp))
    return {"symbols": syms, "components": comps, "translator": translator, "total": total}


def write_hotspot_file(path, name, hs):
    total = hs["total"] or 1
    with open(path, "w") as f:
        f.write(f"# xqm-user host instructions for workload {name}: {hs['total']} in all\n")
        f.write("\n## by component\n")
        for comp, c in sorted(hs["components"].items(), key=lambda x: -x[1]):
            f.write(f"{100 * c / total:6.2f}%  {c:14d}  {comp}\n")
        f.write(f"{100 * hs['translator'] / total:6.2f}%  {hs['translator']:14d}  "
                "(translator: capstone, target/i386 but helper.c/cpu.c, host/mips emit+ldst)\n")
        f.write("\n## by function\n")
        for c, sym, comp in hs["symbols"]:
            f.write(f"{100 * c / total:6.2f}%  {c:14d}  {sym}  [{comp}]\n")


# ---------------------------------------------------------------------------------------------
# One workload.

def make_text(path, lines):
    """The busybox workloads' input: words and numbers, the same bytes on every machine."""
    if path.exists() and path.with_suffix(".lines").exists() and \
            path.with_suffix(".lines").read_text() == str(lines):
        return
    r = random.Random(20240607)
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota",
             "kappa", "lambda", "mu", "nu", "xi", "omicron", "pi", "rho", "sigma"]
    with open(path, "w") as f:
        for _ in range(lines):
            f.write(" ".join(r.choice(words) for _ in range(r.randint(1, 10))))
            f.write(f" {r.randint(0, 99999)}\n")
    os.utime(path, (1700000000, 1700000000))   # gzip stores the mtime in its header
    path.with_suffix(".lines").write_text(str(lines))


class Workload:
    def __init__(self, name, prog, argv, needs, what):
        self.name, self.prog, self.argv, self.needs, self.what = name, prog, argv, needs, what
        self.status, self.reason, self.warnings = "ok", "", []
        self.r = {"name": name, "what": what, "argv": argv}

    def fail(self, status, reason):
        if self.status == "ok":
            self.status, self.reason = status, reason


def count_workload(w, run, cfg, symbols):
    """All counting runs of one workload; fills w.r and w.status."""
    d = cfg.wdir / w.name
    d.mkdir(parents=True, exist_ok=True)
    for old in d.iterdir():
        old.unlink()
    (cfg.hdir / f"{w.name}.txt").unlink(missing_ok=True)
    prog, argv, cwd = w.prog, w.argv, cfg.data

    rc_n, _, err_n = run.run(run.native_cmd(prog, argv), d / "native.out", cwd)
    if rc_n != 0:
        w.fail("broken", f"native run failed: {describe_exit(rc_n, err_n)}")
    ref = (d / "native.out").read_bytes()

    # Under the matched model a workload needing a feature xqm lacks is expected to fail.
    unsupported = w.needs and not cfg.xqm_features.get(w.needs)

    def guest(cpu, tag):
        rc, _, err = run.run(run.guest_cmd(cpu, prog, argv, d / f"guest-{tag}.count"),
                             d / f"guest-{tag}.out", cwd)
        why = None
        if rc != rc_n:
            why = describe_exit(rc, err)
        elif (d / f"guest-{tag}.out").read_bytes() != ref:
            why = "output differs from native"
        if why:
            if not (unsupported and tag == "matched"):
                w.warnings.append(f"native qemu-i386 -cpu {tag}: {why}")
            return None
        return read_counts(d / f"guest-{tag}.count")

    g = guest(cfg.cpu_model, "matched")
    gmax = guest("max", "max")
    w.r["guest_insns"] = g["insns"] if g else None
    w.r["guest_footprint"] = g.get("footprint") if g else None
    w.r["guest_insns_cpu_max"] = gmax["insns"] if gmax else None

    def host(kind, i, tbs=None):
        cnt = d / f"{kind}{i}.count"
        if kind == "xqm":
            cmd = run.xqm_cmd(prog, argv, cnt, tbs)
        else:
            cmd = run.qemu_cmd(cfg.cpu_model, prog, argv, cnt)
        rc, _, err = run.run(cmd, d / f"{kind}{i}.out", cwd, d / f"{kind}{i}.err")
        out = (d / f"{kind}{i}.out").read_bytes()
        if rc != rc_n:
            return None, describe_exit(rc, err)
        if out != ref:
            return None, "output differs from native"
        return read_counts(cnt), None

    for kind in ("xqm", "qemu"):
        entry = {"insns": None}
        w.r[kind] = entry
        if kind == "xqm" and unsupported:
            w.fail("skipped", FEATURE_REASON[w.needs])
            continue
        c1, why = host(kind, 1, d / "xqm1.tbs" if kind == "xqm" else None)
        if not why and not c1:
            why = "the plugin wrote no counts"
        if why:
            w.fail("failed", f"{'xqm' if kind == 'xqm' else 'QEMU'}: {why}")
            entry["error"] = why
            continue
        c2, why2 = host(kind, 2)
        same = bool(c2) and c1["insns"] == c2["insns"] and c1["inside"] == c2["inside"]
        entry.update(insns=c1["insns"], text=c1["inside"], generated=c1["outside"],
                     second_run=c2["insns"] if c2 else None, deterministic=same)
        if not same:
            spread = abs(c1["insns"] - c2["insns"]) / c1["insns"] if c2 else None
            if kind == "qemu" and spread is not None and spread <= QEMU_JITTER:
                entry["jitter"] = spread
            else:
                w.warnings.append(f"{kind} counts differ between two runs: {c1['insns']} vs "
                                  f"{c2['insns'] if c2 else why2}")
        if kind == "xqm" and symbols:
            hs = hotspots(symbols, d / "xqm1.tbs", c1["insns"], c1["outside"])
            write_hotspot_file(cfg.hdir / f"{w.name}.txt", w.name, hs)
            entry["translator"] = hs["translator"]
            entry["components"] = hs["components"]
            w.hs = hs

    x, q = w.r["xqm"].get("insns"), w.r["qemu"].get("insns")
    gi = w.r["guest_insns"]
    w.r["ratio"] = x / q if x and q else None
    w.r["xqm_per_guest"] = x / gi if x and gi else None
    w.r["qemu_per_guest"] = q / gi if q and gi else None
    fp = w.r["guest_footprint"]
    tr = w.r["xqm"].get("translator")
    w.r["xqm_translator_per_guest_footprint"] = tr / fp if tr and fp else None


def time_workload(w, run, cfg):
    d = cfg.wdir / w.name
    for kind in ("xqm", "qemu"):
        e = w.r[kind]
        if e.get("insns") is None:
            continue
        secs = []
        for _ in range(cfg.runs):
            cmd = (run.xqm_cmd(w.prog, w.argv) if kind == "xqm"
                   else run.qemu_cmd(cfg.cpu_model, w.prog, w.argv))
            rc, s, _ = run.run(cmd, d / f"{kind}-time.out", cfg.data)
            secs.append(s)
        e["seconds_all"] = [round(s, 3) for s in secs]
        e["seconds"] = round(statistics.median(secs), 3)


# ---------------------------------------------------------------------------------------------
# Reporting.

def human(n):
    if n is None:
        return "-"
    for div, suf in ((1e9, "G"), (1e6, "M"), (1e3, "K")):
        if n >= div:
            return f"{n / div:.3g}{suf}" if n / div < 100 else f"{n / div:.0f}{suf}"
    return str(n)


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


def print_table(ws, quick):
    cols = [("workload", 14, "<"), ("guest", 7, ">"), ("g@max", 7, ">"), ("xqm", 7, ">"),
            ("QEMU", 7, ">"), ("xqm/QEMU", 8, ">"), ("xqm h/g", 7, ">"), ("QEMU h/g", 8, ">"),
            ("xqm text", 8, ">"), ("xlat", 6, ">"), ("xlat/gi", 7, ">"), ("QEMU text", 9, ">")]
    if not quick:
        cols += [("xqm s", 6, ">"), ("QEMU s", 6, ">")]
    cols += [("status", 0, "<")]
    print("  ".join(f"{n:{a}{wd}}" for n, wd, a in cols))
    for w in ws:
        r, x, q = w.r, w.r["xqm"], w.r["qemu"]
        gmax = r["guest_insns_cpu_max"]

        def pct(a, b):
            return f"{100 * a / b:.1f}%" if a is not None and b else "-"
        status = w.status if not w.reason else f"{w.status}: {w.reason}"
        if w.warnings:
            status += " [!]"
        row = [w.name, human(r["guest_insns"]),
               "=" if gmax == r["guest_insns"] else human(gmax),
               human(x.get("insns")), human(q.get("insns")), fmt(r["ratio"], ".3f"),
               fmt(r["xqm_per_guest"], ".2f"), fmt(r["qemu_per_guest"], ".2f"),
               pct(x.get("text"), x.get("insns")), pct(x.get("translator"), x.get("insns")),
               fmt(r["xqm_translator_per_guest_footprint"], ".0f"),
               pct(q.get("text"), q.get("insns"))]
        if not quick:
            row += [fmt(x.get("seconds"), ".2f"), fmt(q.get("seconds"), ".2f")]
        row.append(status)
        print("  ".join(f"{v:{a}{wd}}" for v, (_, wd, a) in zip(row, cols)))


def geomean(vals):
    vals = [v for v in vals if v]
    return math.exp(sum(math.log(v) for v in vals) / len(vals)) if vals else None


def print_hotspot_summary(ws, top=15):
    comps, syms, total = {}, {}, 0
    for w in ws:
        hs = getattr(w, "hs", None)
        if not hs or w.status != "ok":
            continue
        total += hs["total"]
        for k, c in hs["components"].items():
            comps[k] = comps.get(k, 0) + c
        for c, s, comp in hs["symbols"]:
            syms[(s, comp)] = syms.get((s, comp), 0) + c
    if not total:
        return
    print(f"\nxqm host instructions by component, all passing workloads together "
          f"({human(total)}):")
    for k, c in sorted(comps.items(), key=lambda x: -x[1])[:12]:
        print(f"  {100 * c / total:5.1f}%  {k}")
    print(f"top {top} xqm functions (outside generated code):")
    for (s, comp), c in sorted(syms.items(), key=lambda x: -x[1])[:top]:
        print(f"  {100 * c / total:5.1f}%  {s}  [{comp}]")


def git_info(where):
    """(commit, dirty) of the work tree holding `where` (xqm-user's build directory)."""
    def git(*a):
        p = subprocess.run(["git", "-C", str(where)] + list(a), capture_output=True, text=True)
        return p.stdout.strip()
    return git("rev-parse", "HEAD") or "unknown", \
        bool(git("status", "--porcelain", "--untracked-files=no"))


def first_line(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0]
    except (OSError, IndexError):
        return None


def compare_baseline(path, ws):
    try:
        base = {w["name"]: w for w in json.loads(Path(path).read_text())["workloads"]}
    except (OSError, ValueError, KeyError) as e:
        print(f"bench: cannot read baseline {path}: {e}")
        return
    print(f"\nxqm host instructions against {path}:")
    for w in ws:
        b = base.get(w.name, {}).get("xqm", {}).get("insns")
        x = w.r["xqm"].get("insns")
        if b and x:
            print(f"  {w.name:14} {human(b):>7} -> {human(x):>7}  {100 * (x - b) / b:+.1f}%")


# ---------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("names", nargs="*", help="workloads to run (default: all, or BENCH_ONLY)")
    args = ap.parse_args()
    build = Path(args.build).resolve()
    bdir = build / "bench"
    args.xqm = os.environ.get("BENCH_XQM", "") or str(build / "xqm-user")
    args.plugin = str(bdir / "insn_count.so")
    args.qemu_static = str(bdir / "qemu-mips64el/usr/bin/qemu-i386-static")
    for p in (args.xqm, args.plugin, args.qemu_static):
        if not Path(p).exists():
            die(f"{p} is missing: run `make bench` (after tools/setup-deps.sh)")

    cfg = argparse.Namespace()
    cfg.quick = os.environ.get("BENCH_QUICK", "") not in ("", "0")
    cfg.runs = max(1, env_int("BENCH_RUNS", 3))
    cfg.scale = env_float("BENCH_SCALE", 1.0)
    jobs = env_int("BENCH_JOBS", os.cpu_count() or 1)
    only = args.names or os.environ.get("BENCH_ONLY", "").split()
    cfg.wdir, cfg.hdir, cfg.data = bdir / "runs", bdir / "hotspots", bdir / "data"
    for p in (cfg.wdir, cfg.hdir, cfg.data):
        p.mkdir(parents=True, exist_ok=True)
    run = Runner(args)

    # What CPU does xqm report? Derive QEMU's model from it and check QEMU reports the same.
    probe = str(bdir / "cpuid_probe")
    rc, _, err = run.run(run.xqm_cmd(probe, []), bdir / "cpuid-xqm.txt", bdir)
    if rc != 0:
        die(f"cpuid_probe fails under xqm-user ({describe_exit(rc, err)}): is build/xqm-user OK?")
    xqm_cpuid = parse_cpuid((bdir / "cpuid-xqm.txt").read_text())
    cfg.cpu_model, unmapped = qemu_cpu_model(xqm_cpuid)
    edx1 = xqm_cpuid.get(1, [0, 0, 0, 0])[3]
    cfg.xqm_features = {"fpu": bool(edx1 & 1), "sse2": bool(edx1 >> 26 & 1)}
    rc, _, err = run.run(run.qemu_cmd(cfg.cpu_model, probe, []), bdir / "cpuid-qemu.txt", bdir)
    if rc != 0:
        die(f"cpuid_probe fails under qemu-i386-static -cpu {cfg.cpu_model}: "
            f"{describe_exit(rc, err)}")
    qemu_cpuid = parse_cpuid((bdir / "cpuid-qemu.txt").read_text())
    diffs = cpuid_differences(xqm_cpuid, qemu_cpuid) + [f"no QEMU name for {u}" for u in unmapped]
    print(f"QEMU runs with -cpu {cfg.cpu_model}")
    print("CPUID xqm vs QEMU: " + ("identical" if not diffs else "; ".join(diffs)))

    scale = cfg.scale
    make_text(cfg.data / "text.txt", max(1, round(TEXT_LINES * scale)))
    wl_dir = bdir / "workloads"
    busybox = str(bdir / "busybox/bin/busybox")
    ws = []
    for name, prog, argv, needs, what in WORKLOADS:
        if only and name not in only:
            continue
        argv = [str(a.scaled(scale)) if isinstance(a, Size) else a for a in argv]
        ws.append(Workload(name, busybox if prog == "busybox" else str(wl_dir / prog), argv,
                           needs, what))
    if not ws:
        die(f"no workload matches {' '.join(only)}; known: {' '.join(x[0] for x in WORKLOADS)}")

    nm = shutil.which("mips64el-linux-gnuabi64-nm")
    symbols = None
    if nm:
        libs = sorted((REPO / "build/sysroot/usr/lib/mips64el-linux-gnuabi64").glob("lib*.a"))
        cc = "mips64el-linux-gnuabi64-gcc"
        for extra in (first_line([cc, "-print-file-name=libc.a"]),
                      first_line([cc, "-print-libgcc-file-name"])):
            if extra and Path(extra).is_file():
                libs.append(Path(extra))
        symbols = Symbols(args.xqm, nm, libs)

    print(f"counting {len(ws)} workloads ({jobs} at a time)...", flush=True)
    lock = threading.Lock()

    def one(w):
        t0 = time.time()
        try:
            count_workload(w, run, cfg, symbols)
        except Exception as e:  # a harness bug in one workload must not lose the others
            w.fail("error", f"harness error: {type(e).__name__}: {e}")
        with lock:
            print(f"  {w.name}: {w.status}{': ' + w.reason if w.reason else ''} "
                  f"({time.time() - t0:.0f} s)", flush=True)

    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(one, ws))
    if not cfg.quick:
        print(f"timing ({cfg.runs} runs each, one at a time)...", flush=True)
        for w in ws:
            time_workload(w, run, cfg)

    print()
    print_table(ws, cfg.quick)
    ok = [w for w in ws if w.status == "ok" and w.r["ratio"]]
    gm = geomean([w.r["ratio"] for w in ok])
    steady = [w for w in ok if w.name not in STARTUP]
    gm_xg = geomean([w.r["xqm_per_guest"] for w in steady])
    gm_qg = geomean([w.r["qemu_per_guest"] for w in steady])
    print(f"\ngeometric mean over {len(ok)} workloads: xqm/QEMU {fmt(gm, '.3f')}")
    print(f"host insns per guest insn, geometric mean over {len(steady)} (no start-up-only "
          f"runs): xqm {fmt(gm_xg, '.2f')}, QEMU {fmt(gm_qg, '.2f')}")
    warnings = [(w.name, m) for w in ws for m in w.warnings]
    for name, m in warnings:
        print(f"warning: {name}: {m}")
    print_hotspot_summary(ws)

    commit, dirty = git_info(Path(args.xqm).resolve().parent)
    result = {
        "commit": commit, "dirty": dirty, "xqm_user": str(Path(args.xqm).resolve()),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "host_cpu": run.host_cpu,
        "qemu_mips64el": first_line([run.qemu_mips, "--version"]),
        "qemu_i386_static_mips64el": (bdir / "qemu-mips64el/.version").read_text().strip()
        if (bdir / "qemu-mips64el/.version").exists() else None,
        "busybox": (bdir / "busybox/.version").read_text().strip()
        if (bdir / "busybox/.version").exists() else None,
        "qemu_cpu_model": cfg.cpu_model,
        "cpuid": {"xqm": {f"{k:#x}": v for k, v in xqm_cpuid.items()},
                  "qemu": {f"{k:#x}": v for k, v in qemu_cpuid.items()}, "differences": diffs},
        "settings": {"quick": cfg.quick, "runs": cfg.runs, "scale": cfg.scale},
        "workloads": [dict(w.r, status=w.status, reason=w.reason, warnings=w.warnings)
                      for w in ws],
        "geomean": {"xqm_over_qemu": gm, "workloads": [w.name for w in ok],
                    "xqm_per_guest": gm_xg, "qemu_per_guest": gm_qg,
                    "per_guest_workloads": [w.name for w in steady]},
    }
    out = bdir / "results.json"
    out.write_text(json.dumps(result, indent=1) + "\n")
    hist = bdir / "history"
    hist.mkdir(exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    shutil.copy(out, hist / f"{stamp}-{commit[:10]}{'-dirty' if dirty else ''}.json")
    print(f"\nresults: {out.relative_to(REPO) if out.is_relative_to(REPO) else out}; "
          f"hotspots: {cfg.hdir.relative_to(REPO) if cfg.hdir.is_relative_to(REPO) else cfg.hdir}/")
    base = os.environ.get("BENCH_BASELINE", "")
    if base:
        compare_baseline(base, ws)


if __name__ == "__main__":
    main()
