"""Planning: working days and deadlines, meetings, the forecast, risks and the four-year clock.

Pure functions of a definition and the facts of a process (`deadlines.Facts`); nothing here
reads or writes the database.
"""
