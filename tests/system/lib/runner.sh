# Sourced by the scripts in tests/system that boot xqm-system (from the repository's top): the
# environment defaults they share and the command that starts xqm-system, in the array `runner`
# (qemu-mips64el with its -cpu unless QEMU_MIPS is empty, then XQM_SYSTEM with its options).
BUILD=${BUILD:-build}
QEMU_MIPS=${QEMU_MIPS-qemu-mips64el-static}
QEMU_CPU=${QEMU_CPU:-Loongson-3A1000}
XQM_SYSTEM=${XQM_SYSTEM:-$BUILD/xqm-system}
runner=()
if [ -n "$QEMU_MIPS" ]; then
    read -ra runner <<<"$QEMU_MIPS"
    runner+=(-cpu "$QEMU_CPU")
fi
read -ra _xqm_system <<<"$XQM_SYSTEM"
runner+=("${_xqm_system[@]}")
