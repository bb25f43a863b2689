"""The harness around a run: options and configuration, the matrix, the worker processes driven through
pytest-benchmark, the sampler, the local server's handle, calibration and the self-check.

It measures and saves; it never loads the analysis (pandas, matplotlib): ``bench.cli`` calls that once
a run is saved.
"""
