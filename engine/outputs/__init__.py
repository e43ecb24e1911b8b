"""Outputs: CSV tables, summary.json, atomic file writers and the HTML reports of every study."""
