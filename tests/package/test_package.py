"""The Debian package that `cpack -G DEB` builds: its control fields, its
files, its maintainer scripts, the man page and bash completion generated
from --help, and lintian's verdict.

PULSE_DEB names the .deb (tests/CMakeLists.txt builds it first)."""

import gzip
import os
import pathlib
import re
import subprocess

import pytest

DEB = pathlib.Path(os.environ.get("PULSE_DEB", "pulse-agent.deb"))


def check_output(args, **kwargs):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs).stdout


@pytest.fixture(scope="module")
def deb():
    assert DEB.is_file(), "no package at %s (PULSE_DEB)" % DEB
    return DEB


@pytest.fixture(scope="module")
def control(deb):
    """The control fields, {name: value}, continuation lines joined."""
    fields, name = {}, None
    for line in check_output(["dpkg-deb", "-f", str(deb)]).splitlines():
        if line.startswith(" ") and name:
            fields[name] += "\n" + line
        else:
            name, _, value = line.partition(": ")
            fields[name] = value
    return fields


@pytest.fixture(scope="module")
def tree(deb, tmp_path_factory):
    """The package's files, extracted, and its control files beside them."""
    root = tmp_path_factory.mktemp("deb")
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root / "data")], check=True)
    subprocess.run(["dpkg-deb", "-e", str(deb), str(root / "control")], check=True)
    return root


def test_the_file_is_named_as_debian_names_it(deb, control):
    assert deb.name == "pulse-agent_%s_%s.deb" % (control["Version"], control["Architecture"])
    assert re.fullmatch(r"\d+\.\d+\.\d+-\d+", control["Version"])


def test_control_fields(control):
    assert control["Package"] == "pulse-agent"
    assert control["Section"] == "vcs"
    assert control["Priority"] == "optional"
    assert re.fullmatch(r"[^<>]+ <[^@<>\s]+@[^@<>\s]+\.[a-z]+>", control["Maintainer"])
    depends = [d.strip().split()[0] for d in control["Depends"].split(",")]
    # git and adduser by name; libc6 and libstdc++6 found by dpkg-shlibdeps.
    for package in ("git", "adduser", "libc6", "libstdc++6", "libgit2-1.5", "libcurl4"):
        assert package in depends, control["Depends"]
    summary, *long = control["Description"].splitlines()
    assert summary and len(summary) < 80
    assert len(long) >= 5


def test_conffiles_and_maintainer_scripts(tree):
    control = tree / "control"
    assert (control / "conffiles").read_text().split() == ["/etc/pulse-agent/config.yaml"]
    for name in ("postinst", "prerm", "postrm"):
        script = control / name
        assert script.stat().st_mode & 0o777 == 0o755
        assert script.read_text().startswith("#!/bin/sh\n")
        subprocess.run(["sh", "-n", str(script)], check=True)
    postinst = (control / "postinst").read_text()
    assert "spool_mode=3770" in postinst and "state_mode=0700" in postinst
    # No systemctl call that fails where systemd does not run.
    for line in postinst.splitlines() + (control / "prerm").read_text().splitlines():
        if not line.lstrip().startswith("#") and ("systemctl" in line or
                                                 "deb-systemd-invoke" in line):
            assert line.rstrip().endswith("|| true"), line


def test_the_default_config_is_a_valid_conffile(tree, deb, tmp_path):
    config = tree / "data/etc/pulse-agent/config.yaml"
    text = config.read_text()
    # The packaged binary accepts it (a dry run touches no outbox).
    check_output([str(tree / "data/usr/bin/pulse-agent"), "push", "change", "--identifier", "c1",
                  "--timestamp", "1700000000", "--dry-run", "--config", str(config),
                  "--outbox", str(tmp_path / "outbox.db")])
    assert not (tmp_path / "outbox.db").exists()
    assert "\noutbox: /var/lib/pulse-agent/outbox.db\n" in text
    assert "/var/spool/pulse-agent" in text
    assert "api_key:" not in text.replace("# ", "")
    listing = check_output(["dpkg-deb", "-c", str(deb)])
    assert re.search(r"^-rw-r--r-- root/root .* \./etc/pulse-agent/config\.yaml$", listing, re.M)


def test_the_binary_is_stripped(tree):
    binary = tree / "data/usr/bin/pulse-agent"
    sections = check_output(["readelf", "-S", "-W", str(binary)])
    assert ".text" in sections
    for debug in (".debug_info", ".debug_line", ".symtab"):
        assert debug not in sections
    assert check_output([str(binary), "--version"]).startswith("pulse-agent ")


def test_the_unit_is_installed_with_the_spool(tree):
    unit = (tree / "data/lib/systemd/system/pulse-agent.service").read_text()
    for line in ("User=pulse-agent", "SupplementaryGroups=pulse-agent-spool",
                 "ReadWritePaths=/var/spool/pulse-agent", "StateDirectory=pulse-agent",
                 "LoadCredential=api-key:/etc/pulse-agent/api-key"):
        assert "\n" + line + "\n" in unit


def test_copyright_and_changelog(tree, control):
    doc = tree / "data/usr/share/doc/pulse-agent"
    copyright = (doc / "copyright").read_text()
    assert copyright.startswith(
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n")
    assert "\nFiles: *\n" in copyright and "\nLicense: " in copyright
    with gzip.open(doc / "changelog.Debian.gz", "rt") as changelog:
        top = changelog.readline()
    assert top.startswith("pulse-agent (%s) " % control["Version"])
    raw = (doc / "changelog.Debian.gz").read_bytes()
    assert raw[3] & 0x08 == 0 and raw[4:8] == b"\0\0\0\0"  # gzip -n: no name, no time


def test_the_man_page_has_every_command(tree):
    page = tree / "data/usr/share/man/man1/pulse-agent.1.gz"
    result = subprocess.run(["man", "--warnings", "-E", "UTF-8", "-l", str(page)],
                            capture_output=True, text=True, env={"MANWIDTH": "80", "PATH":
                                                                 os.environ["PATH"]})
    assert result.returncode == 0 and result.stderr == "", result.stderr
    text = result.stdout
    for heading in ("NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "FILES"):
        assert "\n" + heading + "\n" in text
    for command in ("push change", "push deployment", "push incident", "push git deployment",
                    "backfill", "flush", "outbox", "hook", "install-hooks", "uninstall-hooks",
                    "watch", "status"):
        assert "\n   pulse-agent %s\n" % command in text, command
    binary = tree / "data/usr/bin/pulse-agent"
    assert check_output([str(binary), "watch", "--help"]).splitlines()[2] in text


def complete(tree, line):
    """What the packaged bash completion offers for `line` (cursor at its end)."""
    script = tree / "data/usr/share/bash-completion/completions/pulse-agent"
    words = line.split(" ")
    program = ('source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); '
               '_pulse_agent; printf "%s\\n" "${COMPREPLY[@]}"')
    out = check_output(["bash", "-c", program, "bash", str(script)] + words, cwd=tree)
    return sorted(filter(None, out.splitlines()))


def test_bash_completion_offers_commands_subcommands_and_options(tree):
    assert complete(tree, "pulse-agent ") == sorted(
        ["backfill", "config", "flush", "hook", "install-hooks", "outbox", "push", "report",
         "status", "uninstall-hooks", "version", "watch"])
    assert complete(tree, "pulse-agent config ") == ["check"]
    assert complete(tree, "pulse-agent pu") == ["push"]
    assert complete(tree, "pulse-agent push ") == ["change", "deployment", "git", "incident"]
    assert complete(tree, "pulse-agent push git ") == ["deployment"]
    assert complete(tree, "pulse-agent watch --in") == ["--interval"]
    assert "--previous-deployment-ref" in complete(tree, "pulse-agent push git deployment --")
    assert "--interval" not in complete(tree, "pulse-agent status --")
    assert complete(tree, "pulse-agent status --config da") == ["data"]


def test_the_packaged_hooks_are_silent_without_the_binary(tree, tmp_path):
    for name in ("post-receive", "pre-push"):
        shim = (tree / "data/usr/share/pulse-agent/hooks" / name).read_text()
        moved = tmp_path / name
        moved.write_text(shim.replace("/usr/bin/pulse-agent", str(tmp_path / "gone")))
        os.chmod(moved, 0o755)
        result = subprocess.run([str(moved), "origin", "url"], input="0 1 refs/heads/main\n",
                                capture_output=True, text=True)
        assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_lintian_reports_no_errors(deb):
    result = subprocess.run(["lintian", "--fail-on", "error", "--tag-display-limit", "0",
                             str(deb)], capture_output=True, text=True)
    print(result.stdout + result.stderr)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not re.search(r"^E: ", result.stdout, re.M)


# Runs as root in a mount namespace of its own, with /etc, /usr and /var
# copy-on-write overlays on a tmpfs: dpkg, adduser and the maintainer scripts
# change only the overlays, which go with the namespace.
PRIVATE_ROOT = r"""
scratch=$1 deb=$2
mount --make-rprivate /
mount -t tmpfs tmpfs "$scratch"
for dir in etc usr var; do
    mkdir -p "$scratch/$dir/upper" "$scratch/$dir/work"
    mount -t overlay overlay \
        -o "lowerdir=/$dir,upperdir=$scratch/$dir/upper,workdir=$scratch/$dir/work" "/$dir"
done
facts() {
    echo "== $1"
    id pulse-agent 2>&1 || true
    for path in /var/lib/pulse-agent /var/spool/pulse-agent /etc/pulse-agent/config.yaml \
                /etc/pulse-agent/api-key /usr/bin/pulse-agent; do
        stat -c '%a %U:%G %n' "$path" 2>/dev/null || echo "missing $path"
    done
    dpkg-query -W -f='${Status}\n' pulse-agent 2>/dev/null || echo "unknown to dpkg"
}
dpkg -i "$deb" >/dev/null
facts installed
dpkg -i "$deb" >/dev/null
facts reinstalled
echo secret > /etc/pulse-agent/api-key
dpkg --remove pulse-agent >/dev/null
facts removed
dpkg --purge pulse-agent >/dev/null
facts purged
"""


def namespace_facts(deb, tmp_path):
    """{step: [lines]} of what the package did, step by step, in a private root."""
    assert os.geteuid() == 0, "installing the package in a private namespace needs root"
    result = subprocess.run(["unshare", "--mount", "--fork", "sh", "-eu", "-c", PRIVATE_ROOT,
                             "sh", str(tmp_path), str(deb)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    facts, step = {}, None
    for line in result.stdout.splitlines():
        if line.startswith("== "):
            step = facts.setdefault(line[3:], [])
        else:
            step.append(line)
    return facts


def test_install_remove_and_purge_in_a_private_root(deb, tmp_path):
    facts = namespace_facts(deb, tmp_path)
    for step in ("installed", "reinstalled"):
        lines = facts[step]
        assert re.match(r"uid=\d+\(pulse-agent\) gid=\d+\(pulse-agent\) "
                        r"groups=\d+\(pulse-agent\),\d+\(pulse-agent-spool\)$", lines[0])
        assert "700 pulse-agent:pulse-agent /var/lib/pulse-agent" in lines
        assert "3770 pulse-agent:pulse-agent-spool /var/spool/pulse-agent" in lines
        assert "644 root:root /etc/pulse-agent/config.yaml" in lines
        assert "755 root:root /usr/bin/pulse-agent" in lines
        assert lines[-1] == "install ok installed"
    removed = facts["removed"]
    assert "missing /usr/bin/pulse-agent" in removed
    assert "644 root:root /etc/pulse-agent/config.yaml" in removed
    assert "700 pulse-agent:pulse-agent /var/lib/pulse-agent" in removed
    assert removed[-1] == "deinstall ok config-files"
    purged = facts["purged"]
    for path in ("/var/lib/pulse-agent", "/var/spool/pulse-agent",
                 "/etc/pulse-agent/config.yaml", "/etc/pulse-agent/api-key"):
        assert "missing " + path in purged
    # Debian keeps system users on purge.
    assert purged[0].startswith("uid=")
    assert purged[-1] == "unknown to dpkg"
