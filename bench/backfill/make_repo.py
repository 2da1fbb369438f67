#!/usr/bin/env python3
"""Write a `git fast-import` stream for a benchmark repository on stdout.

Deterministic (seeded), generated here, never fetched. The history looks like
a long-lived product: a main line with feature branches merged back, one
minor release after another (X.Y.0 on main), a maintenance branch per minor
that gets hotfix releases (X.Y.1, X.Y.2, ...) while newer minors ship, hotfix
branches merged back into main, release candidates and other non-release
tags, annotated and lightweight tags.

Usage: make_repo.py [--commits N] [--releases N] | git fast-import --quiet
"""

import argparse
import random
import sys

START = 1420070400  # 2015-01-01T00:00:00Z


class Stream:
    def __init__(self, out):
        self.out = out
        self.mark = 0
        self.time = START
        self.commits = 0
        self.releases = 0
        self.rng = random.Random(42)

    def write(self, text):
        self.out.write(text)

    def data(self, text):
        raw = text.encode()
        self.write("data %d\n" % len(raw))
        self.out.write(text)
        self.write("\n")

    def commit(self, ref, parent, message, merge=None):
        self.mark += 1
        self.commits += 1
        self.time += self.rng.randint(60, 1800)
        author_time = self.time - self.rng.randint(0, 86400)
        self.write("commit %s\nmark :%d\n" % (ref, self.mark))
        self.write("author Dev %d <dev%d@example.com> %d +0000\n"
                   % (self.mark % 37, self.mark % 37, author_time))
        self.write("committer CI <ci@example.com> %d +0000\n" % self.time)
        self.data(message + "\n")
        if parent:
            self.write("from :%d\n" % parent)
        if merge:
            self.write("merge :%d\n" % merge)
        self.write("M 644 inline src/file%d.txt\n" % (self.mark % 50))
        self.data("line %d\n" % self.mark)
        self.write("\n")
        return self.mark

    def tag(self, name, target, annotated):
        if annotated:
            self.time += 30
            self.write("tag %s\nfrom :%d\n" % (name, target))
            self.write("tagger Release Bot <release@example.com> %d +0000\n" % self.time)
            self.data("Release %s\n" % name)
        else:
            self.write("reset refs/tags/%s\nfrom :%d\n\n" % (name, target))

    def release(self, name, target):
        self.releases += 1
        self.tag(name, target, annotated=self.releases % 3 != 0)


def build(stream, total_commits, releases):
    minors = max(1, releases // 10)        # X.Y.0 plus nine hotfixes each
    per_minor = max(20, total_commits // minors)
    maintained = []                         # [name, tip mark, next patch]
    main = stream.commit("refs/heads/main", None, "initial commit")
    feature = 0
    for m in range(minors):
        version = "%d.%d" % (1 + m // 10, m % 10)
        budget = stream.commits + per_minor
        hotfix_at = set(stream.rng.sample(range(per_minor), min(per_minor, 4 * len(maintained))))
        step = 0
        while stream.commits < budget - 1:
            step += 1
            if step % 40 == 0:
                feature += 1
                ref = "refs/heads/feature/f%d" % feature
                tip = main
                for i in range(stream.rng.randint(2, 6)):
                    tip = stream.commit(ref, tip, "feature %d part %d" % (feature, i))
                main = stream.commit("refs/heads/main", main, "Merge feature %d" % feature, tip)
                if feature % 10:
                    stream.write("reset %s\nfrom 0000000000000000000000000000000000000000\n\n" % ref)
            elif step in hotfix_at and maintained:
                branch = stream.rng.choice(maintained)
                name, tip, patch = branch
                if patch > 12:
                    continue
                tip = stream.commit("refs/heads/maint-" + name, tip, "fix in %s" % name)
                branch[1] = tip
                stream.release("v%s.%d" % (name, patch), tip)
                branch[2] += 1
                if patch % 2 == 0:
                    main = stream.commit("refs/heads/main", main,
                                         "Merge maint-%s" % name, tip)
            else:
                main = stream.commit("refs/heads/main", main, "work on %s (%d)" % (version, step))
        stream.tag("v%s.0-rc1" % version, main, annotated=False)
        main = stream.commit("refs/heads/main", main, "release %s.0" % version)
        stream.release("v%s.0" % version, main)
        stream.tag("build-%d" % m, main, annotated=True)
        stream.write("reset refs/heads/maint-%s\nfrom :%d\n\n" % (version, main))
        maintained.append([version, main, 1])
        maintained = maintained[-3:]
    # Finish the hotfix series of the last maintained minors.
    for branch in maintained:
        name, tip, patch = branch
        while patch <= 12 and stream.releases < releases:
            tip = stream.commit("refs/heads/maint-" + name, tip, "late fix in %s" % name)
            stream.release("v%s.%d" % (name, patch), tip)
            patch += 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=100000)
    parser.add_argument("--releases", type=int, default=500)
    args = parser.parse_args()
    out = open(sys.stdout.fileno(), "w", encoding="utf-8", newline="\n", buffering=1 << 20)
    stream = Stream(out)
    build(stream, args.commits, args.releases)
    out.flush()
    sys.stderr.write("make_repo: %d commits, %d release tags\n" % (stream.commits, stream.releases))


if __name__ == "__main__":
    main()
