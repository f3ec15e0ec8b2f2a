"""Build the citizen site: `python static-site/build.py [--out static-site/dist]`.

Offline and deterministic: fiches and pages (Markdown), the orientation tree (YAML) and the
Jinja2 templates become static HTML; pagefind indexes the fiches for search. See docs/site.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sitegen import DEFAULT_OUT, ContentError
from sitegen.builder import DEFAULT_BASE_URL, build_site


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="output directory, emptied and rebuilt (default: %(default)s)",
    )
    parser.add_argument(
        "--base-url",
        default=DEFAULT_BASE_URL,
        help="public URL of the site, for sitemap.xml (default: %(default)s)",
    )
    parser.add_argument(
        "--no-search",
        action="store_true",
        help="skip the pagefind index (faster, for template work)",
    )
    args = parser.parse_args(argv)
    try:
        report = build_site(args.out, base_url=args.base_url, search_index=not args.no_search)
    except ContentError as error:
        print("Contenu invalide, site non construit :", file=sys.stderr)
        for problem in error.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print(f"{len(report.pages)} pages construites dans {report.out} en {report.seconds:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
