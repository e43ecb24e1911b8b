"""A persistent HiGHS model behind a compiled DPP problem: re-solves from the previous basis.

cvxpy's ``warm_start`` does not hand HiGHS the previous basis (../shared/PERFORMANCE.md, item 7). For a
rolling re-plan the LP keeps its shape and only its numbers change, so this module keeps one
:class:`highspy.Highs` per problem:

1. ``problem.get_problem_data(cp.HIGHS)`` applies the new Parameter values through cvxpy's cached
   parameter map (no recompile) and gives ``c``, ``A``, ``b`` and the column bounds of the stuffed LP
   ``A x + s = b`` (``s = 0`` on the first ``dims.zero`` rows, ``s >= 0`` on the rest);
2. the first call passes the model to HiGHS; later calls change only the costs, column bounds, row
   bounds and -- when a Parameter multiplies a variable (PUE) -- the matrix coefficients that changed
   (entry by entry: only those that differ from what HiGHS holds), and HiGHS runs from its current
   basis (its simplex hot start);
3. ``problem.unpack_results`` maps the solution and duals back onto the cvxpy variables and
   constraints, exactly as ``problem.solve`` would.
"""

from __future__ import annotations

import cvxpy as cp
import highspy
import numpy as np
import scipy.sparse as sp

from engine.model.solvers import without_inaccuracy_warning

MAX_COEFFICIENT_CHANGES = 20000
"""Most matrix coefficients changed one by one; with more the model is passed anew and the previous
basis set on it (both keep the hot start) [-]."""


class HotStartHighs:
    """One persistent HiGHS model of a DPP problem (module docstring).

    Parameters
    ----------
    problem : cvxpy.Problem
        A DPP linear program.
    options : dict
        HiGHS options (e.g. ``{"output_flag": False}``).
    """

    def __init__(self, problem: cp.Problem, options: dict) -> None:
        self.problem = problem
        self.options = dict(options)
        self.highs: highspy.Highs | None = None
        self._matrix: sp.csc_matrix | None = None
        self._last: dict[str, np.ndarray] = {}
        self._data: dict = {}

    def solve(self, cold: bool = False) -> str:
        """Solve with the problem's current Parameter values; returns the cvxpy status.

        The problem's variables, constraint duals, ``value`` and ``status`` are set as by
        ``problem.solve(solver="HIGHS")``. ``cold=True`` passes the LP to a new HiGHS model, without the
        previous basis: the retry when a hot-started solution fails the residual check, and what a hot
        start that ends with HiGHS status ``kUnknown`` does by itself.
        """
        data, chain, inverse = self.problem.get_problem_data(cp.HIGHS)
        matrix = data["A"].tocsc()
        if cold:
            self.highs = None
        if self.highs is None:
            self._pass(data, matrix)
        else:
            self._change(data, matrix)
        self._matrix = matrix
        highs = self.highs
        highs.run()
        if highs.getModelStatus().name == "kUnknown" and not cold:
            # Measured in sizing across years after ~20 hot-started iterations, while the same LP from
            # scratch is optimal; cvxpy would report status 'unknown', refused as a SolverError.
            return self.solve(cold=True)
        results = {"solution": highs.getSolution(), "basis": highs.getBasis(), "info": highs.getInfo(),
                   "model_status": highs.getModelStatus().name, "run_time": highs.getRunTime()}
        if results["model_status"] == "kInfeasible":
            results["dual_ray"] = highs.getDualRay()  # cvxpy's HiGHS interface reads it
        with without_inaccuracy_warning():  # a limit reached: the caller refuses the status
            self.problem.unpack_results(results, chain, inverse)
        self._data = data
        return self.problem.status

    def max_residual(self) -> float:
        """Largest scaled residual of the last solution on the LP HiGHS solved [-].

        With ``x`` HiGHS's columns: ``|A x - b|`` on the equality rows, ``max(A x - b, 0)`` on the others,
        and the column-bound violations, each over ``max(1, |b_i|, |(A x)_i|)`` (the scaling of
        :mod:`engine.model.residuals`, per row) -- one sparse product instead of evaluating every cvxpy
        constraint again.
        """
        x = np.asarray(self.highs.getSolution().col_value, dtype=float)
        data, zero = self._data, self._data["dims"].zero
        ax, b = self._matrix @ x, np.asarray(data["b"], dtype=float)
        gap = ax - b
        violation = np.concatenate([np.abs(gap[:zero]), np.maximum(gap[zero:], 0.0)])
        rows = violation / np.maximum(1.0, np.maximum(np.abs(b), np.abs(ax)))
        lower, upper = self._column_bounds(data)
        bounds = np.maximum(np.maximum(lower - x, x - upper), 0.0) / np.maximum(1.0, np.abs(x))
        return float(max(rows.max(initial=0.0), bounds.max(initial=0.0)))

    @staticmethod
    def _row_bounds(data: dict) -> tuple[np.ndarray, np.ndarray]:
        upper = np.asarray(data["b"], dtype=float)
        lower = np.full(len(upper), -highspy.kHighsInf)
        zero = data["dims"].zero
        lower[:zero] = upper[:zero]
        return lower, upper

    @staticmethod
    def _column_bounds(data: dict) -> tuple[np.ndarray, np.ndarray]:
        n = len(data["c"])
        lower, upper = data.get("lower_bounds"), data.get("upper_bounds")
        lower = np.full(n, -highspy.kHighsInf) if lower is None else np.asarray(lower, dtype=float)
        upper = np.full(n, highspy.kHighsInf) if upper is None else np.asarray(upper, dtype=float)
        return lower, upper

    def _pass(self, data: dict, matrix: sp.csc_matrix, basis: highspy.HighsBasis | None = None) -> None:
        """Pass the whole LP to a (new) HiGHS model, optionally starting from ``basis``."""
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = matrix.shape[1], matrix.shape[0]
        lp.col_cost_ = np.asarray(data["c"], dtype=float)
        lp.col_lower_, lp.col_upper_ = self._column_bounds(data)
        lp.row_lower_, lp.row_upper_ = self._row_bounds(data)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_, lp.a_matrix_.index_ = matrix.indptr, matrix.indices
        lp.a_matrix_.value_ = matrix.data
        if self.highs is None:
            self.highs = highspy.Highs()
            for name, value in self.options.items():
                self.highs.setOptionValue(name, value)
        self.highs.passModel(lp)
        if basis is not None:
            self.highs.setBasis(basis)
        self._remember(lp.col_cost_, lp.col_lower_, lp.col_upper_, lp.row_lower_, lp.row_upper_)

    def _remember(self, *arrays: np.ndarray) -> None:
        """The numbers HiGHS now holds, to send only changes next time."""
        names = ("cost", "col_lower", "col_upper", "row_lower", "row_upper")
        self._last = {name: np.array(values, dtype=float, copy=True) for name, values in zip(names, arrays,
                                                                                           strict=True)}

    def _change(self, data: dict, matrix: sp.csc_matrix) -> None:
        """Change costs, bounds and the changed coefficients of the persistent model."""
        highs, old = self.highs, self._matrix
        same_pattern = (old.shape == matrix.shape and np.array_equal(old.indptr, matrix.indptr)
                        and np.array_equal(old.indices, matrix.indices))
        changed = np.flatnonzero(old.data != matrix.data) if same_pattern else None
        if changed is None or len(changed) > MAX_COEFFICIENT_CHANGES:
            self._pass(data, matrix, basis=highs.getBasis())
            return
        cost = np.asarray(data["c"], dtype=float)
        col_lower, col_upper = self._column_bounds(data)
        row_lower, row_upper = self._row_bounds(data)
        last = self._last
        # Only what changed goes to HiGHS (fewer updates, and HiGHS keeps more of its factorisation).
        cols = np.flatnonzero(cost != last["cost"]).astype(np.int32)
        if len(cols):
            highs.changeColsCost(len(cols), cols, cost[cols])
        cols = np.flatnonzero((col_lower != last["col_lower"]) | (col_upper != last["col_upper"]))
        if len(cols):
            highs.changeColsBounds(len(cols), cols.astype(np.int32), col_lower[cols], col_upper[cols])
        rows = np.flatnonzero((row_lower != last["row_lower"]) | (row_upper != last["row_upper"]))
        if len(rows):
            highs.changeRowsBounds(len(rows), rows.astype(np.int32), row_lower[rows], row_upper[rows])
        self._remember(cost, col_lower, col_upper, row_lower, row_upper)
        n_cols = matrix.shape[1]
        if len(changed):
            column_of = np.repeat(np.arange(n_cols), np.diff(matrix.indptr))
            for k in changed:
                highs.changeCoeff(int(matrix.indices[k]), int(column_of[k]), float(matrix.data[k]))
