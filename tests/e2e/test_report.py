"""`pulse-agent report`: the four keys worked out by the real binary from
repositories the test builds with real git at known times, both straight
from the repositories (--repo) and from the outbox after a backfill, and the
HTML page opened in a headless Chromium with no network."""

import json
import os
import shutil
import struct
import subprocess
import zlib

import pytest

from conftest import git, run

BASE = 1704067200  # 2024-01-01T00:00:00Z
HOUR = 3600
DAY = 86400
WINDOW = ["--since", "2024-01-01", "--until", "2024-01-11"]  # ten days, the 11th excluded
CHROMIUM = "/usr/bin/chromium"


class Repo:
    """A repository built with the real git, each commit and tag at a given time."""

    def __init__(self, path):
        self.path = path
        path.mkdir(parents=True)
        git(path, "init", "-q", "-b", "main")

    @staticmethod
    def _at(time):
        stamp = "%d +0000" % time
        return {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}

    def commit(self, message, time):
        git(self.path, "commit", "-q", "--allow-empty", "-m", message, env=self._at(time))

    def tag(self, name, time):
        git(self.path, "tag", "-a", "-m", name, name, env=self._at(time))


@pytest.fixture
def repos(workdir):
    """repos/shop: v1.0.0 at +2 h ships a change of +1 h; v1.1.0 at +2 d
    ships changes of +1 d and +1 d 6 h; v1.2.0 at +10 d (the window's end,
    excluded) ships one of +5 d. repos/web: v0.1.0 at +3 d ships one of +3 d - 30 min."""
    shop = Repo(workdir / "repos" / "shop")
    shop.commit("c1", BASE + HOUR)
    shop.tag("v1.0.0", BASE + 2 * HOUR)
    shop.commit("c2", BASE + DAY)
    shop.commit("c3", BASE + DAY + 6 * HOUR)
    shop.tag("v1.1.0", BASE + 2 * DAY)
    shop.commit("c4", BASE + 5 * DAY)
    shop.tag("v1.2.0", BASE + 10 * DAY)
    web = Repo(workdir / "repos" / "web")
    web.commit("w1", BASE + 3 * DAY - 1800)
    web.tag("v0.1.0", BASE + 3 * DAY)
    return workdir / "repos"


# Lead times of shop in the window: 1 h, 18 h, 1 d.
SHOP_FREQUENCY = {"deployments": 2, "per_day": 0.2, "per_week": 1.4, "band": "high"}
SHOP_LEAD_TIME = {"changes": 3, "changes_without_event": 0, "median_seconds": 64800.0,
                  "p25_seconds": 34200.0, "p75_seconds": 75600.0, "p90_seconds": 82080.0,
                  "band": "high"}


def report(agent, env, *args):
    result = run([agent, "report"] + list(args), env)
    assert result.returncode == 0, result.stderr
    return result


def report_json(agent, env, *args):
    return json.loads(report(agent, env, "--json", *args).stdout)


def system(doc, name):
    found = [s for s in doc["systems"] if s["system"] == name]
    assert len(found) == 1, doc["systems"]
    return found[0]


def assert_figures(actual, expected):
    for field, value in expected.items():
        if isinstance(value, float):
            assert actual[field] == pytest.approx(value), field
        else:
            assert actual[field] == value, field


def backfill_with_incidents(agent, env, repos):
    """Backfill both repositories into the outbox, then push shop's incidents:
    one 30 min after the window opens (before any deployment) lasting 1 h, one
    at +3 d lasting 2 h (charged to v1.1.0) and one after the window."""
    for name in ("shop", "web"):
        result = run([agent, "backfill", "--repo", str(repos / name)], env)
        assert result.returncode in (0, 3), result.stderr
    for incident, created, resolved in [("INC-0", BASE + 1800, BASE + 5400),
                                        ("INC-1", BASE + 3 * DAY, BASE + 3 * DAY + 2 * HOUR),
                                        ("INC-2", BASE + 20 * DAY, BASE + 21 * DAY)]:
        result = run([agent, "push", "incident", "--system", "shop", "--identifier", incident,
                      "--timestampCreated", str(created), "--timestampResolved", str(resolved)],
                     env)
        assert result.returncode in (0, 3), result.stderr


def test_repo_figures_exact(agent, env, repos):
    doc = report_json(agent, env, "--repo", str(repos / "shop"), *WINDOW)
    assert doc["window"] == {"since": "2024-01-01T00:00:00Z", "until": "2024-01-11T00:00:00Z",
                             "days": 10.0}
    assert doc["bands"] == {"source": "Accelerate State of DevOps report", "year": 2021}
    shop = system(doc, "shop")
    assert_figures(shop["deployment_frequency"], SHOP_FREQUENCY)
    assert_figures(shop["lead_time"], SHOP_LEAD_TIME)
    assert shop["change_failure_rate"] == {
        "deployments": 2, "failed_deployments": 0, "incidents": 0,
        "incidents_charged_to_none": 0, "incidents_charged_before_window": 0,
        "rate": None, "band": None}
    assert shop["time_to_restore"]["incidents"] == 0
    assert shop["time_to_restore"]["mean_seconds"] is None
    assert [d["deploy_id"] for d in shop["slowest_deployments"]] == ["v1.1.0", "v1.0.0"]
    assert shop["slowest_deployments"][0]["median_lead_time_seconds"] == pytest.approx(75600)
    assert shop["slowest_deployments"][0]["time_created"] == "2024-01-03T00:00:00Z"
    assert not os.path.exists(env["PULSE_OUTBOX"]), "--repo must write no outbox"


def test_outbox_after_backfill_same_figures_and_incidents(agent, env, repos):
    from_repo = system(report_json(agent, env, "--repo", str(repos / "shop"), *WINDOW), "shop")
    backfill_with_incidents(agent, env, repos)
    doc = report_json(agent, env, *WINDOW)
    shop = system(doc, "shop")
    assert shop["deployment_frequency"] == from_repo["deployment_frequency"]
    assert shop["lead_time"] == from_repo["lead_time"]
    # The same deployments, now with the incident charged to v1.1.0.
    assert [dict(d, incidents=0) for d in shop["slowest_deployments"]] == \
        from_repo["slowest_deployments"]
    assert [d["incidents"] for d in shop["slowest_deployments"]] == [1, 0]
    assert shop["change_failure_rate"] == {
        "deployments": 2, "failed_deployments": 1, "incidents": 2,
        "incidents_charged_to_none": 1, "incidents_charged_before_window": 0,
        "rate": 0.5, "band": "low"}
    assert_figures(shop["time_to_restore"], {
        "incidents": 2, "incidents_resolved_before_created": 0, "mean_seconds": 5400.0,
        "median_seconds": 5400.0, "band": "high"})
    total = doc["total"]
    assert total["system"] is None
    assert_figures(total["deployment_frequency"], {"deployments": 3, "per_day": 0.3})
    assert_figures(total["lead_time"], {"changes": 4, "median_seconds": 34200.0})
    assert_figures(total["change_failure_rate"], {"failed_deployments": 1, "rate": 1 / 3})


def test_system_filter_and_globs(agent, env, repos):
    both = report_json(agent, env, "--repo", str(repos / "*"), *WINDOW)
    assert [s["system"] for s in both["systems"]] == ["shop", "web"]
    assert_figures(system(both, "web")["lead_time"], {"changes": 1, "median_seconds": 1800.0,
                                                       "band": "elite"})
    only_web = report_json(agent, env, "--repo", str(repos / "*"), "--system", "web", *WINDOW)
    assert [s["system"] for s in only_web["systems"]] == ["web"]
    assert only_web["total"]["deployment_frequency"]["deployments"] == 1
    backfill_with_incidents(agent, env, repos)
    from_outbox = report_json(agent, env, "--system", "web", "--system", "absent", *WINDOW)
    assert [s["system"] for s in from_outbox["systems"]] == ["absent", "web"]
    assert from_outbox["total"]["change_failure_rate"]["incidents"] == 0


def test_window_edges(agent, env, repos):
    # From the day after the start: v1.0.0 (+2 h) is out, v1.1.0 (+2 d) in.
    later = report_json(agent, env, "--repo", str(repos / "shop"), "--since", "2024-01-02",
                        "--until", "2024-01-11")
    shop = system(later, "shop")
    assert shop["deployment_frequency"]["deployments"] == 1
    assert_figures(shop["lead_time"], {"changes": 2, "median_seconds": 75600.0})
    # --until is excluded: ending at v1.2.0's very second leaves it out; one second later, in.
    until_tag = report_json(agent, env, "--repo", str(repos / "shop"), "--since", "2024-01-01",
                            "--until", "2024-01-11T00:00:00Z")
    assert system(until_tag, "shop")["deployment_frequency"]["deployments"] == 2
    past_tag = report_json(agent, env, "--repo", str(repos / "shop"), "--since", "2024-01-01",
                           "--until", "2024-01-11T00:00:01Z")
    assert system(past_tag, "shop")["deployment_frequency"]["deployments"] == 3
    # --since is included: starting at v1.0.0's very second keeps it.
    at_tag = report_json(agent, env, "--repo", str(repos / "shop"), "--since",
                         str(BASE + 2 * HOUR), "--until", "2024-01-11")
    assert system(at_tag, "shop")["deployment_frequency"]["deployments"] == 2


def test_terminal_tables(agent, env, repos):
    backfill_with_incidents(agent, env, repos)
    text = report(agent, env, *WINDOW).stdout
    lines = text.splitlines()
    assert lines[0] == "The four keys from 2024-01-01 to 2024-01-11 (excluded), 10.0 days"
    assert lines[1] == "Bands: Accelerate State of DevOps report 2021"
    assert all(len(line) <= 80 for line in lines), text
    shop = text[text.index("\nshop\n"):text.index("\nweb\n")]
    assert "deployment frequency  0.20 a day, 1.4 a week" in shop
    assert "high    2 deployments" in shop
    assert "lead time, median     18.0 h" in shop
    assert "p25 / p75 / p90     9.5 h / 21.0 h / 22.8 h" in shop
    assert "change failure rate   50.0%" in shop and "1 of 2 deployments" in shop
    assert "charged to none     1 incident before any deployment" in shop
    assert "time to restore       mean 1.5 h, median 1.5 h" in shop
    web = text[text.index("\nweb\n"):text.index("\nall systems\n")]
    assert "change failure rate   no incidents recorded" in web
    assert "time to restore       no incidents recorded" in web
    assert "0.0%" not in web


def test_usage_errors(agent, env, repos):
    result = run([agent, "report", "--since", "2024-02-01", "--until", "2024-01-01"], env)
    assert result.returncode == 2 and "--since must come before --until" in result.stderr
    result = run([agent, "report", "--since", "yesterday"], env)
    assert result.returncode == 2 and "--since 'yesterday'" in result.stderr
    result = run([agent, "report"], env)
    assert result.returncode == 1 and "no outbox at" in result.stderr
    assert not os.path.exists(env["PULSE_OUTBOX"]), "report must not create an outbox"


def test_help_teaches_keys_and_bands(agent, env):
    text = run([agent, "report", "--help"], env).stdout
    for phrase in ["deployment frequency", "lead time for changes", "change failure rate",
                   "time to restore", "2021 Accelerate", "no incidents recorded", "Examples:",
                   "--since", "--html"]:
        assert phrase in text, phrase
    assert "../shared" not in text
    assert "report" in run([agent, "--help"], env).stdout


def png_pixels(path):
    """Decode an 8-bit RGB or RGBA PNG (what Chromium writes) into rows of
    (r, g, b) tuples, with zlib alone."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", chunk[:10])
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    assert depth == 8 and color in (2, 6), (depth, color)
    channels = 3 if color == 2 else 4
    raw, stride = zlib.decompress(idat), width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc
                                      else corner)) & 255
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, channels)])
        previous = line
    return rows


def open_in_chromium(page, workdir, name):
    """Open a page in headless Chromium with no network (its own network
    namespace, and every host unresolvable); return (stderr, page requests, screenshot)."""
    assert os.access(CHROMIUM, os.X_OK), (
        "%s is missing: scripts/install-deps installs the chromium package" % CHROMIUM)
    assert shutil.which("unshare"), "unshare (util-linux) is missing"
    shot, netlog = workdir / (name + ".png"), workdir / (name + "-net.json")
    command = ["unshare", "-n", CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync",
               "--user-data-dir=%s" % (workdir / (name + "-profile")),
               "--proxy-server=127.0.0.1:1", "--host-resolver-rules=MAP * ~NOTFOUND",
               "--enable-logging=stderr", "--v=0", "--log-net-log=%s" % netlog,
               "--screenshot=%s" % shot, "--window-size=1280,900", page.as_uri()]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    log = json.loads(netlog.read_text())
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    # The browser's own background requests have no origin; a page's have one.
    requests = [e["params"]["url"] for e in log["events"]
                if e["type"] == start and "url" in e.get("params", {})
                and e["params"].get("initiator") != "not an origin"]
    return result.stderr, requests, png_pixels(shot)


def test_html_page_in_headless_chromium(agent, env, repos, workdir):
    backfill_with_incidents(agent, env, repos)
    page = workdir / "report.html"
    result = report(agent, env, *WINDOW, "--html", str(page))
    assert "HTML page written to %s" % page in result.stderr
    html = page.read_text()
    for chart in ["Deployments per week", "Lead time per deployment",
                  "Incidents and their durations", "Change failure rate per month"]:
        assert 'aria-label="%s"' % chart in html
    for external in ["<script", "<link", "<img", "src=", "href=", "http:", "https:", "url("]:
        assert external not in html, external

    # A control page that logs an error and fetches an image: the checks see both.
    control = workdir / "control.html"
    control.write_text('<!DOCTYPE html><body><script>console.error("boom")</script>'
                       '<img src="https://example.com/x.png"></body>')
    stderr, requests, _ = open_in_chromium(control, workdir, "control")
    assert ":CONSOLE" in stderr and "boom" in stderr
    assert requests == ["https://example.com/x.png"]

    stderr, requests, pixels = open_in_chromium(page, workdir, "report")
    assert ":CONSOLE" not in stderr, stderr
    assert requests == []
    assert len(pixels) == 900 and len(pixels[0]) == 1280
    flat = [p for row in pixels for p in row]
    not_white = sum(1 for p in flat if p != (255, 255, 255))
    bars = sum(1 for r, g, b in flat if abs(r - 0x3b) < 8 and abs(g - 0x6f) < 8 and abs(b - 0xb6) < 8)
    assert not_white > len(flat) // 50, "the screenshot is nearly blank"
    assert bars > 500, "no chart bars on the screenshot"
