"""Qt item models that page their rows in from services."""
