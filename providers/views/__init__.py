"""Pages of the provider network. Views hold no domain logic: each calls one selector or service."""
