#pragma once

#include "sender/transport.hpp"

#include <chrono>
#include <optional>
#include <vector>

namespace test_support {

// A transport whose far end is a function: each request started is answered
// by respond() the next time the courier waits, or never (nullopt) until it
// is abandoned. Each answer reports `took` as its round trip.
class ScriptedTransportBase : public sender::Transport {
public:
    void start(sender::Request request) override { m_started.push_back(std::move(request)); }

    std::vector<sender::Answer> wait(std::chrono::milliseconds) override {
        std::vector<sender::Answer> answers;
        auto started = std::move(m_started);
        m_started.clear();
        for (auto& request : started) {
            auto response = respond(request);
            if (!response) {
                m_silent.push_back(request.tag);
                continue;
            }
            answers.push_back({request.tag, std::move(*response), took});
        }
        return answers;
    }

    std::vector<std::uint64_t> abandon() override {
        auto tags = std::move(m_silent);
        m_silent.clear();
        for (const auto& request : m_started) {
            tags.push_back(request.tag);
        }
        m_started.clear();
        return tags;
    }

    std::chrono::steady_clock::duration took = std::chrono::milliseconds(1);

protected:
    // Return the answer to a request, or nullopt to never answer it.
    virtual std::optional<sender::HttpResponse> respond(const sender::Request& request) = 0;

private:
    std::vector<sender::Request> m_started;
    std::vector<std::uint64_t> m_silent;
};

} // namespace test_support
