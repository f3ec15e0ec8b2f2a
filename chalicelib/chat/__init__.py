"""Conversation lifecycle: queue, assignment, relay, resume, close."""
