#pragma once
// Process-wide tuning of the C heap, called first thing in main.
#include <type_traits>
#include <utility>

namespace dockerops {

// Asks for transparent huge pages on the main heap (madvise MADV_HUGEPAGE over
// a 512 MiB reservation of address space, none of it touched until used), and
// keeps what was freed rather than giving it back. Where a 4 KiB page fault
// is dear (~15 us on a virtual machine), a plan of 10,000 instances spent a
// third of its time faulting in its ~100 MB one page at a time. Harmless where
// huge pages are off: the hint is ignored. Returns the bytes advised (0: none).
unsigned long tune_heap();

// The same hint for one large block that is not on the main heap (glibc
// maps a block over 32 MiB apart, 4 KiB pages unless asked): the 2 MiB pages
// wholly inside [data, data + bytes), best before any is touched.
void advise_huge(const void* data, unsigned long bytes);

// A command's large structures, kept until the process ends instead of freed
// one block at a time just before it does (as clang's -disable-free keeps
// its syntax tree): freeing a 100,000-instance plan's desired state and
// actions was 5-7% of the command. Only for what a command holds to its end.
template <class T>
void keep_until_exit(T&& value) {
    new std::decay_t<T>(std::forward<T>(value));   // NOLINT: never deleted, on purpose
}

}  // namespace dockerops
