"""The layout's rules (README, "Code map"), checked on the source so that they stay true.

1. A feature's views and admin live in its own views.py and admin.py.
2. A feature imports another feature's models only; matters build on finance, never the
   reverse. `village_page` and `desk` gather every feature and are imported by none.
3. `villages` never imports `disclosures`; no app imports `portal`; `common` imports
   neither app.
4. No import cycles, counting imports inside functions too.
"""

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGES = ("common", "villages", "disclosures", "portal")
FEATURES = (
    "finance",
    "affairs",
    "matters",
    "powers",
    "sunshine",
    "questions",
    "compliance",
    "assets",
    "verification",
)
# Folders that gather every feature for one page (the village page, the staff's work
# queue): they may import any feature, and no feature imports them.
GATHERERS = ("village_page", "desk")
# What the app package itself holds besides the features: the shared mechanism, which
# imports no feature, and the places where Django gathers them (models, admin, urls,
# the management commands).
GATHERING = ("disclosures.models", "disclosures.admin", "disclosures.urls", "disclosures.apps")


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield module_name(path), path


def imports_of(path):
    """Every module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # `from disclosures.finance import views` imports disclosures.finance.views.
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] in PACKAGES}


MODULES = dict(source_modules())
GRAPH = {
    name: {imported for imported in imports_of(path) if imported in MODULES}
    for name, path in MODULES.items()
}


def feature_of(module):
    parts = module.split(".")
    if len(parts) > 2 and parts[0] == "disclosures" and parts[1] in (*FEATURES, *GATHERERS):
        return parts[1]
    return None


def test_it_knows_every_feature_folder():
    folders = {
        path.name
        for path in (ROOT / "disclosures").iterdir()
        if path.is_dir() and (path / "__init__.py").exists()
    }
    assert folders == {*FEATURES, *GATHERERS, "management", "migrations", "templatetags"}


def test_no_app_imports_portal():
    offenders = [
        (module, imported)
        for module, imports in GRAPH.items()
        if not module.startswith("portal")
        for imported in imports
        if imported.startswith("portal")
    ]
    assert offenders == []


def test_villages_never_imports_disclosures():
    offenders = [
        (module, imported)
        for module, imports in GRAPH.items()
        if module.startswith("villages")
        for imported in imports
        if imported.startswith("disclosures")
    ]
    assert offenders == []


def test_common_imports_neither_app():
    offenders = [
        (module, imported)
        for module, imports in GRAPH.items()
        if module.startswith("common")
        for imported in imports
        if not imported.startswith("common")
    ]
    assert offenders == []


def test_a_feature_imports_only_the_models_of_another():
    offenders = []
    for module, imports in GRAPH.items():
        feature = feature_of(module)
        if feature is None or feature in GATHERERS:
            continue
        for imported in imports:
            other = feature_of(imported)
            if other and other != feature and not imported.endswith(".models"):
                offenders.append((module, imported))
    assert offenders == []


def test_finance_does_not_import_matters():
    offenders = [
        (module, imported)
        for module, imports in GRAPH.items()
        if feature_of(module) == "finance"
        for imported in imports
        if feature_of(imported) == "matters"
    ]
    assert offenders == []


def test_no_feature_imports_a_gatherer_or_the_gathering_modules():
    offenders = [
        (module, imported)
        for module, imports in GRAPH.items()
        if module.startswith("disclosures")
        and module not in GATHERING
        and not module.startswith("disclosures.management")
        for imported in imports
        if feature_of(imported) in GATHERERS
        and feature_of(module) != feature_of(imported)
        or imported in GATHERING
    ]
    assert offenders == []


def test_the_shared_mechanism_imports_no_feature():
    shared = [
        module
        for module in GRAPH
        if module.startswith("disclosures.") and module.count(".") == 1 and module not in GATHERING
    ]
    assert "disclosures.publishing" in shared
    offenders = [
        (module, imported)
        for module in shared
        for imported in GRAPH[module]
        if feature_of(imported)
    ]
    assert offenders == []


def test_there_is_no_import_cycle():
    """Depth-first search over every import, those inside functions included."""
    cycles, state = [], {}

    def visit(module, stack):
        state[module] = "open"
        for imported in sorted(GRAPH[module]):
            if state.get(imported) == "open":
                cycles.append([*stack[stack.index(imported) :], imported])
            elif imported not in state:
                visit(imported, [*stack, imported])
        state[module] = "done"

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])
    assert cycles == []


@pytest.mark.parametrize("feature", FEATURES)
def test_views_and_admin_live_in_views_and_admin(feature):
    """Request handlers (functions taking `request`) and ModelAdmins of a feature are in
    its views.py and admin*.py, nowhere else in the feature."""
    misplaced = []
    for path in sorted((ROOT / "disclosures" / feature).glob("*.py")):
        if path.stem == "views" or path.stem.startswith("admin"):
            continue
        for node in ast.parse(path.read_text()).body:
            arguments = node.args.args if isinstance(node, ast.FunctionDef) else []
            if arguments and arguments[0].arg == "request":
                misplaced.append(f"{path.name}:{node.name}")
            if isinstance(node, ast.ClassDef) and any(
                "Admin" in ast.unparse(base) for base in node.bases
            ):
                misplaced.append(f"{path.name}:{node.name}")
    assert misplaced == []


def test_the_admin_site_is_not_patched():
    patched = [
        str(path.relative_to(ROOT))
        for _name, path in MODULES.items()
        if "admin.site.get_urls =" in path.read_text()
    ]
    assert patched == []


def test_the_project_admin_site_is_the_default_one():
    from django.contrib import admin

    from portal.admin import PortalAdminSite

    assert isinstance(
        admin.site._wrapped if hasattr(admin.site, "_wrapped") else admin.site, PortalAdminSite
    )
