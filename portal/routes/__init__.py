"""The portal's routers: signed-link pages, JSON API, coordinator, mail."""
