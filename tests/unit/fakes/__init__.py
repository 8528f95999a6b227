"""In-memory fakes of the services' ports (stores, outside parties, clocks), one module per
service: the use cases run on them in unit tests, without AWS or moto."""
