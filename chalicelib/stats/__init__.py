"""Daily counters and dashboard read models."""
