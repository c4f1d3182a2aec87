"""Keep httpx's command-line client (rich, pygments) from loading with `import httpx`.

httpx 0.28 imports its CLI module on `import httpx`, which pulls in rich's console and progress
bars and pygments: about 30 ms, some 6 % of an hourly run's CPU when every page answers 304
(a fork, pydantic/httpx2#947, has since made that import lazy). Until the httpx we install does
too, a placeholder stands in for `httpx._main`; its `main`, or any other name taken from it,
loads the real module.
"""

from __future__ import annotations

import importlib
import sys
import types

_NAME = "httpx._main"


def _real_module() -> types.ModuleType:
    placeholder = sys.modules.pop(_NAME, None)
    try:
        return importlib.import_module(_NAME)
    except BaseException:
        if placeholder is not None:
            sys.modules[_NAME] = placeholder
        raise


def _real_main() -> None:
    _real_module().main()


def _real_attribute(name: str) -> object:
    # Anything else a later httpx takes from its CLI module loads the real one; the import
    # system's own probes (__path__, __file__…) are answered "absent", as for any module.
    if name.startswith("__"):
        raise AttributeError(name)
    return getattr(_real_module(), name)


def install() -> bool:
    """Stand in for httpx's CLI module unless httpx is already loaded; True if we did."""
    if "httpx" in sys.modules or _NAME in sys.modules:
        return False
    placeholder = types.ModuleType(_NAME, "Placeholder: the real module loads when main() runs.")
    placeholder.main = _real_main  # type: ignore[attr-defined]
    placeholder.__getattr__ = _real_attribute  # type: ignore[method-assign]
    sys.modules[_NAME] = placeholder
    return True
