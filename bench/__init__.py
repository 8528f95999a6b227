"""`make bench`: figures (not timed tests) for cold start, requests and cost per dossier,
throughput and API latency on the local stack. Results go to bench/results.json."""
