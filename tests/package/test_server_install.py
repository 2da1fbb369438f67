"""A real Git server set up from the .deb as docs/server-install.md says:
hooks as the `git` user, the service as its own user, one outbox, every event
exactly once. The scenario runs in a private mount namespace
(server_scenario.py); here it is started and judged. PULSE_DEB names the
package (tests/CMakeLists.txt builds it first)."""

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEB = Path(os.environ.get("PULSE_DEB", "pulse-agent.deb"))


def test_a_server_from_the_package_reports_every_event_once(tmp_path):
    assert os.geteuid() == 0, "the scenario installs a package and makes users, as root"
    assert DEB.is_file(), "no package at %s (PULSE_DEB)" % DEB
    work = tmp_path / "scenario"
    work.mkdir()
    done = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "--fork", sys.executable,
         str(HERE / "server_scenario.py"), "--deb", str(DEB), "--work", str(work)],
        capture_output=True, text=True, timeout=500)
    assert done.returncode == 0, done.stdout + done.stderr
