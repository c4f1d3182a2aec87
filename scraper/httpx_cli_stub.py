"""Keep httpx's command-line client (rich, pygments) from loading with `import httpx`.

httpx 0.28 imports its CLI module on `import httpx`, which pulls in rich's console and progress
bars and pygments: about 30 ms, a tenth of an hourly run's CPU when every page answers 304.
Upstream has since made that import lazy (pydantic/httpx2#947). Until the httpx we install
does too, a placeholder stands in for `httpx._main`; calling its `main` loads the real one.
"""

from __future__ import annotations

import importlib
import sys
import types

_NAME = "httpx._main"


def _real_main() -> None:
    placeholder = sys.modules.pop(_NAME, None)
    try:
        module = importlib.import_module(_NAME)
    except BaseException:
        if placeholder is not None:
            sys.modules[_NAME] = placeholder
        raise
    module.main()


def install() -> bool:
    """Stand in for httpx's CLI module unless httpx is already loaded; True if we did."""
    if "httpx" in sys.modules or _NAME in sys.modules:
        return False
    placeholder = types.ModuleType(_NAME, "Placeholder: the real module loads when main() runs.")
    placeholder.main = _real_main  # type: ignore[attr-defined]
    sys.modules[_NAME] = placeholder
    return True
