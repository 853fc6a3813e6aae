"""Resource providers with behaviour beyond the generic resource types (each package has ``register(app)``)."""
