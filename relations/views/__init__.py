"""Pages of member and provider relations: interfaces only, each calling one selector or service."""
