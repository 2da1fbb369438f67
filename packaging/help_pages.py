#!/usr/bin/env python3
"""Write the pulse-agent(1) man page or the bash completion from the built
binary's own --help texts, so that neither can drift from the program.

Usage: help_pages.py man AGENT OUTPUT
       help_pages.py completion AGENT OUTPUT

Every command line of `pulse-agent --help` is run again with --help (each
alternative of `a|b` and of `a, b` on its own); any failure fails the build.
"""

import os
import re
import subprocess
import sys

# A command line of the top-level help: two spaces, the words, two spaces or
# more, what it does.
COMMAND_LINE = re.compile(r"^  (\S.*?)\s{2,}(\S.*)$")
# An option in a help text.
OPTION = re.compile(r"(?<![\w-])--[a-zA-Z][\w-]*")
# Options whose value is a file or folder: the completion offers file names.
PATH_OPTION = re.compile(r"config|outbox|file|dir|path|repo|agent|chain")
# Git runs `hook post-receive` and the like: they read a push from standard
# input and never fail, so they take no --help; `hook --help` covers them.
NO_HELP_BELOW = {"hook"}

FILES = [
    ("/etc/pulse-agent/config.yaml", "The configuration file, when it exists "
     "(--config or PULSE_CONFIG name another)."),
    ("/etc/pulse-agent/api-key", "The API key, readable by root only; the systemd unit "
     "hands it to the service (LoadCredential=)."),
    ("/var/lib/pulse-agent/outbox.db", "The service's outbox, where events wait "
     "until the API accepts them."),
    ("/var/spool/pulse-agent", "The folder where hooks leave pushes for the service."),
    ("/usr/share/pulse-agent/hooks", "The hook scripts install-hooks writes."),
    ("/usr/share/doc/pulse-agent", "The guides: hooks.md, daemon.md, derivation.md, "
     "and every configuration key in pulse-agent.example.yaml."),
]


def environment():
    """A plain environment, so that no config or outbox of the builder's is
    read; a sanitizer build's options pass."""
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    env.update((k, v) for k, v in os.environ.items() if k.endswith("SAN_OPTIONS"))
    return env


def asked(words):
    """The command whose --help documents `pulse-agent WORDS`."""
    return words[:1] if words and words[0] in NO_HELP_BELOW else words


def help_text(agent, words):
    """The --help text of `pulse-agent WORDS`; exits on failure."""
    words = asked(words)
    result = subprocess.run([agent] + words + ["--help"], capture_output=True, text=True,
                            env=environment())
    if result.returncode != 0:
        sys.exit("help_pages.py: `%s --help` failed (%d): %s"
                 % (" ".join(["pulse-agent"] + words), result.returncode, result.stderr))
    return result.stdout


def sections(text):
    """(usage, description paragraphs, command lines) of the top-level help."""
    blocks = text.strip().split("\n\n")
    commands = [line for block in blocks if block.startswith("Commands:")
                for line in block.splitlines()[1:]]
    prose = [b for b in blocks[1:] if not b.startswith("Commands:")]
    return blocks[0], prose, commands


def variants(phrase):
    """Each command of a command line: 'push change|deployment' is two, and so
    is 'install-hooks, uninstall-hooks'; '[list]' is with and without it."""
    found = []
    for alternative in phrase.split(", "):
        words = [[]]
        for word in alternative.split():
            optional = word.startswith("[") and word.endswith("]")
            choices = word.strip("[]").split("|")
            grown = [w + [c] for w in words for c in choices]
            words = words + grown if optional else grown
        found.extend(words)
    return found


def command_helps(agent, top):
    """[(words, help text)] of every command, each help text once."""
    helps, seen = [], set()
    for line in sections(top)[2]:
        match = COMMAND_LINE.match(line)
        if not match:
            continue
        for words in variants(match.group(1)):
            text = help_text(agent, words)
            if text.startswith("Usage:") and text not in seen:
                seen.add(text)
                helps.append((asked(words), text))
    return helps


def roff(text):
    """Text escaped for groff: backslashes, minus signs, leading dots."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\n".join("\\&" + line if line.startswith((".", "'")) else line
                     for line in text.splitlines())


def verbatim(text):
    return ".PP\n.nf\n" + roff(text.rstrip("\n")) + "\n.fi"


def man_page(agent):
    top = help_text(agent, [])
    usage, prose, commands = sections(top)
    version = help_text_version(agent)
    summary = re.sub(r" \([^)]*\)", "", " ".join(prose[0].split())) if prose else ""
    out = ['.TH PULSE\\-AGENT 1 "" "%s" "User Commands"' % roff(version)]
    out.append(".SH NAME\npulse\\-agent \\- " + roff(lowered(summary)))
    out.append(".SH SYNOPSIS\n" + verbatim(usage.removeprefix("Usage: ")))
    out.append(".SH DESCRIPTION")
    out.extend(".PP\n" + roff(" ".join(p.split())) for p in prose)
    out.append(".SH COMMANDS\n" + verbatim("\n".join(commands)))
    for words, text in command_helps(agent, top):
        out.append('.SS "pulse\\-agent %s"' % roff(" ".join(words)) + "\n" + verbatim(text))
    out.append(".SH FILES")
    out.extend(".TP\n.I %s\n%s" % (roff(path), roff(what)) for path, what in FILES)
    out.append(".SH SEE ALSO\n.BR git (1),\n.BR githooks (5),\n.BR systemd.exec (5)")
    return "\n".join(out) + "\n"


def help_text_version(agent):
    result = subprocess.run([agent, "--version"], capture_output=True, text=True, check=True,
                            env=environment())
    return result.stdout.strip()


def lowered(sentence):
    """The summary as a whatis entry: lower-case start, no final stop."""
    return (sentence[:1].lower() + sentence[1:]).rstrip(".")


def options(text):
    """The options a help text names in its usage and options, or anywhere
    when it has no "Options:" block."""
    blocks = text.split("\n\n")
    if any(block.startswith("Options:") for block in blocks):
        text = "\n".join(b for b in blocks if b.startswith(("Usage:", "Options:")))
    return set(OPTION.findall(text))


def completion_table(agent):
    """{command path: (next words, options)} and the options that take a path;
    the options are those of the commands' own help texts."""
    top = help_text(agent, [])
    table = {"": (set(), options(top) | {"--help", "--version"})}
    commands = [" ".join(words) for line in sections(top)[2]
                if (match := COMMAND_LINE.match(line)) for words in variants(match.group(1))]
    for command in commands:
        words = command.split()
        for depth in range(len(words)):
            table.setdefault(" ".join(words[:depth]), (set(), set()))[0].add(words[depth])
    path_options = set()
    for command in commands:
        found = options(help_text(agent, command.split()))
        table.setdefault(command, (set(), set()))[1].update(found)
        path_options.update(o for o in found if PATH_OPTION.search(o))
    return table, path_options


def completion(agent):
    table, path_options = completion_table(agent)
    cases = "".join('    "%s") words="%s" opts="%s" ;;\n'
                    % (key, " ".join(sorted(nxt)), " ".join(sorted(opts)))
                    for key, (nxt, opts) in sorted(table.items()))
    known = " ".join('"%s"' % key for key in sorted(table) if key)
    return COMPLETION_TEMPLATE % {"cases": cases, "known": known,
                                  "path_options": "|".join(sorted(path_options)) or "--"}


COMPLETION_TEMPLATE = r"""# bash completion for pulse-agent(1): commands, subcommands and options.
# Generated from `pulse-agent --help` and each command's --help at build time.

_pulse_agent() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local path="" word candidate known i words opts
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        candidate=${path:+$path }$word
        for known in %(known)s; do
            if [[ $candidate == "$known" ]]; then
                path=$candidate
                break
            fi
        done
    done
    case $prev in
    %(path_options)s)
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        return
        ;;
    esac
    case $path in
%(cases)s    *) words="" opts="" ;;
    esac
    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
    else
        mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
    fi
}
complete -o bashdefault -o default -F _pulse_agent pulse-agent
"""


def main(argv):
    if len(argv) != 4 or argv[1] not in ("man", "completion"):
        sys.exit(__doc__.strip())
    text = man_page(argv[2]) if argv[1] == "man" else completion(argv[2])
    with open(argv[3], "w", encoding="utf-8") as out:
        out.write(text)


if __name__ == "__main__":
    main(sys.argv)
