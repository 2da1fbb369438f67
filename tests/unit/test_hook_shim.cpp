#include "hook/shim.hpp"

#include <doctest/doctest.h>

TEST_SUITE("hook::shim") {
    TEST_CASE("a shim reads back as what it was written from") {
        for (const bool chained : {false, true}) {
            for (const auto kind : {hook::HookKind::post_receive, hook::HookKind::pre_push}) {
                const hook::Shim shim{kind, "/opt/it's here/pulse-agent", chained, 2};
                const auto read = hook::read_shim(hook::shim_text(shim));
                REQUIRE(read.has_value());
                CHECK(read->kind == kind);
                CHECK(read->agent == shim.agent);
                CHECK(read->chained == chained);
                CHECK(read->created_folders == 2);
            }
        }
    }

    TEST_CASE("it runs the agent by absolute path, quoted for sh") {
        const auto text = hook::shim_text({hook::HookKind::pre_push, "/usr/bin/pulse-agent"});
        CHECK(text.starts_with("#!/bin/sh\n"));
        CHECK(text.find("agent='/usr/bin/pulse-agent'\n") != std::string::npos);
        CHECK(text.find("exec \"$agent\" hook pre-push \"$@\"\n") != std::string::npos);
        CHECK(text.find("PATH") == std::string::npos);
        const auto quoted = hook::shim_text({hook::HookKind::pre_push, "/a'b"});
        CHECK(quoted.find("agent='/a'\\''b'\n") != std::string::npos);
    }

    TEST_CASE("a chained shim runs the kept hook beside it") {
        const auto text = hook::shim_text({hook::HookKind::post_receive, "/bin/pa", true});
        CHECK(text.find("chained=\"$here/post-receive.pulse-chained\"") != std::string::npos);
        CHECK(text.find("--chain \"$chained\" \"$@\"") != std::string::npos);
    }

    TEST_CASE("other scripts are not ours") {
        CHECK_FALSE(hook::read_shim("#!/bin/sh\nexit 0\n").has_value());
        CHECK_FALSE(
            hook::read_shim("#!/usr/bin/env bash\n# pulse-agent-shim: post-receive\n").has_value());
        CHECK_FALSE(hook::read_shim("#!/bin/sh\n# pulse-agent-shim: update\n").has_value());
        CHECK_FALSE(hook::read_shim("").has_value());
    }

    TEST_CASE("hook names") {
        CHECK(hook::parse_hook_name("post-receive") == hook::HookKind::post_receive);
        CHECK(hook::parse_hook_name("pre-push") == hook::HookKind::pre_push);
        CHECK_FALSE(hook::parse_hook_name("pre-receive").has_value());
        CHECK(hook::hook_name(hook::HookKind::pre_push) == "pre-push");
    }
}
