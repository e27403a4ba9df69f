#!/bin/sh
# Starts the platform as it runs everywhere: `pnpm start`, the container image, the benchmarks and
# the reliability runs. Node options may follow (e.g. --cpu-prof). PLATFORM_NODE names the node
# binary (default: node on PATH; not NODE, which pnpm and npm set for every script they run). The
# working directory is kept, so a relative DATA_DIR means what it meant before.
#
# glibc's malloc is asked to back its heaps with transparent huge pages (glibc >= 2.35; the kernel
# grants them on request under its default "madvise" mode). Upload bodies pass through malloc'd
# buffers at hundreds of MiB/s, and on the virtual machines we measure on a 4 KiB page fault costs
# ~12 us: in interleaved pairs of the full deadline-rush benchmark, 20 concurrent 10 MiB uploads ran
# at 115 and 138 MiB/s with 4 KiB pages and at 160 and 181 MiB/s with huge pages, the thread pool's
# CPU falling from 520-610 to 60-160 ms (docs/benchmarks.md). Where the C library is not glibc, or
# the kernel has huge pages off, the setting does nothing. An operator's own GLIBC_TUNABLES is kept
# as it is (set it empty to turn this off).
set -eu
export GLIBC_TUNABLES="${GLIBC_TUNABLES-glibc.malloc.hugetlb=1}"
exec "${PLATFORM_NODE:-node}" "$@" "$(dirname -- "$0")/src/main.ts"
