"""Reading export files: opened safely, split into records, landed in DuckDB.

The lowest layer of ingestion, below the mapping (which reads headers and
samples through it) and the loader (which lands whole files): ``files`` opens
and sniffs, ``formats`` holds what reading yields, ``csv_reader`` and
``xlsx_reader`` read one format each, ``dispatch`` picks one by extension.
"""
