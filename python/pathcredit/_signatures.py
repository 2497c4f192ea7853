"""Signatures and ``help()`` of the public functions, from the native module's keyword
table (``_pathcredit.keywords()``): every setting a function passes on through
``**params`` becomes a keyword-only parameter with its type, default and one-line doc.

The functions keep ``**params`` (their behaviour is unchanged); their ``__signature__``
and ``__doc__`` show what the native functions take. ``tools/generate_stubs.py`` writes
the package's ``__init__.pyi`` from the same table."""

from __future__ import annotations

import ast
import inspect
from typing import Any, Callable, Dict, List, NamedTuple, Optional

from . import _pathcredit as _native


class _LibraryDefault:
    """The default of a keyword without a default value: leaving it out lets the library
    decide (or leaves the setting off). Passing it is the same as leaving it out."""

    _instance: Optional["_LibraryDefault"] = None

    def __new__(cls) -> "_LibraryDefault":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<library default>"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self):
        return (_LibraryDefault, ())


#: The default shown for keywords without a default value.
LIBRARY_DEFAULT = _LibraryDefault()


class Keyword(NamedTuple):
    """One keyword argument of a public function."""

    name: str
    type: str
    #: The default as a Python literal, or None when it has no default value.
    default: Optional[str]
    doc: str
    group: str
    #: The condition under which the function takes it (Python text), or None.
    when: Optional[str]

    @property
    def value(self) -> Any:
        """The default as a Python value (:data:`LIBRARY_DEFAULT` when it has none)."""
        return LIBRARY_DEFAULT if self.default is None else ast.literal_eval(self.default)


#: The native functions behind each public function that passes ``**params`` on, with
#: the condition under which each is called (None: always).
NATIVE_OF: Dict[str, Dict[str, Optional[str]]] = {
    "build_journeys": {"build_journeys": None},
    "build_paths": {"build_paths": None},
    "attribute": {"attribute": None},
    "validate": {"validate": None},
    "report": {"report": None},
    "evaluate": {"evaluate": None},
    "simulate": {"simulate": None},
    "sql": {"sql": None},
    "budget": {
        "budget": 'response != "fitted"',
        "budget_fitted": 'response="fitted"',
        "budget_aggregate": 'response="fitted"',
    },
}

#: Keywords the Python layer takes itself before the native call.
_MODEL_ALIAS = Keyword(
    "model", "str | Sequence[str]", None,
    "The models to run, as the command line's --model spells it (an alias of models=).",
    "Models", None,
)
PYTHON_KEYWORDS: Dict[str, List[Keyword]] = {
    "attribute": [_MODEL_ALIAS],
    "validate": [_MODEL_ALIAS],
    "report": [_MODEL_ALIAS],
}


def keywords(function: str, named: Any = ()) -> List[Keyword]:
    """The keyword arguments of the public ``function`` that it passes on to the native
    module (or takes itself), in the table's order, leaving out its ``named``
    parameters."""
    table = _native.keywords()
    natives = NATIVE_OF[function]
    seen = set(named)
    extras = [k for k in PYTHON_KEYWORDS.get(function, []) if k.name not in seen]
    seen.update(k.name for k in extras)
    out: List[Keyword] = []
    for native in natives:
        for row in table[native]:
            k = Keyword(*row)
            if k.name in seen:
                continue
            seen.add(k.name)
            # A keyword only some of the routes take is taken under their conditions.
            takers = [n for n in natives if any(x[0] == k.name for x in table[n])]
            if len(takers) < len(natives):
                routes = sorted({r for r in (natives[n] for n in takers) if r is not None})
                k = k._replace(when=" or ".join(routes) or k.when)
            out.append(k)
    # The table's order, the Python layer's own keywords first in their group.
    groups: List[str] = []
    for k in out + extras:
        if k.group not in groups:
            groups.append(k.group)
    return sorted(extras + out, key=lambda k: groups.index(k.group))


def named(fn: Callable) -> List[str]:
    """The parameters ``fn`` names in its ``def`` (not its ``**params``)."""
    code = fn.__code__
    return list(code.co_varnames[: code.co_argcount + code.co_kwonlyargcount])


def signature(fn: Callable, function: str) -> inspect.Signature:
    """``fn``'s signature with every keyword it passes on as keyword-only (``**params``
    left out: those are all it takes)."""
    sig = inspect.signature(fn)
    own = [p for p in sig.parameters.values() if p.kind is not p.VAR_KEYWORD]
    extra = [
        inspect.Parameter(k.name, inspect.Parameter.KEYWORD_ONLY, default=k.value, annotation=k.type)
        for k in keywords(function, [p.name for p in own])
    ]
    return sig.replace(parameters=own + extra)


def keyword_doc(function: str, named: Any = ()) -> str:
    """The "Keyword arguments" section of ``function``'s docstring."""
    lines = ["Keyword arguments", "-----------------"]
    group = None
    for k in keywords(function, named):
        if k.group != group:
            group = k.group
            lines += ["", f"{group}:"]
        default = repr(LIBRARY_DEFAULT) if k.default is None else k.default
        when = f" (with {k.when})" if k.when else ""
        lines.append(f"    {k.name}: {k.type} = {default}{when}")
        lines.append(f"        {k.doc}")
    return "\n".join(lines)


def apply(namespace: Dict[str, Any]) -> None:
    """Gives every public function in ``namespace`` its full signature and keyword
    documentation (once)."""
    for function in NATIVE_OF:
        fn = namespace[function]
        if getattr(fn, "_pathcredit_keywords", False):
            continue
        fn.__signature__ = signature(fn, function)
        section = keyword_doc(function, named(fn))
        if len(section.splitlines()) > 2:
            fn.__doc__ = inspect.cleandoc(fn.__doc__ or "") + "\n\n" + section + "\n"
        fn._pathcredit_keywords = True
