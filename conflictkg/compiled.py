"""Optional compiled modules: the extractors and the graph's Louvain, the same modules
compiled with Cython (extraction ~20% faster, Louvain several times).

``conflictkg compile`` (``make setup`` runs it) compiles a package's modules unchanged,
in Cython's pure-Python mode, into ``_compiled/<python tag>-<source hash>/`` beside
them. When the package is imported, :func:`activate` puts that folder first on the
package's search path, so ``conflictkg.extractors.relations`` is then the compiled
module, but only if the folder's hash is the hash of the sources on disk now: an edited
module is never shadowed by a compiled copy of its older self; everything runs as plain
Python until compiled again. ``CONFLICTKG_PURE=1`` in the environment turns the compiled
modules off.

Both give the same results (``tests/test_compiled.py`` compares them); without Cython or a
C compiler the packages simply stay pure Python.

>>> sorted(p.name for p in compiled_sources(source_dir("conflictkg.extractors")))[:3]
['base.py', 'cues.py', 'lexicon.py']
>>> [p.name for p in compiled_sources(source_dir("conflictkg.graph"))]
['louvain.py']
>>> len(source_hash(source_dir("conflictkg.extractors"))) == 16
True
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

PACKAGES = ("conflictkg.extractors", "conflictkg.graph")  # the packages with compiled modules
COMPILED_ROOT = "_compiled"
PURE_ENV = "CONFLICTKG_PURE"
# Not compiled: the package files, and the camel-tools NER wrapper (not on the hot path;
# it imports torch lazily).
NOT_COMPILED = frozenset({"__init__.py", "camel_ner.py"})
# Packages of which only some modules are compiled (by folder name): the graph's Louvain.
ONLY = {"graph": frozenset({"louvain.py"})}
# binding: compiled functions keep their signatures and docstrings (doctests, inspect).
DIRECTIVES = {"language_level": 3, "binding": True, "embedsignature": True, "infer_types": True}


def source_dir(package: str) -> Path:
    """The folder of the sources of ``package`` (found, not imported)."""
    return Path(importlib.util.find_spec(package).origin).resolve().parent


def compiled_sources(package_dir: Path) -> list[Path]:
    """The modules of ``package_dir`` that are compiled, sorted by name."""
    only = ONLY.get(package_dir.name)
    return sorted(p for p in package_dir.glob("*.py") if (p.name in only if only else p.name not in NOT_COMPILED))


def source_hash(package_dir: Path) -> str:
    """Hash of the compiled modules' sources and of this recipe (16 hex digits)."""
    digest = hashlib.sha256()
    for path in [*compiled_sources(package_dir), Path(__file__)]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def compiled_dir(package_dir: Path) -> Path:
    """Where the compiled modules of the sources now in ``package_dir`` live."""
    return package_dir / COMPILED_ROOT / f"{sys.implementation.cache_tag}-{source_hash(package_dir)}"


def activate(search_path: list[str], package_dir: Path) -> Path | None:
    """Put the compiled modules of the current sources first on ``search_path`` (the
    package's ``__path__``); returns their folder, or None when there are none (never
    compiled, sources edited since, other Python) or ``CONFLICTKG_PURE`` is set."""
    if os.environ.get(PURE_ENV, "") not in ("", "0"):
        return None
    folder = compiled_dir(package_dir)
    if not folder.is_dir():
        return None
    search_path.insert(0, str(folder))
    return folder


def compile_package(package: str, quiet: bool = False) -> Path:
    """Compile the modules of ``package`` (one of ``PACKAGES``) into its ``compiled_dir``.

    The folder appears complete or not at all (built beside it, then renamed); folders of
    older sources are removed. Needs Cython, setuptools and a C compiler.
    """
    from Cython.Build import cythonize
    from setuptools import Distribution

    folder = source_dir(package)
    target = compiled_dir(folder)
    if target.is_dir():
        return target
    started = time.monotonic()
    sources = compiled_sources(folder)
    if not quiet:
        print(f"[conflictkg] compiling {len(sources)} module(s) of {package} with Cython ...",
              file=sys.stderr, flush=True)
    target.parent.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        work = Path(tmp)
        # The copies sit in conflictkg/<package>/ so that Cython names them
        # conflictkg.<package>.<module>, the names they are imported under.
        pkg = work / "src" / Path(*package.split("."))
        pkg.mkdir(parents=True)
        for init in (pkg.parent / "__init__.py", pkg / "__init__.py"):
            init.write_text("")
        copies = [str(shutil.copy2(src, pkg / src.name)) for src in sources]
        extensions = cythonize(copies, compiler_directives=DIRECTIVES, quiet=True,
                               build_dir=str(work / "c"), nthreads=os.cpu_count() or 1)
        dist = Distribution({"name": f"{package}-compiled", "ext_modules": extensions,
                             "script_name": "compile"})
        build = dist.get_command_obj("build_ext")
        build.build_lib, build.build_temp = str(work / "lib"), str(work / "tmp")
        build.parallel = os.cpu_count() or 1
        build.ensure_finalized()
        build.run()
        built = work / "lib" / Path(*package.split("."))
        suffix = sysconfig.get_config_var("EXT_SUFFIX")
        made = sorted(p.name for p in built.glob(f"*{suffix}"))
        if len(made) != len(sources):
            raise RuntimeError(f"Cython built {len(made)} of {len(sources)} modules: {made}")
        staged = work / "staged"
        staged.mkdir()
        for name in made:
            shutil.copy2(built / name, staged / name)
        try:
            staged.rename(target)
        except OSError:
            if not target.is_dir():
                raise  # (else another compile of the same sources finished first)
    tag = f"{sys.implementation.cache_tag}-"
    for old in target.parent.glob(f"{tag}*"):
        if old != target:
            shutil.rmtree(old, ignore_errors=True)  # compiled from older sources
    if not quiet:
        print(f"[conflictkg] compiled {package} in {time.monotonic() - started:.0f} s: {target}",
              file=sys.stderr, flush=True)
    return target
