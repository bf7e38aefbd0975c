"""What the service tells its operators about itself: Prometheus metrics (and traces)."""
