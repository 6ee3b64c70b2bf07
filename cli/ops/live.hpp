#pragma once
// Live progress on a terminal while a plan is carried out, as compose v2 and
// BuildKit show it: one line per running action with a spinner, its elapsed
// time and its current build step, redrawn ten times a second below the
// result lines, each collapsing into its result line when it ends.
#include "cli/ops/ops.hpp"

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace dockerops::ops {

class LiveProgress {
public:
    explicit LiveProgress(Ui& ui);
    ~LiveProgress();   // stops the redraw and clears the running lines
    LiveProgress(const LiveProgress&) = delete;
    LiveProgress& operator=(const LiveProgress&) = delete;

    void started(const Action& a);
    void detail(const std::string& object, const std::string& text);   // the current build step of that image
    void waiting(int id, const std::string& state);                      // what that action waits for now
    void finished(int id);                  // its result line comes through line()
    void line(const std::string& text);   // any other line, above the running ones

private:
    struct Running {
        std::string what;     // "build shop/web:latest"
        std::string object;   // the image a build or pull makes, for detail()
        std::string detail;
        std::chrono::steady_clock::time_point since;
    };
    void loop();
    void redraw_locked();   // the caller holds m_
    void clear_locked();

    Ui& ui_;
    std::mutex m_;
    std::condition_variable cv_;
    std::map<int, Running> running_;
    std::size_t drawn_ = 0;   // running lines on screen now
    unsigned frame_ = 0;
    bool stop_ = false;
    std::size_t columns_ = 80;
    std::thread thread_;
};

}  // namespace dockerops::ops
