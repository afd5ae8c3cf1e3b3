"""Everything Qt: the window, its models, dialogs and workers."""
