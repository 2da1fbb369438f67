"""`pulse-agent push` as a drop-in for pulse-event-cli 1.9.32: the command
lines of issue 12 run against the recording server, each request checked
against what the Go CLI sends for it (method, path, query, headers, body
bytes), written down here. Bodies are in UTC where the Go CLI writes local
time (the same instant, a documented difference)."""

import pytest

from conftest import API_KEY, git, run

SHA_A = "3f2c1b9a8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a"
SHA_B = "9ab1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9"
# 1602852032 = 2020-10-16T12:40:32Z
CHANGE_BODY = ('{"source":"cli","change_id":"c1","time_created":"2020-10-16T12:40:32Z",'
               '"event_type":"commit","$type":"change"}')
CI_VARIABLES = ("GITHUB_ACTIONS", "SEMAPHORE", "PROJECT_ID", "BUILD_ID", "COMMIT_SHA",
                "REVISION_ID", "BITBUCKET_BUILD_NUMBER")


@pytest.fixture
def go_env(env, workdir):
    """A CI job's environment: no pulse-agent configuration beyond an empty
    config file, the outbox where PULSE_OUTBOX says."""
    return dict(env)


def push(agent, env, server, *args):
    return run([agent, "push"] + list(args), env)


def only_request(server):
    assert len(server.requests) == 1, [r.as_dict() for r in server.requests]
    return server.requests[0]


def version_of(agent, env):
    return run([agent, "version"], env).stdout.split()[1]


def assert_go_request(request, agent, env, body, query=None, environment="_unknown_",
                      path="/v1/ingestion/cli"):
    assert request.method == "POST"
    assert request.path == path
    assert request.query == (query or {"api_key": API_KEY})
    assert request.headers["content-type"] == "application/json"
    assert request.headers["environment"] == environment
    assert request.headers["cli-version"] == version_of(agent, env)
    assert request.headers["user-agent"] == "pulse-agent/" + version_of(agent, env)
    assert request.body_text == body


def test_persistent_flags_before_the_event_type(agent, go_env, server):
    result = push(agent, go_env, server, "--api-key", API_KEY, "--base-url", server.url,
                  "change", "--identifier", "c1", "--timestamp", "1602852032")
    assert result.returncode == 0, result.stderr
    assert_go_request(only_request(server), agent, go_env, CHANGE_BODY)


def test_repeated_flags_last_wins_and_teams_append(agent, go_env, server):
    result = push(agent, go_env, server, "deployment", "--api-key", "old", "--api-key", API_KEY,
                  "--base-url", server.url, "--identifier", "x", "--identifier", "y",
                  "--timestamp", "1602852032", "--teams", "a", "--teams", "b", SHA_A)
    assert result.returncode == 0, result.stderr
    assert_go_request(
        only_request(server), agent, go_env,
        '{"source":"cli","deploy_id":"y","time_created":"2020-10-16T12:40:32Z",'
        '"changes":["%s"],"teams":["a","b"],"$type":"deployment"}' % SHA_A)


def test_a_stray_word_after_the_flags_is_ignored_with_a_warning(agent, go_env, server):
    result = push(agent, go_env, server, "change", "--api-key", API_KEY, "--base-url",
                  server.url, "--identifier", "c1", "--timestamp", "1602852032", "stray")
    assert result.returncode == 0, result.stderr
    assert "ignoring the extra argument 'stray'" in result.stderr
    assert_go_request(only_request(server), agent, go_env, CHANGE_BODY)


@pytest.mark.parametrize("teams, expected", [
    ("a, b", '["a"," b"]'),
    ("a,,b", '["a","","b"]'),
    ('"x,y",z', '["x,y","z"]'),
    ("", "[]"),
])
def test_teams_are_read_as_csv(agent, go_env, server, teams, expected):
    result = push(agent, go_env, server, "deployment", "--api-key", API_KEY, "--base-url",
                  server.url, "--identifier", "v1", "--timestamp", "1602852032", "--teams",
                  teams, SHA_A, SHA_B)
    assert result.returncode == 0, result.stderr
    assert_go_request(
        only_request(server), agent, go_env,
        '{"source":"cli","deploy_id":"v1","time_created":"2020-10-16T12:40:32Z",'
        '"changes":["%s","%s"],"teams":%s,"$type":"deployment"}' % (SHA_A, SHA_B, expected))


@pytest.mark.parametrize("timestamp", [
    "1602852032", "0x5F8994C0", "+1602852032", "1_602_852_032", "013742312300"])
def test_timestamps_as_go_reads_them(agent, go_env, server, timestamp):
    result = push(agent, go_env, server, "change", "--api-key", API_KEY, "--base-url",
                  server.url, "--identifier", "c1", "--timestamp", timestamp)
    assert result.returncode == 0, result.stderr
    assert_go_request(only_request(server), agent, go_env, CHANGE_BODY)


@pytest.mark.parametrize("timestamp, reason", [
    ("1602852032000", "looks like milliseconds (1602852032 would be 2020-10-16T12:40:32Z)"),
    ("99999999999999", "looks like milliseconds"),
    ("253402300800", "looks like milliseconds"),
    ("9223372036854775807", "looks like milliseconds"),
    ("-62167219201", "before the year 0"),
    ("-9223372036854775808", "before the year 0"),
    ("2024-02-31", "no such date"),
    ("2024-01-01T00:00:00+99:99", "no such zone offset"),
])
def test_impossible_timestamps_are_refused_and_nothing_is_sent(agent, go_env, server, timestamp,
                                                                reason):
    result = push(agent, go_env, server, "change", "--api-key", API_KEY, "--base-url",
                  server.url, "--identifier", "c1", "--timestamp", timestamp)
    assert result.returncode == 2
    assert reason in result.stderr
    assert server.requests == []


@pytest.mark.parametrize("variables, environment", [
    ({"GITHUB_ACTIONS": ""}, "github-actions"),
    ({"SEMAPHORE": "true"}, "semaphore"),
    ({"PROJECT_ID": "p", "BUILD_ID": "b", "COMMIT_SHA": "c", "REVISION_ID": "r"},
     "google-cloud-build"),
    ({"BITBUCKET_BUILD_NUMBER": "7"}, "_unknown_"),
])
def test_environment_header_as_the_go_cli_names_it(agent, go_env, server, variables,
                                                    environment):
    go_env.update(variables)
    result = push(agent, go_env, server, "change", "--api-key", API_KEY, "--base-url",
                  server.url, "--identifier", "c1", "--timestamp", "1602852032")
    assert result.returncode == 0, result.stderr
    assert_go_request(only_request(server), agent, go_env, CHANGE_BODY, environment=environment)


def test_base_url_path_is_kept_as_a_prefix(agent, go_env, server):
    result = push(agent, go_env, server, "change", "--api-key", API_KEY, "--base-url",
                  server.url + "/pulse-proxy/", "--identifier", "c1", "--timestamp",
                  "1602852032")
    assert result.returncode == 0, result.stderr
    assert_go_request(only_request(server), agent, go_env, CHANGE_BODY,
                      path="/pulse-proxy/v1/ingestion/cli")


def test_upper_case_http_proxy_is_honoured_outside_cgi(agent, go_env, server):
    go_env["HTTP_PROXY"] = server.url
    result = push(agent, go_env, server, "change", "--api-key", API_KEY, "--base-url",
                  "http://pulse.example.invalid", "--identifier", "c1", "--timestamp",
                  "1602852032")
    assert result.returncode == 0, result.stderr
    request = only_request(server)
    assert request.headers["host"] == "pulse.example.invalid"
    assert_go_request(request, agent, go_env, CHANGE_BODY)


def test_http_proxy_is_ignored_in_cgi_and_no_proxy_is_obeyed(agent, go_env, server):
    go_env["HTTP_PROXY"] = server.url
    go_env["REQUEST_METHOD"] = "GET"
    result = push(agent, go_env, server, "change", "--api-key", API_KEY, "--base-url",
                  "http://pulse.example.invalid", "--identifier", "c1", "--timestamp",
                  "1602852032")
    assert result.returncode == 3, result.stderr
    del go_env["REQUEST_METHOD"]
    go_env["NO_PROXY"] = ".example.invalid"
    result = push(agent, go_env, server, "change", "--api-key", API_KEY, "--base-url",
                  "http://pulse.example.invalid", "--identifier", "c2", "--timestamp",
                  "1602852032")
    assert result.returncode == 3, result.stderr
    assert server.requests == []


@pytest.fixture
def mono(workdir):
    """A repository: v1, then a commit in services/billing and one in web."""
    path = workdir / "mono"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    ids = []
    for when, name in ((1602800000, "README"), (1602810000, "services/billing/a.py"),
                       (1602820000, "web/b.js")):
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(name)
        git(path, "add", name)
        date = "%d +0000" % when
        git(path, "commit", "-q", "-m", name,
            env={"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date})
        ids.append(git(path, "rev-parse", "HEAD").strip())
    return path, ids


def change_body(sha, time):
    return ('{"source":"git","change_id":"%s","time_created":"%s","event_type":"commit",'
            '"$type":"change"}' % (sha, time))


def test_git_deployment_as_the_go_cli_sends_it(agent, go_env, server, mono, workdir):
    path, ids = mono
    result = run([agent, "push", "--api-key", API_KEY, "git", "deployment", "--base-url",
                  server.url, "--previous-deployment-ref", ids[0], "--identifier", "v2",
                  "--timestamp", "1602852032", "--source", "foo", "--teams", "a"], go_env,
                 cwd=str(workdir))
    assert result.returncode == 1  # no repository in workdir: --directory defaults to "."
    result = run([agent, "push", "git", "deployment", "--api-key", API_KEY, "--base-url",
                  server.url, "--previous-deployment-ref", ids[0], "--identifier", "v2",
                  "--timestamp", "1602852032", "--source", "foo", "--teams", "a",
                  "--directory", str(path)], go_env, cwd=str(workdir))
    assert result.returncode == 0, result.stderr
    bodies = [r.body_text for r in server.requests]
    assert bodies == [
        change_body(ids[2], "2020-10-16T03:46:40Z"),
        change_body(ids[1], "2020-10-16T01:00:00Z"),
        '{"source":"git","deploy_id":"v2","time_created":"2020-10-16T12:40:32Z",'
        '"changes":["%s","%s"],"teams":["a"],"$type":"deployment"}' % (ids[2], ids[1]),
    ]
    for request, body in zip(server.requests, bodies):
        assert_go_request(request, agent, go_env, body)


def test_git_deployment_paths_are_relative_to_directory(agent, go_env, server, mono, workdir):
    path, ids = mono
    result = run([agent, "push", "git", "deployment", "--api-key", API_KEY, "--base-url",
                  server.url, "--previous-deployment-ref", ids[0], "--identifier", "v2",
                  "--timestamp", "1602852032", "--directory", str(path), "services/billing"],
                 go_env, cwd=str(workdir))
    assert result.returncode == 0, result.stderr
    bodies = [r.body_text for r in server.requests]
    assert bodies == [
        change_body(ids[1], "2020-10-16T01:00:00Z"),
        '{"source":"git","deploy_id":"v2","time_created":"2020-10-16T12:40:32Z",'
        '"changes":["%s"],"teams":[],"$type":"deployment"}' % ids[1],
    ]
