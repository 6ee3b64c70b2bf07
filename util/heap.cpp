#include "util/heap.hpp"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

namespace dockerops {

unsigned long tune_heap() {
    constexpr std::size_t kReserve = 256u << 20;   // address space, not memory: pages are made on first touch
    constexpr std::uintptr_t kHuge = 2u << 20;     // x86-64's huge page
    // Blocks up to 32 MiB come from the heap (the instances' arrays among
    // them), freed memory stays for reuse, and the heap grows by the
    // reservation at once, so that one madvise covers it.
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    // No fast bins: a freed small block goes to the thread cache or the
    // ordinary bins. With fast bins, each request of 1 KiB or more first
    // merges every small block freed since the last such request
    // (malloc_consolidate): a plan of 100,000 instances frees millions of
    // small blocks between its specs' allocations. There, malloc_consolidate,
    // unlink_chunk and _int_malloc took 42% of perf's samples; with no fast
    // bins the plan took 6.5 and 8.8 s against 12.0 and 12.0 s (two runs
    // each, GLIBC_TUNABLES=glibc.malloc.mxfast=0), 10,000 instances 0.34-0.39 s
    // against 0.51-0.61 s.
    mallopt(M_MXFAST, 0);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    mallopt(M_TOP_PAD, kReserve);
    // Grow it now: a block larger than what its top holds (doubled until the
    // heap's end moves), then given back to it.
    const auto before = reinterpret_cast<std::uintptr_t>(sbrk(0));
    for (std::size_t size = 256u << 10; size <= (16u << 20); size *= 2) {
        void* probe = std::malloc(size);
        std::free(probe);
        if (!probe) return 0;
        if (reinterpret_cast<std::uintptr_t>(sbrk(0)) != before) break;
    }
    const auto from = (before + kHuge - 1) & ~(kHuge - 1);
    const auto to = reinterpret_cast<std::uintptr_t>(sbrk(0)) & ~(kHuge - 1);
    if (to <= from) return 0;
    if (madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE) != 0) return 0;
    return to - from;
}

}  // namespace dockerops
