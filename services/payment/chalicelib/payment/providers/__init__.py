"""Payment providers behind one interface: VNPay now, the national platform (PayGov) next."""
