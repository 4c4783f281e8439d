"""Times datatrove's PIIFormatter (e-mail and IP replacement) over a JSONL of documents, single
process, and counts what it replaced. Used by bench/pii-bench.sh on the same text minga scans."""
import json
import sys
import time

from datatrove.pipeline.formatters import PIIFormatter


def main() -> None:
    path, reps = sys.argv[1], int(sys.argv[2])
    docs = [json.loads(line)["text"] for line in open(path, encoding="utf-8")]
    nbytes = sum(len(d.encode("utf-8")) for d in docs)
    # only_remove_public_ips=False: every IP counts, as in minga.
    fmt = PIIFormatter(only_remove_public_ips=False, email_replacement="<EMAIL>", ip_replacement="<IPV4>")
    out = [fmt.format(d) for d in docs]  # warm-up pass, also used for the counts
    emails = sum(o.count("<EMAIL>") - d.count("<EMAIL>") for o, d in zip(out, docs))
    ips = sum(o.count("<IPV4>") - d.count("<IPV4>") for o, d in zip(out, docs))
    t0 = time.perf_counter()
    for _ in range(reps):
        for d in docs:
            fmt.format(d)
    secs = time.perf_counter() - t0
    mb = nbytes * reps / 1e6
    print(
        f"datatrove PIIFormatter: {len(docs)} docs, {nbytes / 1e6:.1f} MB x {reps} in {secs:.3f} s = "
        f"{mb / secs:.1f} MB/s (single thread), {emails} e-mails and {ips} IPs replaced per pass"
    )


if __name__ == "__main__":
    main()
