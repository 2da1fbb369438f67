"""`pulse-agent watch` against real mirrors that real `git push`es change:
exactly the events docs/derivation.md describes reach a real HTTP
server, once each, for pushes, force-pushes, deleted branches, deleted and
re-created tags, and repositories that appear under a glob or go away."""

import math
import time

from conftest import git, run
from test_watch_support import (INTERVAL, bodies_by_id, commit, commits, make_clone, make_mirror,
                                mirror_and_clone, push, rev, rev_list, start_watching, status,
                                wait_until, watch_env)


def unix(rfc3339):
    import calendar
    return calendar.timegm(time.strptime(rfc3339, "%Y-%m-%dT%H:%M:%SZ"))


def wait_delivered(server, count, timeout=10.0):
    assert server.wait_for(count, timeout), "delivered %d of %d" % (len(server.delivered), count)
    time.sleep(3 * float(INTERVAL))  # and nothing more comes
    assert len(server.requests) == count, [r.json for r in server.requests]


def test_pushed_commits_and_tags_arrive_exactly_once(agent, env, workdir, server):
    mirror, clone = mirror_and_clone(workdir, pushed=2)
    baseline = rev(mirror, "main")
    watcher, _ = start_watching(agent, env, workdir, server.url, mirror)
    try:
        assert "first sight (system 'shop'): 1 ref recorded as the baseline" in watcher.log()
        start = time.time()
        commits(clone, 2)
        push(clone, "main")
        watcher.wait_for_log("queued 2 changes")
        git(clone, "tag", "-a", "-m", "release", "v1.0.0")
        commit(clone, "fix")
        git(clone, "tag", "v1.0.1")
        git(clone, "tag", "v1.1.0-rc1")
        push(clone, "main", "v1.0.0", "v1.0.1", "v1.1.0-rc1")
        wait_delivered(server, 2 + 1 + 2)
        end = time.time()
    finally:
        watcher.ensure_stopped()
    bodies = bodies_by_id(server)
    changes = {k for k, b in bodies.items() if b["$type"] == "change"}
    assert changes == rev_list(mirror, "main", "^" + baseline)
    assert set(bodies) - changes == {"v1.0.0", "v1.0.1"}
    assert set(bodies["v1.0.0"]["changes"]) == rev_list(mirror, "v1.0.0")
    assert set(bodies["v1.0.1"]["changes"]) == rev_list(mirror, "v1.0.1", "^v1.0.0")
    for key in changes | {"v1.0.1"}:  # first seen by the daemon
        assert math.floor(start) <= unix(bodies[key]["time_created"]) <= math.ceil(end)
    # An annotated tag is timed by its tagger, but never before what it ships.
    shipped = max(unix(bodies[c]["time_created"]) for c in bodies["v1.0.0"]["changes"]
                  if c in bodies)
    assert shipped <= unix(bodies["v1.0.0"]["time_created"]) <= math.ceil(end)
    for request in server.requests:
        assert request.query["system"] == "shop"
        assert request.headers["environment"] == "git-daemon"


def test_a_force_push_reports_the_rewrite_not_the_rewound(agent, env, workdir, server):
    mirror = make_mirror(workdir)
    clone = make_clone(workdir, mirror)
    first, _ = commits(clone, 2)
    push(clone, "main")
    watcher, _ = start_watching(agent, env, workdir, server.url, mirror)
    try:
        git(clone, "reset", "-q", "--hard", first)
        rewrite = commit(clone, "rewrite")
        push(clone, "--force", "main")
        wait_delivered(server, 1)
        assert set(bodies_by_id(server)) == {rewrite}
        # The rewound commit comes back: it was never reported, so now it is.
        git(clone, "reset", "-q", "--hard", "HEAD@{2}")
        git(clone, "merge", "-q", "-m", "merge", rewrite)
        push(clone, "--force", "main")
        wait_delivered(server, 3)
    finally:
        watcher.ensure_stopped()
    assert set(bodies_by_id(server)) == rev_list(mirror, "main", "^" + first)


def test_a_deleted_branch_reports_nothing_and_its_commits_are_not_reported_again(
        agent, env, workdir, server):
    mirror, clone = mirror_and_clone(workdir, pushed=1)
    watcher, _ = start_watching(agent, env, workdir, server.url, mirror)
    try:
        git(clone, "checkout", "-q", "-b", "feature")
        topic = commit(clone, "topic")
        push(clone, "feature")
        wait_delivered(server, 1)
        push(clone, ":feature")
        watcher.wait_for_log("refs/heads/feature deleted: queued 0 changes")
        push(clone, "feature:again")
        watcher.wait_for_log("refs/heads/again created: queued 0 changes")
        wait_delivered(server, 1)
    finally:
        watcher.ensure_stopped()
    assert set(bodies_by_id(server)) == {topic}


def test_a_deleted_and_recreated_tag_is_not_reported_again(agent, env, workdir, server):
    mirror, clone = mirror_and_clone(workdir, pushed=1)
    watcher, _ = start_watching(agent, env, workdir, server.url, mirror)
    try:
        git(clone, "tag", "v2.0.0")
        push(clone, "v2.0.0")
        wait_delivered(server, 1)
        push(clone, ":refs/tags/v2.0.0")
        watcher.wait_for_log("refs/tags/v2.0.0 deleted")
        moved = commit(clone, "moved")
        git(clone, "tag", "-f", "v2.0.0")
        push(clone, "main", "v2.0.0")
        watcher.wait_for_log("refs/tags/v2.0.0 created")
        wait_delivered(server, 2)
    finally:
        watcher.ensure_stopped()
    bodies = bodies_by_id(server)
    assert set(bodies) == {"v2.0.0", moved}
    assert bodies["v2.0.0"]["changes"] == [rev(mirror, "v2.0.0~1")]
    assert "1 already queued before" in watcher.log()


def test_repositories_appearing_under_a_glob_are_picked_up_and_gone_ones_dropped(
        agent, env, workdir, server):
    first = make_mirror(workdir, "first")
    watcher, aimed = start_watching(agent, env, workdir, server.url, workdir / "mirrors" / "**" / "*.git")
    try:
        # A mirror with history appears: its history is the baseline, not news.
        elsewhere = make_mirror(workdir, "second", folder="staging")
        clone = make_clone(workdir, elsewhere)
        commits(clone, 3)
        git(clone, "tag", "v1.0.0")
        push(clone, "main", "v1.0.0")
        (workdir / "mirrors" / "team").mkdir()
        elsewhere.rename(workdir / "mirrors" / "team" / "second.git")
        watcher.wait_for_log("new repository found under")
        watcher.wait_for_log("second.git: first sight (system 'second'): 2 refs")
        git(clone, "remote", "set-url", "origin",
            "file://" + str(workdir / "mirrors" / "team" / "second.git"))
        news = commit(clone, "news")
        push(clone, "main")
        wait_delivered(server, 1)
        assert server.delivered[0].query["system"] == "second"
        assert set(bodies_by_id(server)) == {news}
        (workdir / "mirrors" / "first.git").rename(workdir / "first.git.removed")
        watcher.wait_for_log(str(first) + ": no longer watched")
        repos = {r["path"]: r for r in status(agent, aimed)["repositories"]}
        assert repos[str(first)]["watched"] is False
        assert repos[str(workdir / "mirrors" / "team" / "second.git")]["watched"] is True
    finally:
        watcher.ensure_stopped()


def test_quiet_polls_and_refs_outside_branches_and_tags_log_nothing(agent, env, workdir,
                                                                    server):
    mirror, clone = mirror_and_clone(workdir, pushed=1)
    watcher, aimed = start_watching(agent, env, workdir, server.url, mirror)
    try:
        lines = len(watcher.log().splitlines())
        polled = status(agent, aimed)["repositories"][0]["last_poll"]
        assert wait_until(lambda: status(agent, aimed)["repositories"][0]["last_poll"] > polled,
                          timeout=5)
        review = commit(clone, "under review")
        push(clone, "HEAD:refs/changes/01/1/1", "HEAD:refs/pull/7/head")
        time.sleep(5 * float(INTERVAL))
        assert len(watcher.log().splitlines()) == lines
        push(clone, "main")  # reviewed and merged: now it is a change
        wait_delivered(server, 1)
    finally:
        watcher.ensure_stopped()
    assert set(bodies_by_id(server)) == {review}


def test_backfill_on_first_sight_reports_the_history_once(agent, env, workdir, server):
    mirror = make_mirror(workdir)
    clone = make_clone(workdir, mirror)
    commits(clone, 2)
    git(clone, "tag", "v1.0.0")
    commits(clone, 1, prefix="later")
    push(clone, "main", "v1.0.0")
    yaml = "watch:\n  backfill_on_first_sight: true\n"
    watcher, _ = start_watching(agent, env, workdir, server.url, mirror, watch_yaml=yaml)
    try:
        wait_delivered(server, 3 + 1)
        assert "backfill queued 3 changes, deployment v1.0.0" in watcher.log()
        watcher.stop()
        watcher.start()
        watcher.wait_for_log("info: watching ", count=2)
        wait_delivered(server, 3 + 1)
    finally:
        watcher.ensure_stopped()
    bodies = bodies_by_id(server)
    assert set(bodies) == rev_list(mirror, "main") | {"v1.0.0"}
    assert set(bodies["v1.0.0"]["changes"]) == rev_list(mirror, "v1.0.0")


def test_config_entries_and_git_config_choose_system_and_strategy(agent, env, workdir, server):
    shop = make_mirror(workdir, "shop")
    api = make_mirror(workdir, "api")
    git(api, "config", "pulse.system", "billing-api")
    yaml = ("repositories:\n  - path: %s\n    strategy: branch\n    deploy_branch: main\n"
            "  - path: %s\n" % (workdir / "mirrors" / "s*.git", api))
    watcher, _ = start_watching(agent, env, workdir, server.url, watch_yaml=yaml)
    try:
        assert "watching 2 repositories" in watcher.log()
        shop_clone = make_clone(workdir, shop, "shop-clone")
        api_clone = make_clone(workdir, api, "api-clone")
        shipped = commit(shop_clone, "shipped")
        push(shop_clone, "main")
        api_change = commit(api_clone, "api change")
        push(api_clone, "main")
        wait_delivered(server, 3)
    finally:
        watcher.ensure_stopped()
    seen = sorted((r.query["system"], r.json["$type"], r.json.get("change_id") or
                   r.json.get("deploy_id")) for r in server.delivered)
    assert seen == sorted([("shop", "change", shipped), ("shop", "deployment", shipped),
                           ("billing-api", "change", api_change)])
    deployment = [r.json for r in server.delivered if r.json["$type"] == "deployment"][0]
    assert deployment["changes"] == [shipped]


def test_a_tag_seen_after_its_changes_never_precedes_them(agent, env, workdir, server):
    # The commits are seen (and timed) by one poll; the tag, made long ago,
    # by a later one: its deployment is raised to the changes' time.
    mirror, clone = mirror_and_clone(workdir, pushed=1)
    watcher, _ = start_watching(agent, env, workdir, server.url, mirror)
    try:
        commits(clone, 2)
        git(clone, "tag", "-a", "-m", "old", "v0.3.0",
            env={"GIT_COMMITTER_DATE": "1600000000 +0000"})
        push(clone, "main")
        watcher.wait_for_log("queued 2 changes")
        push(clone, "v0.3.0")
        wait_delivered(server, 2 + 1)
    finally:
        watcher.ensure_stopped()
    bodies = bodies_by_id(server)
    changes = [bodies[c]["time_created"] for c in bodies["v0.3.0"]["changes"] if c in bodies]
    assert len(changes) == 2
    assert unix(bodies["v0.3.0"]["time_created"]) == max(unix(t) for t in changes)


def test_a_restart_after_many_releases_reports_nothing_again(agent, env, workdir, server):
    # Each `watch --once` is a new process, as after a restart: what it finds
    # must be compared with every ref the previous one stored (a stored
    # snapshot once lost refs, and a restart reported old releases as new).
    mirror = make_mirror(workdir)
    clone = make_clone(workdir, mirror)
    aimed = watch_env(env, workdir, server.url)
    args = [agent, "watch", "--once", "--repo", str(mirror)]
    assert run(args, aimed).returncode == 0  # first sight
    for round_ in range(3):
        made = commits(clone, 20, prefix="r%d-" % round_)
        for i, commit_id in enumerate(made):
            git(clone, "tag", "v%d.%d.0" % (round_ + 1, i), commit_id)
            git(clone, "branch", "topic-%d-%d" % (round_, i), commit_id)
        push(clone, "--all")
        push(clone, "--tags")
        polled = run(args, aimed)
        assert polled.returncode == 0, polled.stderr
    assert len(git(mirror, "for-each-ref", "refs/").splitlines()) == 121
    kinds = [r.json["$type"] for r in server.delivered]
    assert (kinds.count("change"), kinds.count("deployment")) == (60, 60)
    assert len(server.requests) == 120
    again = run(args, aimed)
    assert again.returncode == 0, again.stderr
    assert len(server.requests) == 120, [r.json for r in server.requests[120:]]
