"""Read: the tables as typed pandas frames, one record with its evidence, and pinned copies of a release.

This is the stage ``import cacdata`` serves; it stays light (no validator, CLI or export library).
"""
