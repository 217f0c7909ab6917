"""The demo accounts `manage.py seed_demo` creates; the login page lists them in debug."""

DEMO_STAFF_EMAIL = "admin@example.com"
DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 — printed for people trying the demo

SELLERS = [
    ("seller@example.com", "Marta Ruiz", "Casa Cerámica", "es"),
    ("gadgets@example.com", "Tom Becker", "Gadget Garage", "en"),
]
BUYERS = [
    ("buyer@example.com", "Alex Morgan", "en"),
    ("lucia@example.com", "Lucía Fernández", "es"),
    ("sam@example.com", "Sam Lee", "en"),
]
# Members of a shop's team: (email, name, shop's seller email, role, language).
TEAM = [
    ("agent@example.com", "Ana Torres", "gadgets@example.com", "agent", "en"),
    ("viewer@example.com", "Ben Ortiz", "gadgets@example.com", "viewer", "en"),
]
