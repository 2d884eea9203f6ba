"""Renderers: pure functions from an assessment to text."""
