"""The detectors: one module per family of findings, each declaring in `CODES` what it emits.

`codemod.analysis.analyse` calls them through its explicit tables; importing this package
registers nothing.
"""
