"""pytest-qt tests of the server details form."""
