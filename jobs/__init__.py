"""The scheduled jobs, one small module each. A job takes a JobContext and returns a result; it
never builds its own clients."""
