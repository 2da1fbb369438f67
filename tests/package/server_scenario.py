"""A real Git server set up from the package, as docs/server-install.md
says, inside a private mount namespace (overlays on /etc, /usr, /var, /srv
and /home, so the host is untouched): run by test_server_install.py as
`unshare --mount --propagation private --fork python3 server_scenario.py`.

It installs the .deb, makes a `git` user owning two bare repositories served
by `git daemon` on 127.0.0.1, installs the hooks, runs the service exactly as
the installed unit says (User=, Group=, SupplementaryGroups=, Environment=,
ExecStart=, LoadCredential= emulated: no systemd runs here), pushes from a
client over git://, and checks what the API received. It exits 1 with the
failed check on stderr."""

import argparse
import configparser
import json
import os
import pwd
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from pulse_server import PulseServer  # noqa: E402

KEY = "server-key-5d1e8a7c"
UNIT = Path("/lib/systemd/system/pulse-agent.service")
IDENTITY = {"GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.com",
            "GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@example.com"}


def sh(command, check=True, user=None, env=None, **kwargs):
    """Run a command (as `user` when given) and return the finished process."""
    argv = command if isinstance(command, list) else shlex.split(command)
    if user:
        argv = ["runuser", "-u", user, "--"] + argv
    full_env = dict(os.environ, **(env or {}))
    done = subprocess.run(argv, capture_output=True, text=True, env=full_env, **kwargs)
    if check and done.returncode != 0:
        raise AssertionError("%s exited %d:\n%s%s" % (argv, done.returncode, done.stdout,
                                                       done.stderr))
    return done


def overlay(root, *folders):
    """Put a writable overlay over each folder, its changes kept under `root`."""
    for folder in folders:
        name = folder.strip("/").replace("/", "-")
        upper, work = root / (name + "-upper"), root / (name + "-work")
        upper.mkdir(parents=True)
        work.mkdir(parents=True)
        sh(["mount", "-t", "overlay", "overlay", "-o",
            "lowerdir=%s,upperdir=%s,workdir=%s" % (folder, upper, work), folder])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Service:
    """The unit's [Service] section, run by hand as systemd would run it."""

    def __init__(self, credentials):
        self.credentials = credentials
        self.process = None
        self.section = None

    def read_unit(self):
        """The installed unit's [Service] section (%S: the state folder root)."""
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        parser.optionxform = str
        parser.read_string(UNIT.read_text().replace("%S", "/var/lib"))
        self.section = parser["Service"]

    def environment(self):
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8",
               "CREDENTIALS_DIRECTORY": str(self.credentials)}
        for item in shlex.split(self.section.get("Environment", "")):
            name, _, value = item.partition("=")
            env[name] = value
        return env

    def load_credentials(self, user):
        """LoadCredential=NAME:PATH: systemd copies PATH, readable by the service only."""
        self.credentials.mkdir(exist_ok=True)
        for entry in self.section.get("LoadCredential", "").split():
            name, _, source = entry.partition(":")
            target = self.credentials / name
            target.write_bytes(Path(source).read_bytes())
            os.chown(target, user.pw_uid, user.pw_gid)
            os.chmod(target, 0o400)
        os.chown(self.credentials, user.pw_uid, user.pw_gid)
        os.chmod(self.credentials, 0o500)

    def start(self, log):
        self.read_unit()
        user = pwd.getpwnam(self.section["User"])
        self.load_credentials(user)
        groups = self.section.get("SupplementaryGroups", "").split()
        argv = ["setpriv", "--reuid", self.section["User"], "--regid", self.section["Group"],
                "--groups", ",".join(groups) if groups else "", "--"]
        if not groups:
            argv[argv.index("--groups"):argv.index("--groups") + 2] = ["--clear-groups"]
        argv += shlex.split(self.section["ExecStart"])
        umask = int(self.section.get("UMask", "0022"), 8)
        self.process = subprocess.Popen(
            argv, env=self.environment(), stdout=log, stderr=subprocess.STDOUT,
            preexec_fn=lambda: os.umask(umask), start_new_session=True)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        self.process = None


class Scenario:
    def __init__(self, deb, work):
        self.deb = deb
        self.work = work
        self.server = PulseServer().start()
        self.port = free_port()
        self.client = work / "client"
        # Where systemd would put /run/credentials/pulse-agent.service: a
        # folder the service's user can reach (the test's own is root's).
        self.service = Service(Path("/var/tmp/credentials-pulse-agent"))
        self.log = open(work / "service.log", "w")
        self.remote_lines = []
        self.pushes = []   # (commit ids, time the push started)

    # -- the admin's steps, as docs/server-install.md lists them ---------------

    def install(self):
        sh(["dpkg", "-i", str(self.deb)])
        sh("useradd --system --create-home --home-dir /home/git --shell /usr/bin/git-shell git")
        sh("usermod -a -G pulse-agent-spool git")
        sh("install -d -o git -g git /srv/git")
        for name in ("shop", "lib"):
            sh(["git", "init", "-q", "--bare", "-b", "main", "/srv/git/%s.git" % name],
               user="git")
        config = Path("/etc/pulse-agent/config.yaml")
        config.write_text(config.read_text() + (
            "base_url: %s\n"
            "trusted_owners: [git]\n"
            "watch:\n  interval: 30\n"
            "repositories:\n  - /srv/git/*.git\n") % self.server.url)
        sh(["install", "-m", "0600", "-o", "root", "-g", "root", "/dev/stdin",
            "/etc/pulse-agent/api-key"], input=KEY + "\n")
        # As root (the owners are trusted) and as the git user: both work.
        sh("pulse-agent install-hooks /srv/git/shop.git")
        sh("pulse-agent install-hooks /srv/git/lib.git", user="git")

    def serve_git(self):
        self.git_daemon = subprocess.Popen(
            ["runuser", "-u", "git", "--", "git", "daemon", "--reuseaddr", "--export-all",
             "--enable=receive-pack", "--base-path=/srv/git", "--listen=127.0.0.1",
             "--port=%d" % self.port, "/srv/git"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.time() + 10
        while sh(["git", "ls-remote", self.url("shop")], check=False).returncode != 0:
            assert time.time() < deadline, "git daemon did not start"
            time.sleep(0.1)

    def url(self, name):
        return "git://127.0.0.1:%d/%s.git" % (self.port, name)

    # -- a developer's pushes ---------------------------------------------------

    def git(self, *args, repo=None):
        env = dict(IDENTITY, GIT_CONFIG_NOSYSTEM="1", HOME=str(self.work))
        return sh(["git", "-C", str(repo or self.client)] + list(args), env=env).stdout.strip()

    def commit(self, message):
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")

    def push(self, *refs, repo=None):
        started = time.time()
        env = dict(IDENTITY, GIT_CONFIG_NOSYSTEM="1", HOME=str(self.work))
        done = sh(["git", "-C", str(repo or self.client), "push", "-q", "origin"] + list(refs),
                  env=env)
        self.remote_lines += [line for line in done.stderr.splitlines()
                              if line.startswith("remote:")]
        return started

    def wait_for_delivered(self, ids, timeout=20):
        deadline = time.time() + timeout
        while not ids <= self.delivered_ids():
            assert time.time() < deadline, "never delivered: %s\nservice log:\n%s" % (
                sorted(ids - self.delivered_ids()), (self.work / "service.log").read_text())
            time.sleep(0.05)

    def delivered_ids(self):
        return {r.json.get("change_id") or r.json.get("deploy_id")
                for r in self.server.delivered}

    # -- the checks ---------------------------------------------------------------

    def run(self):
        self.install()
        self.serve_git()
        self.service.start(self.log)
        sh(["git", "clone", "-q", self.url("shop"), str(self.client)],
           env=dict(IDENTITY, HOME=str(self.work)))
        first = [self.commit("one"), self.commit("two")]
        times = {c: self.push("HEAD:refs/heads/main") for c in first}
        self.git("tag", "-a", "-m", "release", "v1.0.0")
        self.push("v1.0.0")
        self.git("checkout", "-q", "-b", "release-1.0")
        hotfix = self.commit("hotfix")
        times[hotfix] = self.push("release-1.0")
        self.git("tag", "v1.0.1")
        self.push("v1.0.1")
        self.git("checkout", "-q", "-b", "topic", "main")
        topic = self.commit("topic work")
        times[topic] = self.push("topic")
        self.wait_for_delivered(set(first) | {hotfix, topic, "v1.0.0", "v1.0.1"})

        # The service stopped for a while: pushes wait in the spool, keep
        # their own times, and are delivered when it is back.
        self.service.stop()
        self.git("checkout", "-q", "main")
        self.git("merge", "-q", "--no-ff", "-m", "merge topic", "topic")
        merged = self.git("rev-parse", "HEAD")
        times[merged] = self.push("HEAD:refs/heads/main")
        self.git("tag", "-a", "-m", "release", "v1.1.0")
        self.push("v1.1.0")
        spooled = list(Path("/var/spool/pulse-agent").glob("*.push"))
        assert len(spooled) == 2, "the pushes were not spooled: %s" % spooled
        time.sleep(2)
        self.service.start(self.log)
        self.wait_for_delivered({merged, "v1.1.0"})
        self.push_to_lib()

        # A typo in a daemon-only key never costs a push; config check names it.
        config = Path("/etc/pulse-agent/config.yaml")
        good = config.read_text()
        config.write_text(good.replace("watch:\n  interval: 30\n",
                                       "watch:\n  interval: 30\n  intervall: 5\n"))
        late = self.commit("during a broken config")
        times[late] = self.push("HEAD:refs/heads/main")
        checked = sh("pulse-agent config check /etc/pulse-agent/config.yaml", check=False)
        assert checked.returncode == 1 and "intervall" in checked.stdout + checked.stderr, checked
        config.write_text(good)
        self.wait_for_delivered({late})

        self.check_status_as_service_user()
        self.check_secrets()
        self.check_exactly_once(times)
        assert self.remote_lines == [], "remote: lines on pushes: %s" % self.remote_lines
        self.service.stop()
        self.purge()

    def push_to_lib(self):
        """The second repository, whose hooks the git user installed."""
        clone = self.work / "lib-client"
        sh(["git", "clone", "-q", self.url("lib"), str(clone)],
           env=dict(IDENTITY, HOME=str(self.work)))
        self.git("commit", "-q", "--allow-empty", "-m", "lib change", repo=clone)
        made = self.git("rev-parse", "HEAD", repo=clone)
        self.push("HEAD:refs/heads/main", repo=clone)
        self.wait_for_delivered({made})
        systems = {r.query.get("system") for r in self.server.delivered
                   if r.json.get("change_id") == made}
        assert systems == {"lib"}, systems

    def check_status_as_service_user(self):
        """`sudo -u pulse-agent pulse-agent status` reads the service's outbox,
        with the packaged config (which names it) and with a config that does
        not (the default of the user who owns /var/lib/pulse-agent), whatever
        HOME sudo leaves (the user's home, or a /home one as in issue 16)."""
        config = Path("/etc/pulse-agent/config.yaml")
        good = config.read_text()
        assert "\noutbox: /var/lib/pulse-agent/outbox.db\n" in good
        try:
            for text in (good, good.replace("\noutbox: /var/lib/pulse-agent/outbox.db\n", "\n")):
                config.write_text(text)
                for home in ("/var/lib/pulse-agent", "/home/pulse-agent"):
                    done = sh("pulse-agent status --json", user="pulse-agent",
                              env={"HOME": home, "USER": "pulse-agent"})
                    status = json.loads(done.stdout)
                    assert status["state_file"] == "/var/lib/pulse-agent/outbox.db", status
                    paths = {r["path"] for r in status["repositories"]}
                    assert paths == {"/srv/git/shop.git", "/srv/git/lib.git"}, status
                    assert status["events"]["delivered"] >= 8, status
        finally:
            config.write_text(good)

    def check_secrets(self):
        for path in ("/etc/pulse-agent/api-key", "/var/lib/pulse-agent/outbox.db"):
            denied = sh(["cat", path], user="git", check=False)
            assert denied.returncode != 0, "the git user can read %s" % path
        assert KEY not in (self.work / "service.log").read_text()

    def check_exactly_once(self, times):
        counts = Counter((r.json["$type"], r.json.get("change_id") or r.json.get("deploy_id"))
                         for r in self.server.delivered)
        assert [key for key, n in counts.items() if n > 1] == [], counts
        by_id = {r.json.get("change_id"): r.json for r in self.server.delivered}
        for commit, pushed in times.items():
            sent = by_id[commit]["time_created"]
            stamp = time.mktime(time.strptime(sent, "%Y-%m-%dT%H:%M:%SZ")) - time.timezone
            # A spooled push's time is capped at its file's ctime, which the
            # kernel keeps on a coarse clock a tick behind: a push started at
            # hh:mm:59.0004 can be timed hh:mm:58.
            assert pushed - 1.05 <= stamp <= pushed + 2, (
                "change %s timed %s, pushed at %s" % (commit, sent, pushed))
        systems = {r.query.get("system") for r in self.server.delivered}
        assert systems == {"shop", "lib"}, systems

    def purge(self):
        sh("dpkg --purge pulse-agent")
        for path in ("/var/lib/pulse-agent", "/var/spool/pulse-agent", "/etc/pulse-agent"):
            assert not Path(path).exists(), "left after purge: %s" % path
        self.commit("after purge")
        self.push("HEAD:refs/heads/main")
        assert self.remote_lines == [], "hooks not silent after purge: %s" % self.remote_lines

    def close(self):
        self.service.stop()
        if getattr(self, "git_daemon", None):
            os.killpg(self.git_daemon.pid, signal.SIGTERM)
            self.git_daemon.wait(timeout=10)
        self.server.stop()
        self.log.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--deb", required=True, type=Path)
    parser.add_argument("--work", required=True, type=Path)
    args = parser.parse_args()
    overlay(args.work / "overlays", "/etc", "/usr", "/var", "/srv", "/home")
    scenario = Scenario(args.deb, args.work)
    try:
        scenario.run()
    except AssertionError as failure:
        print("FAILED: %s" % failure, file=sys.stderr)
        return 1
    finally:
        scenario.close()
    print(json.dumps({"delivered": len(scenario.server.delivered)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
