"""Renderers: pure functions from an assessment to text."""

#: The terminal report's width when the terminal's is unknown (output to a file or a pipe).
DEFAULT_WIDTH = 100
#: The narrowest layout the terminal report accepts.
MIN_WIDTH = 40
