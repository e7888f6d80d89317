"""Qt widgets and dialogs. They call services and show what they return: no SQL here."""
