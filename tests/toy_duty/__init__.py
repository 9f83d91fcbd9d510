"""A seventh duty, shipped apart from Concord: stock checks of the prevention leaflets."""
