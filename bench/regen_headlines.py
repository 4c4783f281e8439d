"""What bench/regen.py takes from each benchmark's log (bench/out/run-all/<name>.log).

SPECS: per benchmark, the RESULTS file it feeds and which printed lines are its figures (every
markdown table line is; `keep` adds result lines, the rest is progress chatter).
HEADLINES: the rows of the generated table in BENCHMARKS.md's Summary, in order: id ->
(benchmark, label, target). The label is the row's key in the table, so it stays fixed; what
varies with the run (sizes, names) goes in the cells.
Each PARSERS function reads a log's lines and returns {headline id: (minga, peers, ratio,
verdict)}; a figure it cannot find is left out, and regen.py keeps that row's previous value.
"""
import re

SPECS = {
    "langid": ("bench/RESULTS-langid.md", r"^(macro |speed:)"),
    "quality": ("bench/RESULTS-quality.md", r"^(== |minga quality:|datatrove |minga [\d.]+ MB/s)"),
    "pii": ("bench/RESULTS-pii.md", r"^(== |minga pii scan|datatrove PIIFormatter:)"),
    "extract": ("bench/RESULTS-extract.md", r"^core "),
    "docs-readers": ("bench/RESULTS-docs.md", r"^(== |-- |documents |\d+ KB )"),
    "dedup": ("bench/RESULTS-dedup.md",
              r"^(## (minga|reference|quality)|\d+ (documents|real)|mean shingles|pairs )"),
    "dedup-verify-cost": ("bench/RESULTS-dedup.md", r"^(corpus: |bench/out/\S+: \d+ documents)"),
    "dedup-curve": ("bench/RESULTS-dedup.md", r"^split "),
    "tok": ("bench/RESULTS-tok.md",
            r"^== |^RESULT |^trained vocab|peak RSS|tokens/s|identical|differ|^\S+-train "),
    "tokenizer-heldout": ("bench/RESULTS-tok.md", r"^== "),
    "pipeline": ("bench/RESULTS-pipeline.md", r"^== \d+ documents"),
    "langid-stage": ("bench/RESULTS-langid.md", r"^(\d+ documents|== |stage |detect )"),
    "pipeline-datatrove": ("bench/RESULTS-pipeline.md",
                           r"^(== |documents exported|datatrove steps|\S+\t[\d.]+\t[\d.]+$)"),
}

HEADLINES = {  # id: (benchmark, label, target)
    "pipeline-dt": ("pipeline-datatrove",
        "whole pipeline against datatrove on the same WARC pages, CPU-s per GB of text",
        "—"),
    "pipeline-scale": ("pipeline",
        "whole pipeline at 1 M documents or more, all 7 stages, all cores (largest size of a --full run)",
        "memory flat from 0.25 to 1 M documents"),
    "pipeline": ("pipeline",
        "whole pipeline at the --quick size, all 7 stages, all cores",
        "—"),
    "extract-f1": ("extract",
        "HTML extraction F1, extract-eval report half",
        "≥ 0.93 and above trafilatura"),
    "extract-speed": ("extract",
        "HTML extraction speed, pages per CPU-second (extract-eval)",
        "≥ 10x trafilatura"),
    "langid-acc": ("langid",
        "language ID, macro accuracy over 21 labels (dev less the Otomí training lines)",
        "≥ 0.95, no label < 0.85"),
    "langid-speed": ("langid",
        "language ID speed, MB/s per CPU-second, 1 thread",
        "≥ 10 MB/s"),
    "langid-stage": ("langid-stage",
        "langid stage (Parquet in and out, spans, ledger) against `langid detect`, MB per CPU-second",
        "stage ≤ 1.3x the CPU of detect"),
    "quality": ("quality",
        "quality signals + rules, MB/s per core (conha19 chunks)",
        "≥ 20x datatrove"),
    "pii": ("pii",
        "PII scan and redaction (the output text built, as datatrove's format builds it), MB/s per core (conha19 / web pages)",
        "(part of the filter target)"),
    "docs": ("docs-readers",
        "document readers, MB/s per core (TEI / txt / jsonl)",
        "—"),
    "dedup-pr": ("dedup-curve",
        "near-dedup precision / recall, real prose with graded edits (threshold 0.8, 14 x 8)",
        "precision ≥ 0.99 at recall ≥ 0.95"),
    "dedup-cost": ("dedup-verify-cost",
        "cost of exact near-dup verification, whole `minga dedup` stage, CPU-s (peak RSS)",
        "≤ 1.5x unverified"),
    "minhash": ("dedup",
        "MinHash signatures (112 perms, word 5-grams), MB/s per core (minga and datasketch in "
        "memory; datatrove's step also runs its spaCy word tokenizer and writes its signature "
        "files, so its figure carries work minga's does not: the whole-pipeline row compares "
        "both with I/O)",
        "≥ 100 MB/s, ≥ 30x datasketch"),
    "tok-train": ("tok",
        "BPE training, 104 MB of distinct Spanish, 32k vocab, one core: wall / peak RSS",
        "≤ sentencepiece time, ≤ HF memory"),
    "tok-encode": ("tok",
        "encode for export, tokens/s, one core (same tokenizer, same ids)",
        "≥ 3x HF encode_batch (Rust crate)"),
    "fertility": ("tokenizer-heldout",
        "tokenizer fertility, report half of dev, 64k: spa / por / que / grn / aym",
        "spa ≤ 1.40; que, grn, aym ≤ 2.6; aym ≤ 1.7x spa"),
}


def first(pattern, lines, group=1):
    """The group of the first line matching pattern, or None."""
    for line in lines:
        m = re.search(pattern, line)
        if m:
            return m.group(group)
    return None


def number(cell):
    """The first number in a cell ("**0.923**", "62,844 lines/s", "0.30 (0.29-0.31)")."""
    m = re.search(r"\d[\d,]*(\.\d+)?", cell)
    return float(m.group(0).replace(",", "")) if m else None


def ratio(a, b):
    r = a / b
    return f"{r:.2f}x" if r < 2 else f"{r:.1f}x" if r < 100 else f"{r:.0f}x"


def verdict(ok):
    return "met" if ok else "**missed**"


def tables(lines):
    """Markdown tables in lines: lists of rows of stripped cells, header first, rule dropped."""
    out, cur = [], None
    for line in lines:
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if all(re.fullmatch(r":?-+:?", c) for c in cells):
                continue
            if cur is None:
                cur = []
                out.append(cur)
            cur.append(cells)
        else:
            cur = None
    return out


def table(lines, *header):
    """The first table whose header starts with the given cells."""
    for t in tables(lines):
        if t[0][:len(header)] == list(header):
            return t
    return None


def sections(lines, mark="== "):
    """(header, lines under it) for every line starting with mark."""
    out = []
    for line in lines:
        if line.startswith(mark):
            out.append((line[len(mark):], []))
        elif out:
            out[-1][1].append(line)
    return out


def langid(lines):
    t = table(lines, "label", "lines", "minga")
    if not t:
        return {}
    names = [{"cld2": "CLD2"}.get(h, h) for h in t[0]]
    rows = {r[0]: r for r in t[1:]}
    out = {}
    macro, low = first(r"^macro accuracy ([\d.]+) over", lines), first(r"^macro accuracy .*lowest ([\d.]+)", lines)
    m = rows.get("**macro, all labels**")
    if m and macro and low:
        peers = "; ".join(f"{names[i]} {m[i].strip('*')}" for i in range(3, len(m)))
        out["langid-acc"] = (f"{float(macro):.3f} (lowest label {float(low):.3f})", peers, "—",
                             verdict(float(macro) >= 0.95 and float(low) >= 0.85))
    s = rows.get("speed, 1 thread")
    if s:
        rates = [re.search(r"([\d.]+) MB/s per CPU-second", c) for c in s[2:]]
        if all(rates):
            v = [float(r.group(1)) for r in rates]
            peers = "; ".join(f"{names[i + 2]} {v[i]:g}" for i in range(1, len(v)))
            out["langid-speed"] = (f"{v[0]:g}", peers, "; ".join(ratio(v[0], p) for p in v[1:]),
                                   verdict(v[0] >= 10))
    return out


def quality(lines):
    m = next(filter(None, (re.match(r"minga ([\d.]+) MB/s; datatrove G\+C4\+FW ([\d.]+) MB/s \(x([\d.]+)\); "
                                    r"with Gopher repetition ([\d.]+) MB/s \(x([\d.]+)\)", x) for x in lines)), None)
    if not m:
        return {}
    g = m.groups()
    return {"quality": (g[0], f"datatrove Gopher+C4+FineWeb {g[1]} (with Gopher repetition {g[3]})",
                        f"{float(g[2]):.0f}x ({float(g[4]):.0f}x)", verdict(float(g[2]) >= 20))}


def pii(lines):
    rates = {}
    for name, body in sections(lines):
        name = name.split()[0]
        minga = first(r"^minga pii scan(?:\+redact)?: .* = ([\d.]+) MB/s", body)
        peer = first(r"^datatrove PIIFormatter: .* = ([\d.]+) MB/s", body)
        if minga and peer:
            rates[name] = (float(minga), float(peer))
    if "conha19" not in rates or "web-pages" not in rates:
        return {}
    c, w = rates["conha19"], rates["web-pages"]
    return {"pii": (f"{c[0]:g} / {w[0]:g}", f"datatrove PIIFormatter {c[1]:g} / {w[1]:g}",
                    f"{ratio(*c)} / {ratio(*w)}", "")}


def extract(lines):
    out = {}
    q = table(lines, "dataset", "split", "tool")
    f1 = {r[2]: number(r[6]) for r in q[1:] if r[0] == "extract-eval" and r[1] == "report"} if q else {}
    if "minga" in f1 and "trafilatura" in f1:
        pages = next(r[3] for r in q[1:] if r[:3] == ["extract-eval", "report", "minga"])
        peers = "; ".join(f"{t} {v:.3f}" for t, v in f1.items() if t != "minga")
        out["extract-f1"] = (f"{f1['minga']:.3f} ({pages} pages)", peers, "—",
                             verdict(f1["minga"] >= 0.93 and f1["minga"] > f1["trafilatura"]))
    s = table(lines, "dataset", "tool", "pages")
    speed = {r[1]: number(r[3]) for r in s[1:] if r[0] == "extract-eval"} if s else {}
    if "minga" in speed and "trafilatura" in speed:
        peers = [t for t in speed if t != "minga"]
        out["extract-speed"] = (f"{speed['minga']:g}", "; ".join(f"{t} {speed[t]:g}" for t in peers),
                                "; ".join(ratio(speed["minga"], speed[t]) for t in peers),
                                verdict(speed["minga"] >= 10 * speed["trafilatura"]))
    return out


def docs_readers(lines):
    """Best of the runs per reader: minga (under "== KIND") against Python's stdlib ("-- ...")."""
    best, kind, side = {}, None, None
    for line in lines:
        m = re.match(r"^== (\w+)", line)
        if m:
            kind, side = m.group(1), "minga"
        elif line.startswith("-- "):
            side = "python"
        elif kind:
            r = re.match(r"^documents .* ([\d.]+) MB/s$", line)
            if r:
                best[kind, side] = max(best.get((kind, side), 0), float(r.group(1)))
    kinds = ("TEI", "txt", "jsonl")
    if not all((k, s) in best for k in kinds for s in ("minga", "python")):
        return {}
    mine, py = [best[k, "minga"] for k in kinds], [best[k, "python"] for k in kinds]
    return {"docs": (" / ".join(f"{v:.0f}" for v in mine) + " (best of the runs)",
                     "Python stdlib " + " / ".join(f"{v:.0f}" for v in py),
                     " / ".join(ratio(a, b) for a, b in zip(mine, py)), "")}


def dedup_curve(lines):
    t = table(lines, "threshold", "bands x rows", "verify")
    split, docs = first(r"^split (\w+):", lines), first(r"^split \w+: (\d+) documents", lines)
    if not t or not split:
        return {}
    rows = {r[2]: r for r in t[1:] if r[0] == "0.8" and r[1] == "14 x 8"}
    if "exact" not in rows or "none" not in rows:
        return {}
    pr = {k: (number(r[4].split("=")[-1]), number(r[5].split("=")[-1]), number(r[7])) for k, r in rows.items()}
    e, n = pr["exact"], pr["none"]
    return {"dedup-pr": (
        f"{e[0]:.3f} / {e[1]:.3f} (exact verification; {split} split, {int(docs):,} documents; {e[2]:.2f} CPU-s)",
        f"unverified LSH (datatrove and FineWeb do not verify) {n[0]:.3f} / {n[1]:.3f} ({n[2]:.2f} CPU-s)",
        "—", verdict(e[0] >= 0.99 and e[1] >= 0.95))}


def dedup_verify_cost(lines):
    t = table(lines, "verify")
    docs = first(r"^corpus: (\d+) documents", lines)
    rows = {r[0]: r for r in t[1:]} if t else {}
    if not docs or "exact" not in rows or "none" not in rows:
        return {}
    e, n = rows["exact"], rows["none"]
    return {"dedup-cost": (f"exact {number(e[1]):.2f} ({e[2]} MB); {int(docs):,} generated ~1 KB documents",
                           f"unverified (`verify = \"none\"`) {number(n[1]):.2f} ({n[2]} MB)",
                           e[4], verdict(number(e[4]) <= 1.5))}


def dedup(lines):
    steps = table(lines, "step", "kernel")
    refs = table(lines, "tool", "MB/s")
    if not steps or not refs:
        return {}
    kernels = sorted(((number(r[2]), r[2], r[1]) for r in steps[1:] if r[0] == "whole signatures step"), reverse=True)
    peers = [(r[0].split()[0], number(r[1]), r[1]) for r in refs[1:]]
    if not kernels or not peers:
        return {}
    best = kernels[0][0]
    ds = next((v for n, v, _ in peers if n == "datasketch"), None)
    return {"minhash": (", ".join(f"{raw} ({k})" for _, raw, k in kernels),
                        "; ".join(f"{n} {raw}" for n, _, raw in peers),
                        "; ".join(ratio(best, v) for _, v, _ in peers),
                        verdict(best >= 100 and ds is not None and best >= 30 * ds))}


def wall(s):
    return f"{s:.0f} s" if s < 300 else f"{s / 60:.1f} min"


def pipeline(lines):
    sizes = []
    for head, body in sections(lines):
        n, gb = first(r"^(\d+) documents", [head]), first(r"([\d.]+) GB of text", [head])
        t = table(body, "stage")
        if n and gb and t:
            stages = {r[0]: r for r in t[1:]}
            if "**all**" in stages:
                rss = max((number(r[4]), r[0]) for k, r in stages.items() if k != "**all**")
                sizes.append((int(n), gb, stages["**all**"], rss))
    if not sizes:
        return {}
    sizes.sort()
    n, gb, total, (rss, stage) = sizes[-1]
    cell = (f"{n:,} documents ({gb} GB of text): {wall(number(total[1]))} wall, {number(total[3]):.0f} CPU-s "
            f"per GB; peak RSS {rss:.0f} MB ({stage})")
    if len(sizes) > 1:
        cell += "; CPU-s per GB at " + ", ".join(f"{m:,}: {number(t[3]):.0f}" for m, _, t, _ in sizes[:-1])
    # A run that reached 1 M documents feeds the at-scale row; a smaller one (--quick) its own.
    return {"pipeline-scale" if n >= 1_000_000 else "pipeline": (cell, "—", "—", "")}


def langid_stage(lines):
    stage = first(r"^stage\s+([\d.]+) CPU-s .* ([\d.]+) MB per CPU-second", lines, 2)
    detect = first(r"^detect\s+([\d.]+) CPU-s .* ([\d.]+) MB per CPU-second", lines, 2)
    r = first(r"^stage / detect: ([\d.]+)x", lines)
    docs = first(r"^(\d+ documents, [\d.]+ MB) of text", lines)
    if not (stage and detect and r):
        return {}
    return {"langid-stage": (f"stage {stage} ({docs} of text)", f"`minga langid detect` {detect} (same texts)",
                             f"{r}x the CPU", verdict(float(r) <= 1.3))}


def pipeline_datatrove(lines):
    t = table(lines, "pipeline")
    n, gb = (first(r"^== (\d+) documents \(([\d.]+) GB of text\)", lines, g) for g in (1, 2))
    if not t or not n:
        return {}
    rows = {r[0].split()[0].rstrip(","): r for r in t[1:]}
    if not all(k in rows for k in ("minga", "datatrove", "ratio")):
        return {}
    kept = re.search(r"minga (\d+), datatrove (\d+)", first(r"^(documents exported as tokens: .*)", lines) or "")
    mk, dk = (f"; {int(kept.group(i)):,} documents exported" for i in (1, 2)) if kept else ("", "")
    what = re.search(r"\((.*)\)", rows["minga"][0])
    return {"pipeline-dt": (f"{rows['minga'][3]} ({int(n):,} pages, {gb} GB of text; {what.group(1) if what else 'minga'}{mk})",
                            f"{rows['datatrove'][0]} {rows['datatrove'][3]}{dk}",
                            f"{rows['ratio'][2]} CPU, {rows['ratio'][1]} wall", "")}


def timed_commands(body):
    """Output lines of each command of a tok-bench.sh section; `timed` ends each with its RSS line."""
    out, cur = [], []
    for line in body:
        m = re.search(r"peak RSS (\d+) KB, wall ([\d.]+) s", line)
        if m:
            out.append((cur, int(m.group(1)) / 1024, float(m.group(2))))
            cur = []
        else:
            cur.append(line)
    return out


PEER_NAMES = {"hf": "HF tokenizers", "spm": "sentencepiece", "hf-encode": "HF encode_batch (Python)",
              "hf_py": "HF encode_batch (Python)", "hf_py_fast": "HF encode_batch_fast (Python)",
              "hf_rust": "HF crate encode_batch", "hf_rust_fast": "HF crate encode_batch_fast"}


def result(lines, name):
    """The key=value pairs of the last `RESULT NAME k=v ...` line, or {}."""
    for line in reversed(lines):
        if line.startswith(f"RESULT {name} "):
            return dict(kv.split("=", 1) for kv in line.split()[2:] if "=" in kv)
    return {}


def train_runs(lines, body):
    """[(tool, wall s, peak RSS MB)] from tok-bench.sh's RESULT line, or from its older
    output (each command's lines, then `timed`'s "peak RSS" line)."""
    r = result(lines, "tok-train")
    if r:
        tools = [k[:-2] for k in r if k.endswith("_s") and not k.endswith(("_cpu_s", "_wall_s"))]
        return [(t, float(r[t + "_s"]), float(r.get(t + "_rss_mb", "nan"))) for t in tools], r.get("runs")
    runs = []
    for k, (out, rss, secs) in enumerate(timed_commands(body)):
        name = "minga" if first(r"^(trained vocab)", out) else first(r"^(\S+)-train ", out) or f"command {k + 1}"
        runs.append((name, secs, rss))
    return runs, None


def encode_runs(lines, body):
    """[(tool, M tokens/s)], minga first, as train_runs."""
    r = result(lines, "tok-encode")
    if r:
        return [(k[:-4], float(r[k]) / 1e6) for k in r if k.endswith("_tps")], r.get("runs")
    runs = []
    for k, (out, _, _) in enumerate(timed_commands(body)):
        m = next(filter(None, (re.match(r"^(?:(\S+) )?\d+ tokens in .* ([\d.]+) M tokens/s", x) for x in out)), None)
        if m:
            runs.append((m.group(1) or ("minga" if k == 0 else f"peer {k}"), float(m.group(2))))
    return runs, None


def runs_note(n):
    return "" if not n else " (1 run)" if n == "1" else f" (median of {n})"


def tok_train(lines, body):
    runs, n = train_runs(lines, body)
    mine = next((r for r in runs if r[0] == "minga"), None)
    peers = [r for r in runs if r[0] != "minga"]
    if not mine or not peers:
        return {}
    by = {r[0]: r for r in peers}
    ok = verdict(mine[1] <= by["spm"][1] and mine[2] <= by["hf"][2]) if "spm" in by and "hf" in by else ""
    return {"tok-train": (f"{mine[1]:.2f} s / {mine[2]:.0f} MB" + runs_note(n),
                          "; ".join(f"{PEER_NAMES.get(t, t)} {s:.2f} s / {m:.0f} MB" for t, s, m in peers),
                          "; ".join(f"{ratio(s, mine[1])} / {ratio(m, mine[2])}" for _, s, m in peers)
                          + " (peer / minga: time / memory)", ok)}


def tok_encode(lines, body):
    runs, n = encode_runs(lines, body)
    if len(runs) < 2 or runs[0][0] != "minga":
        return {}
    mine, peers = runs[0][1], runs[1:]
    same = sum("identical" in x for x in body)
    hf = dict(peers).get("hf_py", dict(peers).get("hf-encode"))
    return {"tok-encode": (f"{mine:.2f} M" + runs_note(n) + (f"; ids identical ({same} cmp)" if same else ""),
                           "; ".join(f"{PEER_NAMES.get(t, t)} {v:.2f} M" for t, v in peers),
                           "; ".join(ratio(mine, v) for _, v in peers),
                           verdict(mine >= 3 * hf) if hf else "")}


def tok(lines):
    out = {}
    for head, body in sections(lines):
        if head.startswith("training"):
            out.update(tok_train(lines, body))
        elif head.startswith("encoding"):
            out.update(tok_encode(lines, body))
    return out


def tokenizer_heldout(lines):
    body = next((b for h, b in sections(lines) if h.startswith("default and chosen")), None)
    t = table(body or [], "lang")
    if not t:
        return {}
    names = [re.sub(r" \(\d+\)$", "", h) for h in t[0]]
    rows = {r[0]: r for r in t[1:]}
    langs = ("spa", "por", "que", "grn", "aym")
    if not all(k in rows for k in langs):
        return {}

    def cell(col):
        v = {k: number(rows[k][col]) for k in langs}
        return v, f"{names[col]}: " + " / ".join(f"{v[k]:.3f}" for k in langs) + f" (aym/spa {v['aym'] / v['spa']:.2f}x)"
    v, mine = cell(len(names) - 1)
    missed = ([k for k in ("que", "grn", "aym") if v[k] > 2.6] + (["spa"] if v["spa"] > 1.40 else [])
              + (["aym/spa"] if v["aym"] / v["spa"] > 1.7 else []))
    peer = "former default " + cell(1)[1] if len(names) > 2 else "—"
    return {"fertility": (mine, peer, "—", "met" if not missed else "**missed**: " + ", ".join(missed))}


PARSERS = {
    "langid": langid, "quality": quality, "pii": pii, "extract": extract, "docs-readers": docs_readers,
    "dedup": dedup, "dedup-verify-cost": dedup_verify_cost, "dedup-curve": dedup_curve,
    "tokenizer-heldout": tokenizer_heldout, "tok": tok, "pipeline": pipeline,
    "langid-stage": langid_stage, "pipeline-datatrove": pipeline_datatrove,
}
