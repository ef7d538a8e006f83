"""office-assistant: validates, flags and reports on a government office's shared spreadsheets."""

__version__ = "0.1.0"
