"""Every ServiceError and GpxError message in planner/ is an N_-marked English template (so the catalogue has it and
the reader gets it in their language), never an f-string or an unmarked literal: checked on the AST of every module."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLANNER = ROOT / "planner"
ERRORS = frozenset({"ServiceError", "NotFound", "Forbidden", "Conflict", "Unauthorized", "TooLarge"})
# Errors whose message is their first argument, not their second: planner/geo/gpx.py's GpxError(message, code=…).
MESSAGE_FIRST = frozenset({"GpxError"})
# Where a message is passed on rather than written: (file, function) -> why its template is already marked.
BRIDGES = {
    ("planner/schemas/common.py", "service_error"): "pydantic's error: a TEMPLATES entry or the template fail() got",
}
# Known and not yet marked: (file, function) -> what is missing. Remove an entry once its messages are templates.
PENDING: dict[tuple[str, str], str] = {}


def _is_n(node: ast.expr) -> bool:
    """Whether node is N_("a literal")."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "N_"
        and len(node.args) == 1
        and not node.keywords
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    )


def marked_constants(tree: ast.Module) -> set[str]:
    """The module-level names assigned N_("…")."""
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and _is_n(node.value):
            names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
    return names


def error_classes(trees: dict[str, ast.Module], roots: frozenset[str] = ERRORS) -> set[str]:
    """roots (ServiceError and its subclasses in planner.errors) and any subclass of them defined in planner."""
    known = set(roots)
    while True:
        found = {
            node.name
            for tree in trees.values()
            for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef)
            and any(isinstance(base, ast.Name) and base.id in known for base in node.bases)
        }
        if found <= known:
            return known
        known |= found


class Checker(ast.NodeVisitor):
    """Collects the calls of one module whose message argument is not a marked template."""

    def __init__(self, path: str, classes: set[str], constants: dict[str, set[str]], first: set[str]):
        self.path = path
        self.classes = classes | first
        self.first = first  # the classes whose message is the first argument
        self.constants = constants  # module name -> its N_ constants
        self.marked: set[str] = set()
        self.foreign: set[str] = set()  # names of ours this module imports from elsewhere (werkzeug's NotFound)
        self.function: list[str] = []
        self.problems: list[str] = []
        self.pending: list[str] = []

    def visit_Module(self, node: ast.Module) -> None:
        self.marked = marked_constants(node)
        self.generic_visit(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        for alias in node.names:
            name = alias.asname or alias.name
            if alias.name in self.constants.get(module, ()):
                self.marked.add(name)
            if name in self.classes | {"fail"} and not module.startswith("planner"):
                self.foreign.add(name)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.function.append(node.name)
        self.generic_visit(node)
        self.function.pop()

    def visit_Call(self, node: ast.Call) -> None:
        name = self._callee(node.func)
        if name and name not in self.foreign and not self._in_bridge():
            message = self._message(node, "template" if name == "fail" else "message", name in self.first)
            if message is None or not self._marked(message):
                shown = ast.unparse(message) if message is not None else "no message"
                problem = f"{self.path}:{node.lineno}: {name}(…, {shown}) is not an N_ template"
                self._bucket().append(problem)
        self.generic_visit(node)

    def _callee(self, func: ast.expr) -> str | None:
        """The error class (or fail) a call makes, by its name or as module.Name."""
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        return name if name in self.classes or name == "fail" else None

    def _in_bridge(self) -> bool:
        return any((self.path, function) in BRIDGES for function in self.function)

    def _bucket(self) -> list[str]:
        """The list a problem goes to: pending when its function is a known gap listed in PENDING."""
        return self.pending if any((self.path, function) in PENDING for function in self.function) else self.problems

    @staticmethod
    def _message(node: ast.Call, keyword: str, first: bool = False) -> ast.expr | None:
        """The message argument: the second positional one (first: the first one) or the keyword."""
        index = 0 if first else 1
        if len(node.args) > index and not isinstance(node.args[index], ast.Starred):
            return node.args[index]
        return next((kw.value for kw in node.keywords if kw.arg == keyword), None)

    def _marked(self, node: ast.expr) -> bool:
        """N_("…"), a constant assigned N_("…"), either of two such (x if c else y), or an error's own template."""
        if isinstance(node, ast.IfExp):
            return self._marked(node.body) and self._marked(node.orelse)
        if isinstance(node, ast.Name):
            return node.id in self.marked
        if isinstance(node, ast.Attribute):
            return node.attr == "template"  # passing on another ServiceError's template (with its params)
        return _is_n(node)


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def check(sources: dict[str, str], *, pending: bool = False) -> list[str]:
    """The unmarked messages in sources (relative path -> Python source); pending: those of the PENDING list."""
    trees = {path: ast.parse(source, filename=path) for path, source in sources.items()}
    classes, first = error_classes(trees), error_classes(trees, MESSAGE_FIRST)
    constants = {_module_name(ROOT / path): marked_constants(tree) for path, tree in trees.items()}
    problems = []
    for path, tree in trees.items():
        checker = Checker(path, classes, constants, first)
        checker.visit(tree)
        problems += checker.pending if pending else checker.problems
    return problems


def planner_sources() -> dict[str, str]:
    return {str(path.relative_to(ROOT)): path.read_text() for path in sorted(PLANNER.rglob("*.py"))}


class TestMessagesAreMarked:
    def test_every_error_message_in_planner_is_an_n_template(self):
        assert check(planner_sources()) == []

    def test_each_pending_gap_is_still_open(self):
        pending = check(planner_sources(), pending=True)
        for path, function in PENDING:
            assert any(problem.startswith(f"{path}:") for problem in pending), (
                f"{path} {function}: drop it from PENDING"
            )

    def test_the_walk_sees_the_services_schemas_and_api(self):
        sources = planner_sources()
        assert {"planner/services/access.py", "planner/schemas/common.py", "planner/api/errors.py"} <= set(sources)
        trees = {path: ast.parse(source) for path, source in sources.items()}
        assert "Unreachable" in error_classes(trees)
        assert "planner/geo/gpx.py" in sources and error_classes(trees, MESSAGE_FIRST) == {"GpxError"}

    def test_an_f_string_a_bare_literal_and_a_formatted_template_are_caught(self):
        source = """
from planner.errors import N_, NotFound, ServiceError
from planner.geo.gpx import GpxError
from planner.schemas.common import fail

def refuse(field, n):
    raise ServiceError("invalid_field", f"'{field}' must be an id.", field)

def missing():
    raise NotFound("not_found", "No such group.")

def too_many(n):
    raise fail("invalid_field", N_("Choose at most %(max)s.") % {"max": n}, "x")

def nothing():
    raise ServiceError("invalid_field")

def gpx(n, found):
    raise GpxError(f"The file has more than {n:,} points.")
    raise GpxError("The file has " + found + ".", code="invalid_gpx")
"""
        assert check({"planner/services/example.py": source}) == [
            "planner/services/example.py:7: ServiceError(…, f\"'{field}' must be an id.\") is not an N_ template",
            "planner/services/example.py:10: NotFound(…, 'No such group.') is not an N_ template",
            "planner/services/example.py:13: fail(…, N_('Choose at most %(max)s.') % {'max': n}) is not an N_ template",
            "planner/services/example.py:16: ServiceError(…, no message) is not an N_ template",
            "planner/services/example.py:19: GpxError(…, f'The file has more than {n:,} points.') is not an N_ template",
            "planner/services/example.py:20: GpxError(…, 'The file has ' + found + '.') is not an N_ template",
        ]

    def test_marked_forms_pass(self):
        source = '''
from planner.errors import N_, Conflict, NotFound
from planner.geo.gpx import GpxError
from werkzeug.exceptions import Forbidden

GONE = N_("The account this link was sent to no longer exists.")

class Unreachable(NotFound):
    """A subclass counts too."""

def fine(error, joint):
    raise NotFound("not_found", N_("No such route."))
    raise NotFound("user_not_found", GONE)
    raise Conflict("too_many_zones", N_("At most %(max)s."), None, max=5)
    raise Unreachable("tile_unavailable", GONE if joint else N_("No such tile."))
    raise NotFound(error.code, error.template, "gpx", **error.params)
    raise Forbidden("werkzeug's own exception is not ours")
    raise GpxError(N_("The file has more than %(max)s points."), code="invalid_gpx", max="1,000")
    raise GpxError(GONE if joint else N_("No such point."))
'''
        assert check({"planner/services/example.py": source}) == []
        assert check({"planner/services/example.py": source.replace('N_("No such tile.")', '"No such tile."')}) == [
            "planner/services/example.py:15: Unreachable(…, GONE if joint else 'No such tile.') is not an N_ template"
        ]
