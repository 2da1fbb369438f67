"""Reading what `pulse-agent watch` tells monitoring: scraping its listener,
parsing the Prometheus text format, and judging it with promtool."""

import re
import shutil
import subprocess
import urllib.error
import urllib.request

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def get(url, timeout=5):
    """GET a URL; return (status, body text), 4xx and 5xx included."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def parse(text):
    """{(name, frozenset of labels): value} of every sample of an exposition."""
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = SAMPLE.match(line)
        assert match, "not a sample line: %r" % line
        labels = frozenset(LABEL.findall(match.group(2) or ""))
        samples[(match.group(1), labels)] = float(match.group(3))
    return samples


def value(samples, name, **labels):
    """The value of one sample (None when it is not there)."""
    return samples.get((name, frozenset(labels.items())))


def labels_of(samples, name):
    """The label sets a metric has samples for, as dicts."""
    return [dict(key[1]) for key in samples if key[0] == name]


def promtool_check(text):
    """`promtool check metrics` on an exposition; a missing promtool fails
    (Debian's prometheus package, which scripts/install-deps installs)."""
    promtool = shutil.which("promtool")
    assert promtool, "promtool not found: install Debian's prometheus package (scripts/install-deps)"
    done = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, "promtool check metrics: %s%s" % (done.stdout, done.stderr)
    return done.stdout + done.stderr
