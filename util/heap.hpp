#pragma once
// Process-wide tuning of the C heap, called first thing in main.
namespace dockerops {

// Asks for transparent huge pages on the main heap (madvise MADV_HUGEPAGE over
// a 256 MiB reservation of address space, none of it touched until used), and
// keeps what was freed rather than giving it back, with no fast bins (whose
// merging cost a large plan a third of its time). Where a 4 KiB page fault
// is dear (~15 us on a virtual machine), a plan of 10,000 instances spent a
// third of its time faulting in its ~100 MB one page at a time. Harmless where
// huge pages are off: the hint is ignored. Returns the bytes advised (0: none).
unsigned long tune_heap();

}  // namespace dockerops
