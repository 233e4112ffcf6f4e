// The worker pool keeps as few workers awake as the work needs: queued jobs wake no more than
// the eager count, and a job that waited past WorkerPool::kStallNs while nothing finished wakes
// one more (a handler blocked on a model or a plugin must not hold up the queue). Jobs here are
// null exchanges run by a test function.
#include "net/WorkerPool.h"

#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace ha::net {

namespace {

using namespace std::chrono_literals;

// What the jobs do: warm-up jobs return at once; "pair" jobs each wait (bounded) until both are
// running, so they only finish together when the pool ran them side by side.
class Jobs {
public:
    void run() {
        std::unique_lock<std::mutex> lock(mutex_);
        ++running_;
        peak_ = std::max(peak_, running_);
        changed_.notify_all();
        if (pairing_) changed_.wait_for(lock, 200ms, [this] { return running_ >= 2; });
        --running_;
        ++finished_;
        changed_.notify_all();
    }

    // Each warm-up job runs alone: the next is submitted when the last one finished, so every
    // worker started by start() has found the queue empty and gone to sleep.
    void warmUp(WorkerPool& pool, int count) {
        for (int i = 0; i < count; ++i) {
            const int before = finishedCount();
            CPPUNIT_ASSERT(pool.submit(nullptr));
            waitFinished(before + 1);
        }
        std::lock_guard<std::mutex> lock(mutex_);
        peak_ = 0;
    }

    // Two jobs that wait for each other; returns how many ran at once at most. With `watch`, the
    // test plays the event loop's part: it calls wakeIfStalled() every 0.5 ms meanwhile.
    int pair(WorkerPool& pool, bool watch) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            pairing_ = true;
        }
        const int before = finishedCount();
        CPPUNIT_ASSERT(pool.submit(nullptr));
        CPPUNIT_ASSERT(pool.submit(nullptr));
        for (int i = 0; watch && i < 400 && finishedCount() < before + 2; ++i) {
            std::this_thread::sleep_for(500us);
            pool.wakeIfStalled();
        }
        waitFinished(before + 2);
        std::lock_guard<std::mutex> lock(mutex_);
        pairing_ = false;
        return peak_;
    }

private:
    int finishedCount() {
        std::lock_guard<std::mutex> lock(mutex_);
        return finished_;
    }
    void waitFinished(int count) {
        std::unique_lock<std::mutex> lock(mutex_);
        CPPUNIT_ASSERT(changed_.wait_for(lock, 5s, [&] { return finished_ >= count; }));
    }

    std::mutex mutex_;
    std::condition_variable changed_;
    int running_ = 0, peak_ = 0, finished_ = 0;
    bool pairing_ = false;
};

}  // namespace

class WorkerPoolTest : public CppUnit::TestFixture {
    CPPUNIT_TEST_SUITE(WorkerPoolTest);
    CPPUNIT_TEST(testQueuedJobWaitsForTheEagerWorker);
    CPPUNIT_TEST(testStalledJobWakesAnotherWorker);
    CPPUNIT_TEST(testTwoEagerWorkersRunSideBySide);
    CPPUNIT_TEST(testFullQueueRefused);
    CPPUNIT_TEST_SUITE_END();

    // How many of a pair of jobs ran at once on a pool of four workers, `eager` of them eager.
    static int pairPeak(size_t eager, bool watch) {
        Jobs jobs;
        WorkerPool pool(4, 16, eager, [&](const std::shared_ptr<Exchange>&) { jobs.run(); });
        pool.start();
        jobs.warmUp(pool, 8);
        const int peak = jobs.pair(pool, watch);
        pool.stop();
        return peak;
    }

public:
    void testQueuedJobWaitsForTheEagerWorker() {
        // Nobody calls wakeIfStalled(): the second job waits until the first gives up.
        CPPUNIT_ASSERT_EQUAL(1, pairPeak(1, false));
    }

    void testStalledJobWakesAnotherWorker() { CPPUNIT_ASSERT_EQUAL(2, pairPeak(1, true)); }

    void testTwoEagerWorkersRunSideBySide() { CPPUNIT_ASSERT_EQUAL(2, pairPeak(2, false)); }

    void testFullQueueRefused() {
        std::mutex gate;
        std::unique_lock<std::mutex> closed(gate);
        std::atomic<bool> started{false};
        WorkerPool pool(1, 2, 1, [&](const std::shared_ptr<Exchange>&) {
            started = true;
            std::lock_guard<std::mutex> wait(gate);
        });
        pool.start();
        CPPUNIT_ASSERT(pool.submit(nullptr));
        for (int i = 0; i < 5000 && !started; ++i) std::this_thread::sleep_for(1ms);
        CPPUNIT_ASSERT(started.load());  // the one worker is held at the gate
        CPPUNIT_ASSERT(pool.submit(nullptr));
        CPPUNIT_ASSERT(pool.submit(nullptr));
        CPPUNIT_ASSERT(!pool.submit(nullptr));  // max_queued reached: the loop answers 503
        closed.unlock();
        pool.stop();                            // the queued jobs still run
        CPPUNIT_ASSERT(!pool.submit(nullptr));  // stopped
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(WorkerPoolTest);

}  // namespace ha::net
