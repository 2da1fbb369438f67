#!/usr/bin/env python3
"""Write a `git fast-import` stream for a benchmark repository on stdout.

Deterministic (seeded), generated here, never fetched. The history looks like
a long-lived product: a main line with feature branches merged back, one
minor release after another (X.Y.0 on main), a maintenance branch per minor
that gets hotfix releases (X.Y.1, X.Y.2, ...) while newer minors ship, hotfix
branches merged back into main, release candidates and other non-release
tags, annotated and lightweight tags.

With --reverts N, N of the main line's work commits become reverts of earlier
ones (git revert's messages: plain, abbreviated ids, merge reverts, reverts of
reverts), spread evenly; the rest of the stream is unchanged. A revert names
its target by id while the stream names commits by mark, so the generator
computes every object id exactly as git does (a commit's id covers its tree
and its parents' ids); --export-ids FILE writes them in the format of
`git fast-import --export-marks`, for the caller to check after the import.

Usage: make_repo.py [--commits N] [--releases N] [--reverts N [--export-ids FILE]]
       | git fast-import --quiet
"""

import argparse
import collections
import hashlib
import random
import sys

START = 1420070400  # 2015-01-01T00:00:00Z
FILES = 50          # commit N writes src/file<N % FILES>.txt
# Tree entries in git's order (byte order of the names; there are no folders).
FILE_ORDER = sorted(range(FILES), key=lambda slot: "file%d.txt" % slot)


def object_id(kind, body):
    """Return git's binary id of an object: sha1 of "<kind> <size>\0<body>"."""
    return hashlib.sha1(b"%s %d\0%s" % (kind, len(body), body)).digest()


class ObjectIds:
    """Commit ids as git computes them for the stream's commits, by mark."""

    def __init__(self):
        self.commit = {}   # mark -> hex id
        self.files = {}    # mark -> blob ids of src/file<slot>.txt (None: absent)

    def add(self, mark, parents, header, message, path_slot, content):
        files = list(self.files[parents[0]]) if parents else [None] * FILES
        files[path_slot] = object_id(b"blob", content.encode())
        self.files[mark] = tuple(files)
        src = b"".join(b"100644 file%d.txt\0%s" % (slot, files[slot])
                       for slot in FILE_ORDER if files[slot])
        root = object_id(b"tree", b"40000 src\0" + object_id(b"tree", src))
        lines = ["tree " + root.hex()] + ["parent " + self.commit[p] for p in parents]
        body = "\n".join(lines) + "\n" + header + "\n" + message
        self.commit[mark] = object_id(b"commit", body.encode()).hex()
        return self.commit[mark]

    def export(self, path):
        with open(path, "w", encoding="ascii") as out:
            for mark in sorted(self.commit):
                out.write(":%d %s\n" % (mark, self.commit[mark]))


class Stream:
    def __init__(self, out):
        self.out = out
        self.mark = 0
        self.time = START
        self.commits = 0
        self.releases = 0
        self.rng = random.Random(42)
        self.ids = None

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
        header = ("author Dev %d <dev%d@example.com> %d +0000\n"
                  % (self.mark % 37, self.mark % 37, author_time)
                  + "committer CI <ci@example.com> %d +0000\n" % self.time)
        self.write("commit %s\nmark :%d\n" % (ref, self.mark))
        self.write(header)
        self.data(message + "\n")
        if parent:
            self.write("from :%d\n" % parent)
        if merge:
            self.write("merge :%d\n" % merge)
        self.write("M 644 inline src/file%d.txt\n" % (self.mark % FILES))
        self.data("line %d\n" % self.mark)
        self.write("\n")
        if self.ids:
            self.ids.add(self.mark, [p for p in (parent, merge) if p], header, message + "\n",
                         self.mark % FILES, "line %d\n" % self.mark)
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


class Reverts:
    """Plans the main line's reverts: which work commit becomes one, of what."""

    def __init__(self, ids, count, total_commits):
        self.ids = ids
        self.left = count
        self.every = total_commits // (count + 1) if count else 0
        self.next_at = self.every
        self.made = 0
        self.rng = random.Random(14)
        # Targets: recent work (a window of about one and a half minors, so
        # that some reverts ship with their target and most in a later
        # release), the latest feature merges, the latest revert.
        self.work = collections.deque(maxlen=3000)   # (mark, subject)
        self.merges = collections.deque(maxlen=5)    # (merge mark, first parent mark)
        self.last = None                             # (mark, subject)

    def message(self, commits, subject):
        """Return the message of the next work commit: a revert when one is due."""
        if not self.left or commits < self.next_at or not self.work:
            return subject
        self.left -= 1
        self.made += 1
        self.next_at += self.every
        if self.made % 20 == 0 and self.last:
            mark, original = self.last
            return 'Revert "%s"\n\nThis reverts commit %s.' % (original, self.ids.commit[mark])
        if self.made % 10 == 5 and self.merges:
            mark, first_parent = self.merges[-1]
            return ('Revert "Merge feature"\n\nThis reverts commit %s, reversing\n'
                    "changes made to %s." % (self.ids.commit[mark], self.ids.commit[first_parent]))
        mark, original = self.work[self.rng.randrange(len(self.work))]
        self.work.remove((mark, original))
        digits = 10 if self.made % 5 == 2 else 40
        return 'Revert "%s"\n\nThis reverts commit %s.' % (original,
                                                           self.ids.commit[mark][:digits])

    def record(self, mark, message):
        """Note a main-line work commit the stream wrote with `message`."""
        subject = message.split("\n", 1)[0]
        if subject.startswith("Revert "):
            self.last = (mark, subject.replace('"', "'"))
        elif self.every:
            self.work.append((mark, subject))

    def record_merge(self, mark, first_parent):
        """Note a feature merge into the main line."""
        if self.every:
            self.merges.append((mark, first_parent))


def build(stream, total_commits, releases, reverts):
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
                merged = stream.commit("refs/heads/main", main, "Merge feature %d" % feature, tip)
                reverts.record_merge(merged, main)
                main = merged
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
                message = reverts.message(stream.commits, "work on %s (%d)" % (version, step))
                main = stream.commit("refs/heads/main", main, message)
                reverts.record(main, message)
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
    parser.add_argument("--reverts", type=int, default=0)
    parser.add_argument("--export-ids", metavar="FILE")
    args = parser.parse_args()
    out = open(sys.stdout.fileno(), "w", encoding="utf-8", newline="\n", buffering=1 << 20)
    stream = Stream(out)
    if args.reverts or args.export_ids:
        stream.ids = ObjectIds()
    reverts = Reverts(stream.ids, args.reverts, args.commits)
    build(stream, args.commits, args.releases, reverts)
    out.flush()
    if args.export_ids:
        stream.ids.export(args.export_ids)
    sys.stderr.write("make_repo: %d commits, %d release tags, %d reverts\n"
                     % (stream.commits, stream.releases, reverts.made))


if __name__ == "__main__":
    main()
