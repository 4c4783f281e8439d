"""Summarises the repeated runs of one bench/tok-bench.sh section.

usage: tok_timing.py train|encode DIR TOOL...

DIR holds, per tool and run i, TOOL.i.time (GNU time "%e %U %S %M": wall s, user s, sys s, peak
RSS KB of the whole process), TOOL.i.log (its output) and TOOL.i.load (1-minute load average when
the run started). The log line "trained vocab N in S s" or "encode: T tokens L lines in S s" gives
the seconds of the library call alone (S). Prints a markdown table (median and min-max over the
runs, every tool the same number of runs) and the line run-all parses:
  RESULT tok-train TOOL_s=<median wall> TOOL_cpu_s=... TOOL_rss_mb=... runs=N
  RESULT tok-encode TOOL_tps=<tokens / median timed s> TOOL_tpcpu=<tokens per process CPU s>
                    TOOL_wall_s=... TOOL_rss_mb=... runs=N
"""
import glob
import os
import re
import statistics
import sys

TRAIN = re.compile(r"trained vocab (\d+) in ([\d.]+) s")
ENCODE = re.compile(r"encode: (\d+) tokens (\d+) lines in ([\d.]+) s")


def runs_of(d, tool):
    out = []
    for t in sorted(glob.glob(f"{d}/{tool}.*.time")):
        base = t[: -len(".time")]
        fields = open(t).read().split()
        if len(fields) < 4:  # GNU time writes "Command exited with non-zero status" first
            sys.exit(f"{t}: the run failed:\n{open(base + '.log').read()[-2000:]}")
        wall, user, sys_s, rss = map(float, fields[-4:])
        log = open(base + ".log").read()
        load = float(open(base + ".load").read()) if os.path.exists(base + ".load") else float("nan")
        out.append({"wall": wall, "cpu": user + sys_s, "rss_mb": rss / 1024, "log": log, "load": load})
    if not out:
        sys.exit(f"no runs of {tool} in {d}")
    return out


def spread(values, fmt):
    med = statistics.median(values)
    if len(values) == 1:
        return med, fmt.format(med)
    return med, f"{fmt.format(med)} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def parse_log(section, log):
    m = (TRAIN if section == "train" else ENCODE).search(log)
    if not m:
        sys.exit(f"no timing line in log:\n{log[-2000:]}")
    if section == "train":
        return {"vocab": int(m[1]), "timed": float(m[2])}
    return {"tokens": int(m[1]), "lines": int(m[2]), "timed": float(m[3])}


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in ("train", "encode"):
        sys.exit(__doc__)
    section, d, tools = sys.argv[1], sys.argv[2], sys.argv[3:]
    counts = {t: len(runs_of(d, t)) for t in tools}
    if len(set(counts.values())) != 1:
        sys.exit(f"tools ran a different number of times: {counts}")
    n = next(iter(counts.values()))
    if section == "train":
        print("| trainer | vocab | wall s | CPU s | in-call s | peak RSS MB | load at start |")
    else:
        print("| encoder | tokens | M tokens/s (timed call) | timed s | process wall s | process CPU s | M tokens per process CPU s | peak RSS MB | load at start |")
    print("|---|---:|---:|---:|---:|---:|---:|" + ("---:|---:|" if section == "encode" else ""))
    result = []
    for tool in tools:
        runs = runs_of(d, tool)
        parsed = [parse_log(section, r["log"]) for r in runs]
        wall, wall_s = spread([r["wall"] for r in runs], "{:.2f}")
        cpu, cpu_s = spread([r["cpu"] for r in runs], "{:.2f}")
        rss, rss_s = spread([r["rss_mb"] for r in runs], "{:.0f}")
        timed, timed_s = spread([p["timed"] for p in parsed], "{:.2f}")
        loads = "–".join(f"{x:.1f}" for x in (min(r["load"] for r in runs), max(r["load"] for r in runs)))
        if section == "train":
            print(f"| {tool} | {parsed[0]['vocab']} | {wall_s} | {cpu_s} | {timed_s} | {rss_s} | {loads} |")
            result += [f"{tool}_s={wall:.2f}", f"{tool}_cpu_s={cpu:.2f}", f"{tool}_rss_mb={rss:.0f}"]
        else:
            tokens = parsed[0]["tokens"]
            if any(p["tokens"] != tokens for p in parsed):
                sys.exit(f"{tool}: token count differs between runs")
            tps, tps_s = spread([p["tokens"] / p["timed"] / 1e6 for p in parsed], "{:.2f}")
            per_cpu, per_cpu_s = spread([tokens / r["cpu"] / 1e6 for r in runs], "{:.2f}")
            print(f"| {tool} | {tokens:,} | {tps_s} | {timed_s} | {wall_s} | {cpu_s} | {per_cpu_s} | {rss_s} | {loads} |")
            result += [f"{tool}_tps={tokens / timed:.0f}", f"{tool}_tpcpu={per_cpu * 1e6:.0f}"]
            result += [f"{tool}_wall_s={wall:.2f}", f"{tool}_rss_mb={rss:.0f}"]
    print()
    print(f"RESULT tok-{section} " + " ".join(result) + f" runs={n}")


main()
