"""The ways a search can rank, named apart so that a command line can list them without loading search."""

MODES = ("hybrid", "lexical", "dense", "phrase")
