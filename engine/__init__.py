"""Coalition TTX engine: pure, deterministic game logic for `ttx/1` exercise scripts.

Nothing in this package imports a user interface. The loader and the save store
are the only modules that touch files; everything else is a function of its inputs.
"""

FORMAT = "ttx/1"
ENGINE_VERSION = "0.1.0"
