#!/usr/bin/env python3
"""Check that the source tree keeps the shape ARCHITECTURE.md describes.

Usage: check_layout.py SOURCE_DIR

Prints one line per violation and exits 1 when there is any, 0 otherwise;
prints the median function length and the five longest functions either way.
Function lengths come from universal-ctags (Debian package universal-ctags).
"""

import json
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

# The floor of every folder under src/: a folder includes only itself and
# folders on lower floors, so same-floor folders never include each other.
FLOORS = {
    "model": 0, "util": 0,
    "git": 1, "derive": 1, "outbox": 1, "sender": 1, "config": 1, "spool": 1,
    "report": 1,
    "pipeline": 2,
    "hook": 3, "daemon": 3,
    "cli": 4,
}

# Headers of a C or C++ library, and the one folder that may include them.
LIBRARIES = [
    (re.compile(r"^(git2\.h$|git2/)"), "git", "libgit2"),
    (re.compile(r"^sqlite3\.h$"), "outbox", "SQLite"),
    (re.compile(r"^curl/"), "sender", "libcurl"),
    (re.compile(r"^boost/program_options"), "cli", "Boost.Program_options"),
    (re.compile(r"^yaml-cpp/"), "config", "yaml-cpp"),
    (re.compile(r"^systemd/"), "daemon", "libsystemd"),
]

MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 60
MAX_MEDIAN_FUNCTION_LINES = 10

# Where an installed user reads, so nothing there may point at a file only
# the developers have.
PUBLIC_PATHS = ["src", "docs", "README.md", "ARCHITECTURE.md", "hooks", "packaging", "config"]
# "../shared-hooks" (a core.hooksPath example) is fine; "../shared/..." is not.
PRIVATE_MARKER = re.compile(r"\.\./shared(?![\w-])|shared/spec")

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"]([^>"]+)[>"])')
CPP_SUFFIXES = {".cpp", ".hpp", ".h", ".cc", ".in"}


def source_files(src):
    return sorted(p for p in src.rglob("*") if p.is_file())


def folder_of(src, path):
    """The folder under src/ a file belongs to, or None for a file at src/ itself."""
    parts = path.relative_to(src).parts
    return parts[0] if len(parts) > 1 else None


def check_folders(src):
    problems = []
    for folder in sorted(p.name for p in src.iterdir() if p.is_dir()):
        if folder not in FLOORS:
            problems.append(f"src/{folder}/: on no floor; give it one in FLOORS in "
                            f"tests/layout/check_layout.py and a paragraph in ARCHITECTURE.md")
    return problems


def include_problem(folder, included):
    """Why a file in src/<folder>/ may not include `included`, or None when it may."""
    top = included.split("/", 1)[0]
    if "/" in included and top in FLOORS and top != folder:
        mine, theirs = FLOORS[folder], FLOORS[top]
        if theirs == mine:
            return (f"{folder} and {top} are both on floor {mine}; folders on one floor "
                    f"never include each other")
        if theirs > mine:
            return (f"{folder} (floor {mine}) includes {top} (floor {theirs}); a folder "
                    f"includes only folders on lower floors")
    for pattern, owner, library in LIBRARIES:
        if pattern.search(included) and folder != owner:
            return f"only src/{owner}/ includes {library} headers"
    return None


def check_includes(src, files):
    problems = []
    for path in files:
        folder = folder_of(src, path)
        if folder not in FLOORS or path.suffix not in CPP_SUFFIXES:
            continue
        lines = path.read_text(errors="replace").splitlines()
        for number, line in enumerate(lines, 1):
            match = INCLUDE.match(line)
            if not match:
                continue
            why = include_problem(folder, match.group(2))
            if why:
                problems.append(f"{path.relative_to(src.parent)}:{number}: "
                                f"#include {match.group(1)}: {why}")
    return problems


def check_file_lengths(src, files):
    problems = []
    for path in files:
        count = len(path.read_text(errors="replace").splitlines())
        if count > MAX_FILE_LINES:
            problems.append(f"{path.relative_to(src.parent)}: {count} lines; "
                            f"a file has at most {MAX_FILE_LINES}")
    return problems


def function_lengths(src):
    """(lines, 'path:line name') of every function defined under src, or an error text."""
    ctags = shutil.which("ctags")
    if ctags is None:
        return None, "ctags not found: install universal-ctags (scripts/install-deps does)"
    result = subprocess.run(
        [ctags, "--output-format=json", "--fields=+ne", "--kinds-c++=f", "--languages=C++",
         "-R", "-o", "-", "."], cwd=src, capture_output=True, text=True)
    if result.returncode != 0:
        return None, f"ctags failed: {result.stderr.strip()}"
    functions = []
    for line in result.stdout.splitlines():
        tag = json.loads(line)
        if tag.get("_type") != "tag" or tag.get("kind") != "function" or "end" not in tag:
            continue
        where = f"src/{tag['path'].removeprefix('./')}:{tag['line']} {tag['name']}"
        functions.append((tag["end"] - tag["line"] + 1, where))
    return functions, None


def check_function_lengths(src):
    functions, error = function_lengths(src)
    if error:
        return [error]
    if not functions:
        return []
    problems = []
    lengths = [length for length, _ in functions]
    median = statistics.median(lengths)
    print(f"functions: {len(functions)}, median {median:g} lines")
    print("longest:")
    for length, where in sorted(functions, key=lambda f: (-f[0], f[1]))[:5]:
        print(f"  {length:4} {where}")
    for length, where in sorted(functions, key=lambda f: f[1]):
        if length > MAX_FUNCTION_LINES:
            problems.append(f"{where}: {length} lines; a function has at most "
                            f"{MAX_FUNCTION_LINES}")
    if median > MAX_MEDIAN_FUNCTION_LINES:
        problems.append(f"the median function is {median:g} lines; it must stay at most "
                        f"{MAX_MEDIAN_FUNCTION_LINES}")
    return problems


def check_architecture(root, src):
    doc = root / "ARCHITECTURE.md"
    if not doc.is_file():
        return ["ARCHITECTURE.md: missing at the repository root"]
    text = doc.read_text(errors="replace")
    problems = []
    for folder in sorted(p.name for p in src.iterdir() if p.is_dir()):
        if not re.search(r"`(src/)?" + re.escape(folder) + r"/?`", text):
            problems.append(f"ARCHITECTURE.md: does not name src/{folder}/ "
                            f"(name it as `{folder}`)")
    return problems


def public_files(root):
    for name in PUBLIC_PATHS:
        path = root / name
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file())


def check_private_references(root):
    problems = []
    for path in public_files(root):
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if match := PRIVATE_MARKER.search(line):
                problems.append(f"{path.relative_to(root)}:{number}: mentions '{match.group()}', "
                                f"which users do not have; point at docs/ instead")
    return problems


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    root = Path(argv[1]).resolve()
    src = root / "src"
    if not src.is_dir():
        print(f"{src}: not a folder", file=sys.stderr)
        return 2
    files = source_files(src)
    problems = (check_folders(src) + check_includes(src, files) +
                check_file_lengths(src, files) + check_function_lengths(src) +
                check_architecture(root, src) + check_private_references(root))
    for problem in problems:
        print(f"layout violation: {problem}")
    print(f"{len(problems)} layout violation{'' if len(problems) == 1 else 's'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
