"""Business rules and queries; the only layer that commits."""
