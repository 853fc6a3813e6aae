"""Request middleware: throttling, fault injection and the request log."""
