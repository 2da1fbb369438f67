"""The sanitizer reports of a test run.

reports.py clear DIR          empty DIR before the run (the sanitizers do not create it)
reports.py check DIR AGENT    fail if any process wrote a report to DIR, printing each one

The check first gives processes still running AGENT up to a minute to end: a
detached delivery outlives the test that pushed, and writes its report as it
exits."""

import os
import pathlib
import shutil
import sys
import time


def agents_running(agent):
    """The pids of processes running the binary at `agent`."""
    pids = []
    for entry in pathlib.Path("/proc").iterdir():
        try:
            target = os.readlink(entry / "exe")
        except OSError:  # not a process, gone, or not ours to look at
            continue
        if target in (agent, agent + " (deleted)"):
            pids.append(entry.name)
    return pids


def wait_for_agents(agent, patience=60.0):
    """Wait until no process runs `agent`, or `patience` seconds have passed."""
    deadline = time.time() + patience
    while agents_running(agent) and time.time() < deadline:
        time.sleep(0.5)
    left = agents_running(agent)
    if left:
        print("still running %s after %ds: pids %s" % (agent, patience, " ".join(left)))


def check(folder, agent):
    """Print every report in `folder`; 1 if there is any, else 0."""
    wait_for_agents(agent)
    reports = sorted(folder.iterdir())
    for report in reports:
        print("==== %s\n%s" % (report, report.read_text(errors="replace")))
    if reports:
        print("%d sanitizer report(s) in %s" % (len(reports), folder))
        return 1
    print("no sanitizer reports in %s" % folder)
    return 0


def main(argv):
    folder = pathlib.Path(argv[2])
    if argv[1] == "clear":
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        return 0
    return check(folder, os.path.realpath(argv[3]))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
