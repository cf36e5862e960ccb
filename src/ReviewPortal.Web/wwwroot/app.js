// Keyboard shortcuts and small helpers are added by features that need them.
