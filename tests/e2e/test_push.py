"""`pulse-agent push`: every event kind reaches a real HTTP server exactly as
the wire format specifies (path, query, headers, bodies byte for byte), with
the Go CLI's flags, and the command line behaves like the Go CLI's."""

import json
import os
from urllib.parse import parse_qs

import pytest

from agent_env import aimed_env, push_change
from conftest import API_KEY, outbox_rows, run

SHA_A = "3f2c1b9a8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a"
SHA_B = "9ab1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9"
OCT_16 = "1602848432"  # 2020-10-16T11:40:32Z


@pytest.fixture
def aimed(env, workdir, server):
    """The environment aimed at the test server, in a zone far from UTC so a
    local-time body would show."""
    aimed = aimed_env(env, workdir, server.url)
    aimed["TZ"] = "Asia/Kolkata"
    return aimed


def only_request(server):
    assert len(server.requests) == 1, [r.as_dict() for r in server.requests]
    return server.requests[0]


def agent_version(agent, env):
    result = run([agent, "version"], env)
    assert result.returncode == 0, result.stderr
    name, version = result.stdout.split()
    assert name == "pulse-agent"
    return version


def assert_sent_as_specified(request, agent, env, body):
    assert request.method == "POST"
    assert request.path == "/v1/ingestion/cli"
    assert request.query == {"api_key": API_KEY}
    assert request.headers["content-type"] == "application/json"
    assert request.headers["environment"] == "_unknown_"
    assert request.headers["cli-version"] == agent_version(agent, env)
    assert request.body_text == body


def test_change_is_sent_byte_for_byte(agent, aimed, server):
    result = push_change(agent, aimed, SHA_A, "--source", "git", timestamp=OCT_16)
    assert result.returncode == 0, result.stderr
    assert_sent_as_specified(
        only_request(server), agent, aimed,
        '{"source":"git","change_id":"%s","time_created":"2020-10-16T11:40:32Z",'
        '"event_type":"commit","$type":"change"}' % SHA_A)


def test_deployment_is_sent_byte_for_byte_with_its_changes(agent, aimed, server):
    result = run([agent, "push", "deployment", "--identifier", "v1.4.0", "--timestamp", OCT_16,
                  "--source", "git", SHA_A, SHA_B], aimed)
    assert result.returncode == 0, result.stderr
    assert_sent_as_specified(
        only_request(server), agent, aimed,
        '{"source":"git","deploy_id":"v1.4.0","time_created":"2020-10-16T11:40:32Z",'
        '"changes":["%s","%s"],"teams":[],"$type":"deployment"}' % (SHA_A, SHA_B))


def test_deployment_lists_teams_and_may_ship_no_change(agent, aimed, server):
    result = run([agent, "push", "deployment", "--identifier", "v2", "--timestamp", OCT_16,
                  "--teams", "web,api"], aimed)
    assert result.returncode == 0, result.stderr
    assert only_request(server).body_text == (
        '{"source":"cli","deploy_id":"v2","time_created":"2020-10-16T11:40:32Z",'
        '"changes":[],"teams":["web","api"],"$type":"deployment"}')


def test_incident_is_sent_byte_for_byte(agent, aimed, server):
    result = run([agent, "push", "incident", "--identifier", "INC-42",
                  "--timestampCreated", OCT_16, "--timestampResolved", "1602850200"], aimed)
    assert result.returncode == 0, result.stderr
    assert_sent_as_specified(
        only_request(server), agent, aimed,
        '{"source":"cli","incident_id":"INC-42","time_created":"2020-10-16T11:40:32Z",'
        '"time_resolved":"2020-10-16T12:10:00Z","$type":"incident"}')


def test_change_flags_of_the_go_cli_reach_the_body(agent, aimed, server):
    result = push_change(agent, aimed, "c1", "--source", "jenkins", "--event_type", "merge",
                         timestamp="2020-10-16T12:40:32+01:00")
    assert result.returncode == 0, result.stderr
    assert only_request(server).json == {
        "source": "jenkins", "change_id": "c1", "time_created": "2020-10-16T11:40:32Z",
        "event_type": "merge", "$type": "change"}


def test_system_and_key_are_url_encoded_in_the_query(agent, aimed, server):
    aimed["PULSE_API_KEY"] = "k+y/=&z %"
    result = push_change(agent, aimed, "c1", "--system", "shop floor/é&x=1")
    assert result.returncode == 0, result.stderr
    request = only_request(server)
    assert parse_qs(request.raw_query, strict_parsing=True) == {
        "api_key": ["k+y/=&z %"], "system": ["shop floor/é&x=1"]}
    assert " " not in request.raw_query and "é" not in request.raw_query


def test_system_is_omitted_when_empty(agent, aimed, server):
    assert push_change(agent, aimed, "c1", "--system", "").returncode == 0
    assert "system" not in only_request(server).query


def test_base_url_keeps_its_query_and_its_path(agent, aimed, server):
    aimed["PULSE_BASE_URL"] = server.url + "/some/prefix/?region=eu&tenant=7#frag"
    result = push_change(agent, aimed, "c1", "--system", "shop")
    assert result.returncode == 0, result.stderr
    request = only_request(server)
    assert request.path == "/some/prefix/v1/ingestion/cli"
    assert request.query == {"region": "eu", "tenant": "7", "api_key": API_KEY, "system": "shop"}


def test_environment_header_names_the_ci_system(agent, aimed, server):
    aimed["GITHUB_ACTIONS"] = "true"
    assert push_change(agent, aimed, "c1").returncode == 0
    assert only_request(server).headers["environment"] == "github-actions"


@pytest.mark.parametrize("flags", [
    ["-identifier", "x1", "-timestamp", OCT_16],
    ["--identifier=x1", "--timestamp=" + OCT_16],
    ["-identifier=x1", "-timestamp=" + OCT_16],
])
def test_go_style_flags_are_accepted(agent, aimed, server, flags):
    result = run([agent, "push", "change"] + flags, aimed)
    assert result.returncode == 0, result.stderr
    assert only_request(server).json["change_id"] == "x1"
    assert only_request(server).json["time_created"] == "2020-10-16T11:40:32Z"


def test_dry_run_prints_the_body_and_sends_nothing(agent, aimed, server, workdir):
    result = run([agent, "push", "incident", "--identifier", "INC-1", "--timestampCreated",
                  OCT_16, "--timestampResolved", "1602850200", "--dry-run"], aimed)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines == ['{"source":"cli","incident_id":"INC-1","time_created":'
                     '"2020-10-16T11:40:32Z","time_resolved":"2020-10-16T12:10:00Z",'
                     '"$type":"incident"}']
    assert server.requests == []
    assert not os.path.exists(aimed["PULSE_OUTBOX"])  # a dry run makes no outbox


def test_version_prints_name_and_version(agent, env):
    for command in (["version"], ["--version"]):
        result = run([agent] + command, env)
        assert result.returncode == 0
        assert result.stdout.startswith("pulse-agent ")
        assert result.stdout.split()[1][0].isdigit()


@pytest.mark.parametrize("command", [
    ["--help"], ["push", "--help"], ["push", "change", "--help"],
    ["push", "deployment", "-h"], ["push", "incident", "--help"], ["flush", "--help"],
    ["outbox", "--help"], ["outbox", "list", "--help"],
])
def test_help_shows_usage_and_examples(agent, env, command):
    result = run([agent] + command, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: pulse-agent")
    if command[0] != "--help":
        assert "Examples:" in result.stdout
    if command[0] in ("push", "flush"):
        assert "Exit codes:" in result.stdout and "PULSE_API_KEY" in result.stdout


@pytest.mark.parametrize("args, names", [
    (["push", "change", "--identifier", "x", "--timestamp", "1", "--bogus"], "--bogus"),
    (["push", "change", "--timestamp", "1"], "identifier"),
    (["push", "change", "--identifier", "x", "--timestamp", "yesterday"], "yesterday"),
    (["push", "incident", "--identifier", "x", "--timestamp", "1"], "timestamp"),
    (["push", "release", "--identifier", "x"], "release"),
    (["deliver"], "deliver"),
])
def test_wrong_usage_exits_2_with_a_clear_message(agent, aimed, server, args, names):
    result = run([agent] + args, aimed)
    assert result.returncode == 2, result.stderr
    first_line = result.stderr.splitlines()[0]
    assert first_line.startswith("pulse-agent: error: ") and names in first_line
    assert "--help" in result.stderr
    assert server.requests == []


def test_repeat_push_says_already_delivered_and_sends_nothing_twice(agent, aimed, server):
    offline = dict(aimed)
    del offline["PULSE_API_KEY"]
    first = push_change(agent, offline, "c1")
    assert first.returncode == 3, first.stderr
    assert "no API key configured" in first.stderr
    assert run([agent, "flush"], aimed).returncode == 0
    after_delivery = push_change(agent, aimed, "c1")
    assert after_delivery.returncode == 0, after_delivery.stderr
    assert "already delivered" in after_delivery.stderr
    assert [r.json["change_id"] for r in server.requests] == ["c1"]
    assert server.requests[0].json["time_created"] == "2020-10-16T11:40:32Z"


def test_same_id_in_another_system_or_type_is_a_new_event(agent, aimed, server):
    assert push_change(agent, aimed, "x").returncode == 0
    assert push_change(agent, aimed, "x", "--system", "other").returncode == 0
    result = run([agent, "push", "deployment", "--identifier", "x", "--timestamp", OCT_16], aimed)
    assert result.returncode == 0, result.stderr
    assert [(r.query.get("system"), r.json["$type"]) for r in server.requests] == [
        (None, "change"), ("other", "change"), (None, "deployment")]


def test_outbox_list_json_shows_the_exact_body(agent, aimed, server):
    assert push_change(agent, aimed, SHA_A, "--system", "shop").returncode == 0
    [row] = outbox_rows(agent, aimed)
    assert row["state"] == "delivered" and row["system"] == "shop"
    assert (row["type"], row["id"], row["attempts"], row["last_error"]) == (
        "change", SHA_A, 1, "")
    assert json.dumps(row["body"], separators=(",", ":")) == only_request(server).body_text
