// util/heap: the main heap is advised for transparent huge pages; what a
// command keeps until the process ends is not destroyed before.
#include "util/heap.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace {

// The VmFlags line of the mapping of /proc/self/smaps holding `address`.
std::string vm_flags_of(const void* address) {
    const auto a = reinterpret_cast<std::uintptr_t>(address);
    std::ifstream smaps("/proc/self/smaps");
    std::string line;
    bool inside = false;
    while (std::getline(smaps, line)) {
        std::uintptr_t from = 0, to = 0;
        char dash = 0;
        std::istringstream range(line);
        if (range >> std::hex >> from >> dash >> to && dash == '-' && line.find(' ') != std::string::npos &&
            line.find(':') > line.find(' ')) {
            inside = a >= from && a < to;
            continue;
        }
        if (inside && line.starts_with("VmFlags:")) return line;
    }
    return {};
}

bool huge_pages_off() {
    std::ifstream f("/sys/kernel/mm/transparent_hugepage/enabled");
    std::string s;
    std::getline(f, s);
    return s.empty() || s.find("[never]") != std::string::npos;
}

}  // namespace

TEST_CASE("heap: the main heap is advised for huge pages, and a block made after lies in the advised range") {
    if (huge_pages_off()) {
        WARN("transparent huge pages are off on this machine: nothing to check");
        return;
    }
    const unsigned long advised = dockerops::tune_heap();
    CHECK(advised >= (64ul << 20));
    // A block the size of a large project's array comes from the heap now,
    // not from a mapping of its own, and its pages may be huge ones ("hg").
    // (Its last byte: the advice starts at the first 2 MiB boundary past the
    // heap's end before, and a block may begin below it.)
    char* block = static_cast<char*>(std::malloc(8 << 20));
    REQUIRE(block);
    const std::string flags = vm_flags_of(block + (8 << 20) - 1);
    std::free(block);
    INFO(flags);
    CHECK(flags.find(" hg") != std::string::npos);
}

TEST_CASE("heap: a block mapped apart is advised for huge pages on the 2 MiB pages wholly inside it, not on its first bytes") {
    if (huge_pages_off()) {
        WARN("transparent huge pages are off on this machine: nothing to check");
        return;
    }
    // Larger than glibc's largest heap block (32 MiB): a mapping of its own,
    // as the loader's array of 100,000 instances is.
    constexpr std::size_t kSize = 40u << 20;
    char* block = static_cast<char*>(std::malloc(kSize));
    REQUIRE(block);
    CHECK(vm_flags_of(block + kSize / 2).find(" hg") == std::string::npos);   // not before it is asked
    dockerops::advise_huge(block, kSize);
    const std::string middle = vm_flags_of(block + kSize / 2);
    INFO(middle);
    CHECK(middle.find(" hg") != std::string::npos);
    // The mapping is split at the advised range: its first bytes (below the
    // first 2 MiB boundary past the block's start) are not advised.
    const std::string head = vm_flags_of(block);
    INFO(head);
    CHECK(head.find(" hg") == std::string::npos);
    std::free(block);
}

namespace {
struct Counted {
    static inline int destroyed = 0;
    bool live = true;
    Counted() = default;
    Counted(Counted&& o) noexcept { o.live = false; }
    ~Counted() { destroyed += live ? 1 : 0; }
};
}  // namespace

TEST_CASE("heap: a value kept until the process ends is moved once and never destroyed") {
    Counted::destroyed = 0;
    {
        Counted c;
        dockerops::keep_until_exit(std::move(c));
    }
    CHECK(Counted::destroyed == 0);   // the one moved from was emptied; the kept one lives on
}
