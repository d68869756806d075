"""Models fitted on the dev questions by bench/fit.py, shipped as small JSON files beside this module."""
