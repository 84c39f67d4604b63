#!/usr/bin/env python3
"""Checks installer/debian/qml-modules.txt, the QML modules the .deb depends on.

  check_qml_modules.py imports LIST QML_DIR
      every module that QML_DIR/*.qml imports has a line in LIST
  check_qml_modules.py closure LIST QML_DIR QT_QML_ROOT
      follows the imports of those modules (their qmldir `import`/`depends`
      lines and the QML files their qmldir lists) through the Qt installed
      under QT_QML_ROOT: every module reached has a line in LIST, every line
      names the Debian package that owns the module (dpkg -S), and no line is
      left that nothing reaches.

Fails (exit 1) with one line per problem; run by ctest (packaging.qml_*).
"""
import os
import re
import subprocess
import sys

IMPORT = re.compile(r"^\s*import\s+([A-Za-z_][\w.]*)", re.M)  # not quoted (relative) imports
OWN_MODULES = ("NeoxStudio",)  # ours, compiled into the binary


def read_list(path):
    """module -> (package, reason, line number)."""
    modules = {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            fields = line.split(None, 2)
            if len(fields) < 2:
                sys.exit(f"{path}:{number}: want 'MODULE PACKAGE [why]', got {line!r}")
            modules[fields[0]] = (fields[1], fields[2] if len(fields) > 2 else "", number)
    return modules


def imports_of_text(text):
    return {m for m in IMPORT.findall(text) if not m.split(".")[0] in OWN_MODULES}


def app_imports(qml_dir):
    """module -> first file importing it."""
    found = {}
    for name in sorted(os.listdir(qml_dir)):
        if name.endswith(".qml"):
            with open(os.path.join(qml_dir, name), encoding="utf-8") as f:
                for module in imports_of_text(f.read()):
                    found.setdefault(module, name)
    return found


def module_imports(qt_root, module):
    """Modules `module` needs: qmldir import/depends (not optional) and the imports
    of the QML files its qmldir lists. None when the module is not installed."""
    folder = os.path.join(qt_root, *module.split("."))
    qmldir = os.path.join(folder, "qmldir")
    if not os.path.isfile(qmldir):
        return None
    needed = set()
    with open(qmldir, encoding="utf-8") as f:
        for line in f:
            words = line.split()
            if len(words) >= 2 and words[0] in ("import", "depends"):
                needed.add(words[1])
            elif words and words[-1].endswith(".qml") and "/+" not in "/" + words[-1]:
                # "[singleton|internal] Type [version] file.qml". Files under "+Fusion/"
                # and the like are file-selector variants for other Controls styles;
                # the app uses the Basic style only.
                path = os.path.join(folder, words[-1])
                if os.path.isfile(path):
                    with open(path, encoding="utf-8") as q:
                        needed |= imports_of_text(q.read())
    needed.discard(module)
    return needed


def owner(qt_root, module):
    qmldir = os.path.join(qt_root, *module.split("."), "qmldir")
    out = subprocess.run(["dpkg", "-S", qmldir], capture_output=True, text=True)
    if out.returncode != 0:
        return None
    return out.stdout.split(":", 1)[0].strip()


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in ("imports", "closure"):
        sys.exit(__doc__)
    mode, list_path, qml_dir = sys.argv[1:4]
    declared = read_list(list_path)
    problems = []
    direct = app_imports(qml_dir)
    for module, where in sorted(direct.items()):
        if module not in declared:
            problems.append(f"ui/qml/{where} imports {module}, which {list_path} does not list "
                            "(add its Debian package, e.g. from `dpkg -S` on its qmldir)")
    checked = len(direct)
    if mode == "closure":
        qt_root = sys.argv[4]
        # Roots: the app's imports and the lines marked "root:" (needed although
        # no QML file imports them: a style set from C++, a module loaded from C++).
        roots = set(direct) | {m for m, (_, why, _) in declared.items() if why.startswith("root:")}
        reached, queue = set(), sorted(roots)
        while queue:
            module = queue.pop()
            if module in reached:
                continue
            reached.add(module)
            needed = module_imports(qt_root, module)
            if needed is None:
                problems.append(f"{module} is not installed under {qt_root}: cannot follow its imports "
                                f"(install {declared.get(module, ('its package',))[0]})")
                continue
            queue.extend(sorted(needed - reached))
        for module in sorted(reached):
            if module not in declared:
                problems.append(f"{module} is needed at run time (imported by a module the app uses) "
                                f"but {list_path} does not list it")
                continue
            package = owner(qt_root, module)
            if package and package != declared[module][0]:
                problems.append(f"{list_path}:{declared[module][2]}: {module} belongs to {package}, "
                                f"not {declared[module][0]}")
        for module in sorted(set(declared) - reached):
            problems.append(f"{list_path}:{declared[module][2]}: nothing uses {module} any more; remove it")
        checked = len(reached)
    for p in problems:
        print(p)
    if problems:
        return 1
    print(f"{mode}: {checked} modules, all listed with their Debian package")
    return 0


if __name__ == "__main__":
    sys.exit(main())
