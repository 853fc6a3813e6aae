"""Route handlers. Each module has ``register(app)`` that adds its routes to ``app.router``."""
