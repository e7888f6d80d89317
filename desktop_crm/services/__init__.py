"""Business logic and persistence. Plain Python: nothing here imports Qt."""
