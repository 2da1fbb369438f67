"""check_layout.py on throwaway trees: a tree that keeps every rule passes,
and each rule broken once is reported, naming the file and the rule."""

import subprocess
import sys
from pathlib import Path

import pytest

CHECKER = Path(__file__).with_name("check_layout.py")
FOLDERS = ["model", "util", "git", "derive", "outbox", "sender", "config", "pipeline", "hook",
           "daemon", "cli"]


def function(name, body_lines=1):
    """A C++ function of 2 + body_lines lines."""
    body = "".join(f"    int x{i} = {i};\n" for i in range(body_lines - 1))
    return f"int {name}() {{\n{body}    return 0;\n}}\n"


@pytest.fixture
def tree(tmp_path):
    """A tree that keeps every rule: one short file per folder, each including
    the folder below it, and an ARCHITECTURE.md naming them all."""
    below = {"derive": "model", "pipeline": "derive", "hook": "pipeline", "daemon": "pipeline",
             "cli": "hook"}
    for folder in FOLDERS:
        text = f'#include "{below[folder]}/a.hpp"\n' if folder in below else ""
        write(tmp_path / "src" / folder / "a.cpp", text + function(f"{folder}_f", 3))
    write(tmp_path / "src/git/libgit2.hpp", "#include <git2.h>\n")
    write(tmp_path / "src/cli/options.hpp", "#include <boost/program_options.hpp>\n")
    write(tmp_path / "ARCHITECTURE.md", " ".join(f"`{folder}`" for folder in FOLDERS) + "\n")
    write(tmp_path / "docs/derivation.md", "The rules.\n")
    return tmp_path


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def check(root):
    result = subprocess.run([sys.executable, str(CHECKER), str(root)], capture_output=True,
                            text=True)
    return result.returncode, result.stdout


def violations(output):
    return [line for line in output.splitlines() if line.startswith("layout violation: ")]


def test_a_tree_that_keeps_every_rule_passes(tree):
    code, output = check(tree)
    assert code == 0, output
    assert violations(output) == []
    assert "functions: 11, median 5 lines" in output


@pytest.mark.parametrize("folder, included, rule", [
    ("model", "util/a.hpp", "model and util are both on floor 0"),
    ("util", "model/error.hpp", "util and model are both on floor 0"),
    ("derive", "git/repository.hpp", "derive and git are both on floor 1"),
    ("outbox", "pipeline/a.hpp", "outbox (floor 1) includes pipeline (floor 2)"),
    ("hook", "daemon/a.hpp", "hook and daemon are both on floor 3"),
    ("daemon", "hook/a.hpp", "daemon and hook are both on floor 3"),
    ("daemon", "cli/options.hpp", "daemon (floor 3) includes cli (floor 4)"),
    ("model", "derive/derive.hpp", "model (floor 0) includes derive (floor 1)"),
])
def test_an_include_of_a_folder_not_below_is_reported(tree, folder, included, rule):
    write(tree / "src" / folder / "b.hpp", f'#pragma once\n\n#include "{included}"\n')
    code, output = check(tree)
    assert code == 1
    assert violations(output) == [
        f"layout violation: src/{folder}/b.hpp:3: #include \"{included}\": {rule}; "
        + ("folders on one floor never include each other" if "both" in rule
           else "a folder includes only folders on lower floors")]


@pytest.mark.parametrize("folder, included, library", [
    ("derive", "<git2.h>", "src/git/ includes libgit2"),
    ("pipeline", '"git2/oid.h"', "src/git/ includes libgit2"),
    ("daemon", "<sqlite3.h>", "src/outbox/ includes SQLite"),
    ("cli", "<curl/curl.h>", "src/sender/ includes libcurl"),
    ("config", "<boost/program_options/options_description.hpp>",
     "src/cli/ includes Boost.Program_options"),
    ("outbox", "<yaml-cpp/yaml.h>", "src/config/ includes yaml-cpp"),
    ("hook", "<systemd/sd-daemon.h>", "src/daemon/ includes libsystemd"),
])
def test_a_library_header_outside_its_folder_is_reported(tree, folder, included, library):
    write(tree / "src" / folder / "c.cpp", f"#include {included}\n")
    code, output = check(tree)
    assert code == 1
    assert violations(output) == [
        f"layout violation: src/{folder}/c.cpp:1: #include {included}: only {library} headers"]


def test_a_file_over_400_lines_is_reported(tree):
    write(tree / "src/outbox/long.hpp", "// why\n" * 401)
    write(tree / "src/outbox/fine.hpp", "// why\n" * 400)
    code, output = check(tree)
    assert code == 1
    assert violations(output) == [
        "layout violation: src/outbox/long.hpp: 401 lines; a file has at most 400"]


def test_a_function_over_60_lines_is_reported_and_listed_among_the_longest(tree):
    write(tree / "src/sender/post.cpp", function("fine", 58) + function("post", 59))
    code, output = check(tree)
    assert code == 1
    assert violations(output) == [
        "layout violation: src/sender/post.cpp:61 post: 61 lines; a function has at most 60"]
    longest = output[output.index("longest:"):].splitlines()[1:3]
    assert longest == ["    61 src/sender/post.cpp:61 post", "    60 src/sender/post.cpp:1 fine"]


def test_a_median_over_10_lines_is_reported(tree):
    write(tree / "src/derive/b.cpp", "".join(function(f"g{i}", 10) for i in range(12)))
    code, output = check(tree)
    assert code == 1
    assert "functions: 23, median 12 lines" in output
    assert violations(output) == [
        "layout violation: the median function is 12 lines; it must stay at most 10"]


def test_architecture_md_must_exist_and_name_every_folder(tree):
    (tree / "src/extra").mkdir()
    write(tree / "ARCHITECTURE.md", " ".join(f"`{f}`" for f in FOLDERS if f != "util") + "\n")
    code, output = check(tree)
    assert code == 1
    assert violations(output) == [
        "layout violation: src/extra/: on no floor; give it one in FLOORS in "
        "tests/layout/check_layout.py and a paragraph in ARCHITECTURE.md",
        "layout violation: ARCHITECTURE.md: does not name src/extra/ (name it as `extra`)",
        "layout violation: ARCHITECTURE.md: does not name src/util/ (name it as `util`)"]
    (tree / "ARCHITECTURE.md").unlink()
    assert "layout violation: ARCHITECTURE.md: missing at the repository root" in check(tree)[1]


@pytest.mark.parametrize("path, text", [
    ("src/cli/help.cpp", 'const char* k = "see ../shared/spec/derivation.md";\n'),
    ("docs/hooks.md", "The rules are in shared/spec/derivation.md.\n"),
    ("README.md", "See ../shared for more.\n"),
    ("hooks/post-receive", "# ../shared/spec\n"),
    ("packaging/pulse-agent.service", "# shared/spec\n"),
    ("config/pulse-agent.example.yaml", "# ../shared/spec/derivation.md\n"),
])
def test_a_pointer_at_the_private_spec_is_reported(tree, path, text):
    write(tree / path, "fine\n" + text)
    code, output = check(tree)
    assert code == 1
    assert len(violations(output)) == 1
    assert violations(output)[0].startswith(f"layout violation: {path}:2: mentions '")
    assert violations(output)[0].endswith("which users do not have; point at docs/ instead")


def test_the_private_spec_may_be_named_outside_the_shipped_files(tree):
    write(tree / "tests/notes.md", "../shared/spec/derivation.md\n")
    write(tree / "bench/README", "shared/spec\n")
    write(tree / "docs/hooks.md", "git config core.hooksPath ../shared-hooks\n")
    code, output = check(tree)
    assert code == 0, output
    assert violations(output) == []
