#include "daemon/delivery_loop.hpp"

#include "outbox/files.hpp"
#include "pipeline/delivery.hpp"
#include "util/file_lock.hpp"

#include <regex>
#include <spdlog/spdlog.h>

namespace pulse_daemon {

namespace {

using namespace std::chrono_literals;

// How often due events are looked for when nobody wakes us.
constexpr auto k_tick = 1s;
// How long to leave the API alone after it refused the key or the URL.
constexpr auto k_refused_pause = 30s;
// How often to look again when there is no API key (a reload wakes us).
constexpr auto k_no_key_pause = 60s;

} // namespace

std::string problem_kind(const std::string& problem) {
    // "Failed to connect to host port 443 after 21 ms", "Operation timed out
    // after 5001 milliseconds with 0 bytes received".
    static const std::regex elapsed(" after [0-9]+ (ms|milliseconds)");
    const auto tail = std::min(problem.find("; retrying in"), problem.find("; pausing "));
    return std::regex_replace(problem.substr(0, tail), elapsed, "");
}

DeliveryLoop::DeliveryLoop(std::filesystem::path outbox_path, pipeline::CourierOptions options,
                           const std::atomic<bool>& stop)
    : m_outbox_path(std::move(outbox_path)), m_stop(stop), m_options(std::move(options)) {}

DeliveryLoop::~DeliveryLoop() {
    if (m_thread.joinable()) {
        stop(std::chrono::hours(1));
    }
}

void DeliveryLoop::start() {
    m_thread = std::thread([this] { run(); });
}

void DeliveryLoop::wake() {
    {
        std::lock_guard lock(m_mutex);
        m_woken = true;
    }
    m_wake.notify_all();
}

void DeliveryLoop::reconfigure(pipeline::CourierOptions options) {
    {
        std::lock_guard lock(m_mutex);
        m_options = std::move(options);
        ++m_generation;
        m_woken = true;
    }
    m_wake.notify_all();
}

std::string DeliveryLoop::problem() const {
    std::lock_guard lock(m_mutex);
    return m_problem;
}

bool DeliveryLoop::stop(std::chrono::milliseconds patience) {
    std::unique_lock lock(m_mutex);
    m_stopping = true;
    m_wake.notify_all();
    const bool finished = m_wake.wait_for(lock, patience, [this] { return m_finished; });
    lock.unlock();
    if (finished) {
        m_thread.join();
    } else {
        m_thread.detach();
    }
    return finished;
}

void DeliveryLoop::run() {
    auto box = outbox::Outbox::open(m_outbox_path);
    if (!box) {
        spdlog::error("delivery stopped: {}", box.error().message);
    } else {
        Session session{std::move(*box), nullptr, 0};
        std::unique_lock lock(m_mutex);
        while (!m_stopping && !m_stop) {
            m_woken = false;
            lock.unlock();
            const auto pause = round(session, 0ms);
            lock.lock();
            m_wake.wait_for(lock, pause, [this] { return m_woken || m_stopping || m_stop; });
        }
    }
    std::lock_guard lock(m_mutex);
    m_finished = true;
    m_wake.notify_all();
}

void DeliveryLoop::deliver_due(std::chrono::milliseconds lock_wait) {
    auto box = outbox::Outbox::open(m_outbox_path);
    if (!box) {
        spdlog::error("delivering: {}", box.error().message);
        return;
    }
    Session session{std::move(*box), nullptr, 0};
    round(session, lock_wait);
}

DeliveryLoop::Clock::duration DeliveryLoop::round(Session& session,
                                                  std::chrono::milliseconds lock_wait) {
    pipeline::CourierOptions options;
    std::size_t generation = 0;
    {
        std::lock_guard lock(m_mutex);
        options = m_options;
        generation = m_generation;
    }
    if (auto pruned = pipeline::prune_now_and_then(session.box, options.retention_days); !pruned) {
        spdlog::warn("{}", pruned.error().message);
    }
    if (options.api_key.empty()) {
        set_problem("no API key configured: events stay queued until one is");
        return k_no_key_pause;
    }
    if (session.box.due(model::now(), 1).empty()) {
        return k_tick;
    }
    const auto lock = util::FileLock::acquire(outbox::delivery_lock_path(m_outbox_path), lock_wait);
    if (!lock) {
        return k_tick;
    }
    if (!session.courier || session.generation != generation) {
        session.courier = std::make_unique<pipeline::Courier>(session.box, options);
        session.generation = generation;
    }
    const auto report = session.courier->deliver(&m_stop);
    log_round(report);
    return report.stop == pipeline::Stop::configuration ? k_refused_pause : k_tick;
}

void DeliveryLoop::log_round(const pipeline::Report& report) {
    if (report.delivered > 0) {
        spdlog::info("delivered {} event{} ({} in flight at most now, round trip {} ms)",
                     report.delivered, report.delivered == 1 ? "" : "s", report.concurrency,
                     report.round_trip.count());
    }
    if (report.abandoned > 0) {
        spdlog::warn("stopped with {} request{} still in flight after delivery.stop_grace; "
                     "their events stay queued and are sent again",
                     report.abandoned, report.abandoned == 1 ? "" : "s");
    }
    if (report.rejected > 0) {
        spdlog::warn("the API rejected {} event{} for good; they are parked, see `pulse-agent "
                     "outbox`",
                     report.rejected, report.rejected == 1 ? "" : "s");
    }
    if (!report.problem.empty() || report.delivered > 0) {
        set_problem(report.problem);
    }
}

void DeliveryLoop::set_problem(const std::string& problem) {
    std::string previous;
    {
        std::lock_guard lock(m_mutex);
        previous = m_problem;
        m_problem = problem;
    }
    if (problem_kind(problem) == problem_kind(previous)) {
        return;
    }
    if (problem.empty()) {
        spdlog::info("delivery works again");
    } else if (previous.empty()) {
        spdlog::warn("delivery: {}", problem);
    } else {
        // Still the same outage: curl's wording varies from try to try
        // ("after 0 ms", "after 1 ms"), and one warning per outage is enough.
        spdlog::info("delivery still failing: {}", problem);
    }
}

} // namespace pulse_daemon
