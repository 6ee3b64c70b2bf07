#include "cli/ops/live.hpp"

#include "engine/model/secrets.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>

namespace dockerops::ops {

namespace {

constexpr const char* kFrames[] = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};

// A running line is kept to one terminal row: long build steps are cut.
std::string fit(std::string s, std::size_t width) {
    for (auto& c : s)
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    if (s.size() <= width) return s;
    std::size_t cut = width;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    return s.substr(0, cut) + "…";
}

}  // namespace

LiveProgress::LiveProgress(Ui& ui) : ui_(ui) {
    // A line wider than the terminal would wrap, and the redraw would miscount.
    winsize ws{};
    columns_ = ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 ? ws.ws_col : 80;
    thread_ = std::thread([this] { loop(); });
}

LiveProgress::~LiveProgress() {
    {
        std::lock_guard<std::mutex> l(m_);
        stop_ = true;
        clear_locked();
    }
    cv_.notify_all();
    thread_.join();
}

void LiveProgress::started(const Action& a) {
    std::lock_guard<std::mutex> l(m_);
    std::string object = a.build ? a.build->tag : a.object;
    running_[a.id] = Running{std::string(to_string(a.kind)) + " " + a.object, object, "", std::chrono::steady_clock::now()};
    redraw_locked();
}

void LiveProgress::detail(const std::string& object, const std::string& text) {
    std::lock_guard<std::mutex> l(m_);
    for (auto& [_, r] : running_)
        if (r.object == object) r.detail = ui_.secrets.redact(text);
}

void LiveProgress::waiting(int id, const std::string& state) {
    std::lock_guard<std::mutex> l(m_);
    if (auto it = running_.find(id); it != running_.end()) it->second.detail = state;
}

void LiveProgress::finished(int id) {
    std::lock_guard<std::mutex> l(m_);
    running_.erase(id);
    redraw_locked();
}

void LiveProgress::line(const std::string& text) {
    std::lock_guard<std::mutex> l(m_);
    clear_locked();
    ui_.out(text + "\n");
    redraw_locked();
}

void LiveProgress::clear_locked() {
    // Up to the first running line, then erase to the end of the screen.
    if (drawn_ > 0) ui_.out("\033[" + std::to_string(drawn_) + "A\r\033[J");
    drawn_ = 0;
}

void LiveProgress::redraw_locked() {
    clear_locked();
    if (stop_) return;
    std::string block;
    const auto now = std::chrono::steady_clock::now();
    for (const auto& [_, r] : running_) {
        char secs[16];
        std::snprintf(secs, sizeof secs, "%.1fs", std::chrono::duration<double>(now - r.since).count());
        std::string text = std::string(kFrames[frame_ % 10]) + " " + r.what + "  " + secs;
        if (!r.detail.empty()) text += "  " + r.detail;
        block += fit(text, columns_ > 2 ? columns_ - 2 : 78) + "\n";
        ++drawn_;
    }
    if (!block.empty()) ui_.out(block);
}

void LiveProgress::loop() {
    std::unique_lock<std::mutex> l(m_);
    while (!stop_) {
        cv_.wait_for(l, std::chrono::milliseconds(100));
        if (stop_) break;
        ++frame_;
        redraw_locked();
    }
}

}  // namespace dockerops::ops
