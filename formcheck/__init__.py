"""formcheck: a form checker for hip-rehab home exercises (bridges, clamshells, fire hydrants)."""

__version__ = "0.1.0"
