"""The 算电协同 co-scheduling engine: scenario, cvxpy model, baseline, metrics and reports."""
