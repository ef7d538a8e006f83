"""Register schemas: the model, loading and linting, Table Schema export."""
