"""The providers that carry messages: one module per backend, one base class for all."""
