"""Logbook: athletes, sessions and reps stored (SQLite), statistics, fatigue flags, progress.

It draws nothing.
"""
