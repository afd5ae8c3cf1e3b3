"""The main window, its server list, start-up and import/export."""
