#!/usr/bin/env python3
"""Rewrites the benchmark figures from the logs of bench/run-all.sh (Python stdlib only).

  python3 bench/regen.py [NAME ...]      (default: every bench/out/run-all/<NAME>.log there is)

For each benchmark whose log ends in exit 0 (run-all.sh's last line of the log):
  * in the RESULTS file it feeds (regen_headlines.SPECS), the block between
    <!-- run-all:NAME:begin --> and <!-- run-all:NAME:end --> becomes the log's stamp, its command
    and the tables and result lines it printed (not its progress chatter). A file without the
    markers gets them in a section "## Latest run (bench/run-all.sh)" before its first "## ".
  * in BENCHMARKS.md, the Summary table between <!-- run-all:summary:begin/end --> gets one row
    per headline (regen_headlines.HEADLINES): from the log where the figure is found, else the
    row already there.
A failed or unfinished run rewrites nothing; its rows get a note saying a later run failed.
Figures are never replaced by those of an older run (dates compared), so running this again on
the same logs changes nothing. Prints a markdown report (run-all.sh appends it to SUMMARY.md).
Prose outside the markers is never touched.
"""
import os
import re
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no bench/__pycache__ in the checkout
sys.path.insert(0, str(Path(__file__).resolve().parent))
from regen_headlines import HEADLINES, PARSERS, SPECS  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / "bench/out/run-all"
BENCHMARKS = ROOT / "BENCHMARKS.md"
SECTION = "## Latest run (bench/run-all.sh)"
SECTION_INTRO = ("Each block below is rewritten by `bash bench/run-all.sh` (through `bench/regen.py`)\n"
                 "from the latest log of its benchmark; the sections after it are written by hand\n"
                 "and may hold other runs' figures.")
HEADER = ["what", "minga", "peer(s), same run", "ratio", "target", "run", "produced by"]


def begin(name):
    return f"<!-- run-all:{name}:begin -->"


def end(name):
    return f"<!-- run-all:{name}:end -->"


class Log:
    """A run-all log: `# COMMAND`, `# STAMP`, the output, `# run-all MODE: exit RC after S s`."""

    def __init__(self, name, path):
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        self.name = name
        self.cmd = lines[0][2:] if lines and lines[0].startswith("# ") else "?"
        self.stamp = lines[1][2:] if len(lines) > 1 and lines[1].startswith("# date ") else ""
        self.date = field(r"date (\S+?);", self.stamp)
        self.short = self.date[:16] + "Z" if self.date else ""  # 2026-12-06T22:05Z
        self.git = field(r"git (\S+?);", self.stamp)
        self.load = field(r"load average (\S+)", self.stamp)
        last = re.match(r"# run-all (--quick|--full): exit (\d+) after (\d+) s$", lines[-1]) if lines else None
        self.mode, self.exit, self.wall = last.groups() if last else (None, None, None)
        self.body = [clean(x) for x in lines[2:-1 if last else None]]
        self.state = "unfinished" if not last else "ok" if self.exit == "0" else "failed"


def field(pattern, text):
    m = re.search(pattern, text)
    return m.group(1) if m else ""


def clean(line):
    """A log line as it may be committed: the last state of a \\r progress line, no absolute
    paths of this machine (repository-relative instead, ../ for the checkout's parent)."""
    line = line.split("\r")[-1].rstrip()
    for root in {str(ROOT), os.path.abspath(ROOT)}:
        line = line.replace(root + "/", "").replace(str(Path(root).parent) + "/", "../")
    return re.sub(r"(?<![\w.])/\S*?/((?:bench/out|target)/)", r"\1", line)


def figures(log):
    """The lines of the log that are figures: markdown tables and the benchmark's result lines,
    with "" where anything else was (it separates two tables printed one after the other)."""
    keep = re.compile(SPECS[log.name][1])
    out = []
    for x in log.body:
        if x.startswith("|") or keep.search(x):
            out.append(x)
        elif out and out[-1]:
            out.append("")
    return out


def render_block(log, lines):
    out = [begin(log.name),
           f"**`{log.name}`**: `{log.cmd}`, run by `bash bench/run-all.sh {log.mode}` (exit 0 after "
           f"{log.wall} s); {log.stamp}. Written by `bench/regen.py` from that run's log: edits "
           "between these markers are lost at the next run."]
    groups = []  # [is table, lines, still open]: tables as printed, other lines fenced
    for x in lines:
        table = x.startswith("|")
        if x and groups and groups[-1][0] == table and (not table or groups[-1][2]):
            groups[-1][1].append(x)
        elif x:
            groups.append([table, [x], True])
        if groups:
            groups[-1][2] = bool(x)  # a table goes on only if no other line came between
    for table, rows, _ in groups:
        out += [""] + (rows if table else ["```text"] + rows + ["```"])
    return "\n".join(out + ["", end(log.name)])


def put_block(text, name, block):
    """text with the block of `name` replaced, or inserted where regen.py puts new blocks."""
    m = re.search(re.escape(begin(name)) + ".*?" + re.escape(end(name)), text, re.S)
    if m:
        return text[:m.start()] + block + text[m.end():]
    names = list(SPECS)
    earlier = [text.find(end(n)) + len(end(n)) for n in names[:names.index(name)] if end(n) in text]
    if earlier:
        at = max(earlier)
        return text[:at] + "\n\n" + block + text[at:]
    if SECTION in text:
        at = text.index(SECTION) + len(SECTION)
        if text[at:].startswith("\n\n" + SECTION_INTRO):
            at += 2 + len(SECTION_INTRO)
        return text[:at] + "\n\n" + block + text[at:]
    at = text.find("\n## ")
    at = len(text) if at < 0 else at + 1
    new = f"{SECTION}\n\n{SECTION_INTRO}\n\n{block}\n\n"
    return text[:at] + ("\n" if at == len(text) else "") + new + text[at:]


def rewrite_results(log):
    """Rewrites the log's block in its RESULTS file; returns what it did, for the report."""
    path = ROOT / SPECS[log.name][0]
    rel = SPECS[log.name][0]
    lines = figures(log)
    if not lines:
        return f"printed no tables or result lines: the block in `{rel}` is left as it was"
    text = path.read_text(encoding="utf-8")
    m = re.search(re.escape(begin(log.name)) + ".*?" + re.escape(end(log.name)), text, re.S)
    if m and field(r"date (\S+?);", m.group(0)) > log.date:
        return f"the block in `{rel}` is from a later run: left as it is"
    new = put_block(text, log.name, render_block(log, lines))
    if new != text:
        path.write_text(new, encoding="utf-8")
        return f"block rewritten in `{rel}`"
    return f"block in `{rel}` already up to date"


def row_date(cells):
    m = re.search(r"\d{4}-\d{2}-\d{2}(T\d\d:\d\dZ)?", cells[5]) if len(cells) > 5 else None
    return m.group(0) if m else ""


def with_note(cells, note):
    """cells with the run column's earlier note about a later run replaced by `note`."""
    run = re.sub(r";? ?\*\*later run [^*]*\*\*", "", cells[5])
    return cells[:5] + [run + (f"; **later run {note}**" if note else "")] + cells[6:]


def summary_row(label, target, log, fig, old):
    """(row, True) from the log if it has the figure and is not older than the row there;
    else (the old row, False), noted when a later run failed or did not print the figure."""
    newer = bool(log and log.short and log.short >= (row_date(old) if old else ""))
    if newer and log.state == "ok" and fig:
        minga, peers, ratio, verdict = (x.replace("|", "\\|") for x in fig)
        run = f"{log.mode} {log.short}, git {log.git}, load {log.load}"
        run += ", build skipped (MINGA_SKIP_BUILD=1)" if "build skipped" in log.stamp else ""
        return [label, minga, peers, ratio, f"{target}: {verdict}" if verdict else target, run,
                f"`{SPECS[log.name][0]}`; `{log.cmd}`"], True
    row = old or [label, "not measured yet", "—", "—", target, "—", "`bash bench/run-all.sh --full`"]
    if newer and log.short > row_date(row) and log.state != "unfinished":
        why = f"failed, exit {log.exit}" if log.state == "failed" else "printed no such figure"
        row = with_note(row, f"{log.mode} {log.short} {why}")
    return row, False


def rewrite_summary(logs):
    """Rewrites BENCHMARKS.md's generated Summary table; returns {benchmark: rows from its log}
    for every log that ended in exit 0."""
    text = BENCHMARKS.read_text(encoding="utf-8")
    m = re.search(re.escape(begin("summary")) + "(.*?)" + re.escape(end("summary")), text, re.S)
    if not m:
        raise SystemExit(f"bench/regen.py: no {begin('summary')} ... {end('summary')} in BENCHMARKS.md")
    old = {}
    for line in m.group(1).splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if len(cells) == len(HEADER) and cells != HEADER and not cells[0].startswith("-"):
            old[cells[0]] = cells
    parsed = {n: PARSERS[n](log.body) for n, log in logs.items() if log.state == "ok"}
    rows, counts = [], {n: 0 for n in parsed}
    for hid, (bench, label, target) in HEADLINES.items():
        fig = parsed.get(bench, {}).get(hid)
        row, from_log = summary_row(label, target, logs.get(bench), fig, old.get(label))
        if bench in counts:
            counts[bench] += from_log
        rows.append("| " + " | ".join(row) + " |")
    table = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)] + rows
    new = text[:m.start(1)] + "\n" + "\n".join(table) + "\n" + text[m.end(1):]
    if new != text:
        BENCHMARKS.write_text(new, encoding="utf-8")
    return counts


def main(names):
    unknown = [n for n in names if n not in SPECS]
    if unknown:
        raise SystemExit(f"bench/regen.py: unknown benchmark(s) {' '.join(unknown)}; known: {' '.join(SPECS)}")
    names = names or [n for n in SPECS if (LOGS / f"{n}.log").exists()]
    logs = {n: Log(n, LOGS / f"{n}.log") for n in names if (LOGS / f"{n}.log").exists()}
    report = {n: "no log in bench/out/run-all: nothing rewritten" for n in names if n not in logs}
    for n, log in logs.items():
        if log.state == "ok" and not PARSERS[n](log.body):
            # exit 0 without its headline: a script that hid an error, or an output format
            # bench/regen_headlines.py does not know yet; either way its old figures stand.
            report[n] = (f"exit 0, but **no headline figure found** in its log: its block in `{SPECS[n][0]}` "
                         f"and its rows are left as they were (check `bench/out/run-all/{n}.log`, "
                         "then the parser in bench/regen_headlines.py)")
        elif log.state == "ok":
            report[n] = rewrite_results(log)
        elif log.state == "failed":
            report[n] = (f"**failed (exit {log.exit})**: its block in `{SPECS[n][0]}` and its BENCHMARKS.md "
                         f"rows are left as they were (the rows say a later run failed); see `bench/out/run-all/{n}.log`")
        else:
            report[n] = "no exit line in its log (still running, killed, or older than run-all's exit lines): nothing rewritten"
    counts = rewrite_summary(logs)
    print("## Figures rewritten (bench/regen.py)\n")
    for n in names:
        log = logs.get(n)
        when = f" ({log.mode or 'unfinished'} {log.short})" if log else ""
        rows = f"; BENCHMARKS.md summary rows from it: {counts[n]}" if n in counts else ""
        print(f"- `{n}`{when}: {report[n]}{rows}")


if __name__ == "__main__":
    main(sys.argv[1:])
