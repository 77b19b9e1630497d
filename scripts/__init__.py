"""Programs run on their own (`make run`, `make drill`)."""
