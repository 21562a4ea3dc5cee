"""exprun's benchmarks: figures against the targets of design.md §8, printed as one table.

Run them all with `python -m bench` from the repository root (`--quick` for a smoke run). They
are measurements, not tests: nothing here asserts, and CI does not run them.
"""
