"""The XML peer of the benchmark: Python's expat counting VOUCHER and ALLLEDGERENTRIES.LIST elements.

Usage: python3 bench/expat-count.py FILE
Reads FILE in 1 MiB chunks (expat decodes UTF-8 and UTF-16 by the BOM) and prints one JSON line.
The file must be strict XML: Tally's &#4; references are removed from a copy beforehand.
"""
import json
import os
import sys
import time
import resource
import xml.parsers.expat


def main() -> None:
    path = sys.argv[1]
    counts = {"VOUCHER": 0, "ALLLEDGERENTRIES.LIST": 0}
    parser = xml.parsers.expat.ParserCreate()

    def start(name, _attrs):
        if name in counts:
            counts[name] += 1

    parser.StartElementHandler = start
    t0 = time.perf_counter()
    with open(path, "rb") as f:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                break
            parser.Parse(chunk, False)
    parser.Parse(b"", True)
    print(json.dumps({
        "mode": "expat",
        "rows": counts["VOUCHER"],
        "vouchers": counts["VOUCHER"],
        "ledger_entries": counts["ALLLEDGERENTRIES.LIST"],
        "bytes": os.path.getsize(path),
        "ms": round((time.perf_counter() - t0) * 1000),
        "max_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }))


if __name__ == "__main__":
    main()
