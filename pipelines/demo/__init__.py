"""The synthetic demo organisation: a canonical export drop with a known ground truth.

``generate_demo(employees, seed, as_of, out)`` writes ``out/<as_of>/*.csv`` (every
source of the contract) and ``out/ground_truth.json`` (what was planted, the
true effects of mentoring, the planted bad rows). See ``generate``.
"""

from pipelines.demo.generate import generate_demo

__all__ = ["generate_demo"]
