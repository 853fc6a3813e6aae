"""Resource type definitions. Each module has ``register(registry)``."""
