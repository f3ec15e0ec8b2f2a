"""The local platform behind `make run` and the e2e tests. Not deployed."""
