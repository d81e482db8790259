"""Analysis: pure stages from a pose track to angles, contacts, steps and the rep's metrics.

Also the analysis folder's reader and writer.
"""
