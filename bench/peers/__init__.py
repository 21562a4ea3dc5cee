"""Peers measured on the same workload: each installed into its own venv under `bench/.venvs/`
and driven by a small script of this folder run with that venv's Python, printing JSON."""
