"""The built-in Replicate emulator: demo mode for newcomers and the upstream every test talks to."""

from media_gen.emulator.server import Emulator, EmulatorConfig, Faults, WebhookDelivery, webhook_signature

__all__ = ["Emulator", "EmulatorConfig", "Faults", "WebhookDelivery", "webhook_signature"]
