"""``python -m bench``: runs every benchmark module in this folder and prints its table."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import pkgutil
import sys
from pathlib import Path


def main() -> int:
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if not m.name.startswith("_"))
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        if hasattr(module, "main"):
            print(f"\n== bench/{name}.py ==", flush=True)
            result = module.main()
            if inspect.iscoroutine(result):
                asyncio.run(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
