"""Logbook: athletes, sessions and reps stored (SQLite), statistics, fatigue flags, progress; draws nothing."""
