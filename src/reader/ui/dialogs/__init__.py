"""Modal dialogs that ask for one thing and dismiss with the answer."""
