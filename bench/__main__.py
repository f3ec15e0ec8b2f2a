"""`python -m bench`: run every bench/bench_*.py, write bench/results.json, print a table."""

from __future__ import annotations

import importlib
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def main(selected: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    results_path = HERE / "results.json"
    results: dict[str, float] = {}
    if results_path.exists() and selected:
        results = json.loads(results_path.read_text())
    modules = sorted(path.stem for path in HERE.glob("bench_*.py"))
    for name in modules:
        if selected and name not in selected and name.removeprefix("bench_") not in selected:
            continue
        started = time.perf_counter()
        print(f"… {name}", file=sys.stderr, flush=True)
        module = importlib.import_module(f"bench.{name}")
        figures = module.run()
        results.update(figures)
        print(f"  {name} done in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    results = dict(sorted(results.items()))
    results_path.write_text(json.dumps(results, indent=2) + "\n")
    width = max(len(key) for key in results) if results else 10
    print(f"{'figure':<{width}}  value")
    print(f"{'-' * width}  {'-' * 12}")
    for key, value in results.items():
        shown = (
            f"{value:.3f}" if isinstance(value, float) and not value.is_integer() else f"{value:g}"
        )
        print(f"{key:<{width}}  {shown}")
    print(f"\n→ {results_path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
