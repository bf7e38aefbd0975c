"""cair-onboarding: CAIR enrollment and account management as durable Temporal workflows."""
