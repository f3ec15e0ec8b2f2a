"""Static site generator of the moncommissariat citizen site.

`build.py` is the command line; `builder.build_site` does the work. The package is kept
importable on its own (tests and the bench add `static-site/` to `sys.path`; `vocabulary`
adds the repository root for `chalicelib/vocabulary.py`).
"""

from pathlib import Path

SITE_ROOT = Path(__file__).resolve().parent.parent
REPO_ROOT = SITE_ROOT.parent
CONTENT_DIR = SITE_ROOT / "content"
TEMPLATES_DIR = SITE_ROOT / "templates"
ASSETS_DIR = SITE_ROOT / "assets"
CONSOLE_DIR = SITE_ROOT / "console"
SHARED_DIR = SITE_ROOT / "shared"
DEFAULT_OUT = SITE_ROOT / "dist"


class ContentError(Exception):
    """Invalid content: the message lists every problem found, one per line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))
