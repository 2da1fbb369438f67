#include "daemon/daemon.hpp"

#include "daemon/mirror_fetch.hpp"
#include "pipeline/delivery.hpp"
#include "pipeline/recorded_pushes.hpp"
#include "pipeline/spool_intake.hpp"
#include "spool/spool.hpp"
#include "util/repository_glob.hpp"

#include <cstdlib>
#include <spdlog/spdlog.h>

namespace pulse_daemon {

namespace {

using namespace std::chrono_literals;

// How long a stopping daemon waits, beyond delivery.stop_grace, for the
// delivery thread to record the last answers and end.
constexpr auto k_stop_margin = 3s;
// How often the queue is counted for the status line when nothing was queued.
constexpr auto k_count_every = 10s;

const char* getenv_for_settings(const char* name) {
    return std::getenv(name);
}

std::string repositories(std::size_t n) {
    return std::to_string(n) + (n == 1 ? " repository" : " repositories");
}

// Return the spool folder to watch, made first when it is the single-user
// layout's own (a server's comes with the package).
std::filesystem::path prepared_spool(const config::Settings& settings) {
    if (pipeline::spool_is_private(settings)) {
        if (auto made = spool::create_private_folder(settings.spool); !made) {
            spdlog::warn("{}", made.error().message);
        }
    }
    return settings.spool;
}

} // namespace

Daemon::Daemon(WatchOptions options, WatchPlan plan, Signals& signals)
    : m_options(std::move(options)), m_plan(std::move(plan)), m_signals(signals),
      m_box(model::value_or_throw(outbox::Outbox::open(m_plan.settings.outbox))),
      m_metrics(std::make_shared<DaemonMetrics>(model::now())),
      m_delivery(m_plan.settings.outbox, observed_courier_options(), signals.stop_flag()),
      m_metrics_server(m_plan.settings.outbox, m_metrics),
      m_spool_watcher(prepared_spool(m_plan.settings), signals) {}

void Daemon::run() {
    m_delivery.start();
    m_metrics_server.configure(m_plan.settings.file);
    if (!m_spool_watcher.problem().empty()) {
        spdlog::warn("pushes that hooks spool are taken at each poll, not at once: {}",
                     m_spool_watcher.problem());
    }
    m_notifier.ready(status_line());
    while (!m_signals.stop_requested()) {
        const auto started = Clock::now();
        try {
            cycle();
            note_problem("poll cycle", "");
        } catch (const std::exception& e) {
            note_problem("poll cycle", e.what());
        }
        wait_for_next_cycle(started + m_plan.interval);
    }
    shut_down();
}

bool Daemon::run_once() {
    const auto failed = cycle();
    if (!m_signals.stop_requested()) {
        m_delivery.deliver_due(pipeline::delivery_lock_patience(m_plan.settings));
    }
    m_metrics_server.configure(m_plan.settings.file, false);
    m_metrics_server.write_textfile();
    return failed == 0;
}

std::size_t Daemon::cycle() {
    const auto started = Clock::now();
    std::size_t failed = update_watches();
    // Spooled pushes first: a poll that saw their commits first would time
    // them at the poll, not at the push.
    std::size_t queued = derive_recorded_pushes();
    std::vector<outbox::PollMark> marks;
    marks.reserve(m_watches.size());
    for (auto& [path, watch] : m_watches) {
        if (m_signals.stop_requested()) {
            break;
        }
        m_notifier.keep_alive();
        if (auto mark = poll(watch, queued)) {
            failed += mark->error.empty() ? 0 : 1;
            marks.push_back(std::move(*mark));
        }
    }
    if (queued > 0) {
        m_delivery.wake();
    }
    record_polls(marks);
    if (m_first_cycle) {
        spdlog::info("watching {}", repositories(m_watches.size()));
        m_first_cycle = false;
    }
    if (queued > 0 || Clock::now() - m_counted_at >= k_count_every) {
        m_queue_depth = m_box.counts(model::now()).queued;
        m_counted_at = Clock::now();
    }
    m_notifier.status(status_line());
    m_metrics->cycle_done(std::chrono::duration<double>(Clock::now() - started).count(),
                          model::now());
    m_metrics_server.write_textfile();
    return failed;
}

std::size_t Daemon::derive_recorded_pushes() {
    const auto report =
        pipeline::derive_recorded_pushes(m_plan.settings, m_box, std::chrono::milliseconds(0));
    m_metrics->pushes_done(report.taken, report.pushes, report.failed);
    for (const auto& line : report.lines) {
        spdlog::info("recorded push: {}", line);
    }
    for (const auto& problem : report.problems) {
        spdlog::error("recorded push: {}", problem);
    }
    return report.changes + report.deployments;
}

std::optional<outbox::PollMark> Daemon::poll(RepositoryWatch& watch, std::size_t& queued) {
    const auto& path = watch.path().string();
    std::string fetch_problem;
    if (m_plan.fetch) {
        auto fetched = fetch_mirror(watch.path(), m_plan.fetch_timeout, m_signals.stop_flag(),
                                    [this] { m_notifier.keep_alive(); });
        if (m_signals.stop_requested()) {
            return std::nullopt;
        }
        if (!fetched) {
            fetch_problem = "fetching: " + fetched.error().message;
        }
    }
    note_problem(path + " (fetch)", fetch_problem);
    PollContext context{m_box, m_plan.settings};
    const auto started = Clock::now();
    const auto result = watch.poll(context);
    spdlog::debug("{}: polled in {:.3f} s, {} event{} queued", path,
                  std::chrono::duration<double>(Clock::now() - started).count(), result.queued,
                  result.queued == 1 ? "" : "s");
    note_problem(path, result.error);
    queued += result.queued;
    const auto& error = result.error.empty() ? fetch_problem : result.error;
    return outbox::PollMark{path, model::now(), error};
}

std::size_t Daemon::update_watches() {
    std::map<std::string, const config::Repository*> found;
    std::size_t failed = 0;
    for (const auto& entry : m_plan.repositories) {
        auto expansion = util::expand_pattern(entry.path);
        std::string problems;
        for (const auto& problem : expansion.problems) {
            problems += (problems.empty() ? "" : "; ") + problem;
        }
        failed += problems.empty() ? 0 : 1;
        note_problem("repository path '" + entry.path + "'", problems);
        for (const auto& path : expansion.repositories) {
            found.try_emplace(path.string(), &entry);
        }
    }
    std::vector<std::string> gone;
    for (auto it = m_watches.begin(); it != m_watches.end();) {
        if (found.contains(it->first)) {
            ++it;
            continue;
        }
        spdlog::info("{}: no longer watched: it is gone from the configured paths", it->first);
        gone.push_back(it->first);
        note_problem(it->first, "");
        note_problem(it->first + " (fetch)", "");
        it = m_watches.erase(it);
    }
    if (!gone.empty()) {
        m_box.repositories().mark_gone(gone);
    }
    for (const auto& [path, entry] : found) {
        auto [it, added] = m_watches.try_emplace(path, path);
        if (added && !m_first_cycle) {
            spdlog::info("{}: new repository found under '{}'", path, entry->path);
        } else if (!added && m_settings_changed) {
            it->second.forget_settings();
        }
    }
    m_settings_changed = false;
    return failed;
}

void Daemon::record_polls(const std::vector<outbox::PollMark>& marks) {
    try {
        m_box.record_polls(marks);
        note_problem("state file", "");
    } catch (const model::Failure& e) {
        note_problem("state file", e.what());
    }
}

void Daemon::take_spool() {
    try {
        if (derive_recorded_pushes() > 0) {
            m_delivery.wake();
        }
        note_problem("spool", "");
    } catch (const std::exception& e) {
        note_problem("spool", e.what());
    }
}

void Daemon::wait_for_next_cycle(Clock::time_point next) {
    while (!m_signals.stop_requested() && Clock::now() < next) {
        m_notifier.keep_alive();
        m_signals.wait_until(std::min(next, m_notifier.next_keep_alive()));
        if (m_signals.take_reload()) {
            reload();
        }
        if (m_signals.take_nudge()) {
            take_spool();
        }
    }
}

void Daemon::reload() {
    m_notifier.reloading();
    auto plan = make_plan(m_options, getenv_for_settings);
    if (!plan) {
        spdlog::error("reloading the config failed, keeping the one in use: {}",
                      plan.error().message);
        m_notifier.ready(status_line());
        return;
    }
    if (plan->settings.outbox != m_plan.settings.outbox) {
        spdlog::warn("the state file changes only on a restart; still using '{}'",
                     m_plan.settings.outbox.string());
        plan->settings.outbox = m_plan.settings.outbox;
    }
    m_plan = std::move(*plan);
    m_settings_changed = true;
    m_delivery.reconfigure(observed_courier_options());
    m_metrics_server.configure(m_plan.settings.file);
    spdlog::info("reloaded: {}", describe_plan(m_plan));
    m_notifier.ready(status_line());
}

void Daemon::note_problem(const std::string& where, const std::string& problem) {
    const auto known = m_problems.find(where);
    if (problem.empty()) {
        if (known != m_problems.end()) {
            spdlog::info("{}: works again", where);
            m_problems.erase(known);
            if (m_problems.empty()) {
                m_last_problem.clear();
            }
        }
        return;
    }
    if (known == m_problems.end() || known->second != problem) {
        spdlog::error("{}: {}", where, problem);
        m_problems[where] = problem;
        m_last_problem = where + ": " + problem;
    }
}

std::string Daemon::status_line() {
    std::string text = "watching " + repositories(m_watches.size()) + ", " +
                       std::to_string(m_queue_depth) + " queued";
    const auto error = m_last_problem.empty() ? m_delivery.problem() : m_last_problem;
    if (!error.empty()) {
        text += "; last error: " + error;
    }
    return text;
}

pipeline::CourierOptions Daemon::observed_courier_options() const {
    auto options = pipeline::courier_options(m_plan.settings);
    options.observe = [metrics = m_metrics](const pipeline::DeliverySample& sample) {
        metrics->observe(sample, model::now());
        spdlog::debug("delivery: {} in {:.3f} s",
                      sample.status == 0 ? std::string("no answer")
                                         : "HTTP " + std::to_string(sample.status),
                      sample.seconds);
    };
    return options;
}

void Daemon::shut_down() {
    m_notifier.stopping();
    const auto signal = m_signals.stop_signal();
    spdlog::info("stopping{}", signal.empty() ? "" : " on " + signal);
    const auto patience =
        std::chrono::seconds(m_plan.settings.file.delivery.stop_grace) + k_stop_margin;
    if (!m_delivery.stop(std::chrono::duration_cast<std::chrono::milliseconds>(patience))) {
        spdlog::warn("abandoning the requests in flight; their events stay queued and are sent "
                     "again after the restart");
        spdlog::shutdown();
        std::_Exit(EXIT_SUCCESS);
    }
    spdlog::info("stopped");
}

} // namespace pulse_daemon
