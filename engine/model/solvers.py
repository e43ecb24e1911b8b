"""The cvxpy solvers installed here, and HiGHS without its banner."""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import cvxpy as cp


@cache
def installed_solvers() -> tuple[str, ...]:
    """The cvxpy solvers installed here (cached: cvxpy's own check takes ~8 ms, once per re-plan)."""
    return tuple(cp.installed_solvers())


@cache
def silence_highs_banner() -> None:
    """Create this process's first HiGHS object with file descriptors 1 and 2 on ``/dev/null``.

    The HiGHS C++ library prints its banner ("Running HiGHS ... Copyright ...") straight to the process's
    standard output the first time a ``Highs`` object is created, whatever ``output_flag`` says; it
    prints it once per process. Creating that first object here, with the descriptors redirected and
    restored after, keeps the banner off stdout and stderr of the command line and of every Dask worker
    (called on each solve's path, cached: once per process). Does nothing where ``highspy`` is absent.
    """
    try:
        import highspy
    except ImportError:  # another solver only
        return
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
    saved = [os.dup(1), os.dup(2)]
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        os.dup2(null, 2)
        highspy.Highs()
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for descriptor in (null, *saved):
            os.close(descriptor)


@contextmanager
def without_inaccuracy_warning() -> Iterator[None]:
    """cvxpy's "Solution may be inaccurate" warning (raised when a solution is unpacked) kept off.

    The caller reads ``problem.status`` and refuses everything but ``optimal`` with a one-line error
    (:meth:`engine.model.assembly.CoSchedulingModel.solve`); the warning would only repeat it, and as a
    traceback where warnings are errors.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Solution may be inaccurate", category=UserWarning)
        yield


def solve_problem(problem: cp.Problem, solver: str, options: dict) -> None:
    """``problem.solve(solver, **options)`` :func:`without_inaccuracy_warning`."""
    with without_inaccuracy_warning():
        problem.solve(solver=solver, **options)
