#include "sender/transport.hpp"

namespace sender {

HttpResponse post(Transport& transport, Request request, const std::atomic<bool>* stop) {
    using namespace std::chrono_literals;
    const auto tag = request.tag;
    transport.start(std::move(request));
    for (;;) {
        for (auto& answer : transport.wait(stop ? 200ms : 1000ms)) {
            if (answer.tag == tag) {
                return std::move(answer.response);
            }
        }
        if (stop && stop->load()) {
            transport.abandon();
            HttpResponse response;
            response.interrupted = true;
            response.error = "abandoned: asked to stop";
            return response;
        }
    }
}

} // namespace sender
