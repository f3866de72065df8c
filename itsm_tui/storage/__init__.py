"""Tables, the engine and the read queries. Knows nothing of rules or front doors."""
