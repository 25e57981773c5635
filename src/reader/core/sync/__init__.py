"""Feed-server accounts: a protocol (:mod:`.account`) and one module per server API."""
