"""Creates a Home Assistant user and a long-lived access token in a config dir, offline.

Run with the Home Assistant venv's python: `python make_token.py <config_dir>`; prints the token.
It does what homeassistant 2024.3.3 does itself, with its own API:
- homeassistant/scripts/auth.py, run_command: HomeAssistant(config_dir), the device and entity
  registries loaded (the auth store reads them), then auth_manager_from_config(hass, [{"type": "homeassistant"}], []), and hass.async_stop() at the end,
  which writes the auth store (.storage/auth) that the delayed save would have written.
- homeassistant/auth/__init__.py: AuthManager.async_create_user(name, group_ids=...) (the first
  user becomes the owner), async_create_refresh_token(user, client_name=..., token_type=
  TOKEN_TYPE_LONG_LIVED_ACCESS_TOKEN, access_token_expiration=...) — what the websocket command
  auth/long_lived_access_token does (homeassistant/components/auth/__init__.py) — and
  async_create_access_token(refresh_token): the JWT, signed with the refresh token's jwt_key, that
  `Authorization: Bearer` takes.
No onboarding: the tests' configuration does not load the onboarding integration.
"""
import asyncio
import logging
import sys
from datetime import timedelta

from homeassistant.auth import auth_manager_from_config
from homeassistant.auth.const import GROUP_ID_ADMIN
from homeassistant.auth.models import TOKEN_TYPE_LONG_LIVED_ACCESS_TOKEN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er


async def main(config_dir: str) -> str:
    hass = HomeAssistant(config_dir)
    await asyncio.gather(dr.async_load(hass), er.async_load(hass))
    hass.auth = await auth_manager_from_config(hass, [{"type": "homeassistant"}], [])
    user = await hass.auth.async_create_user("stream-smarts tests", group_ids=[GROUP_ID_ADMIN])
    refresh = await hass.auth.async_create_refresh_token(
        user,
        client_name="stream-smarts tests",
        token_type=TOKEN_TYPE_LONG_LIVED_ACCESS_TOKEN,
        access_token_expiration=timedelta(days=3650),
    )
    token = hass.auth.async_create_access_token(refresh)
    logging.getLogger("homeassistant.core").setLevel(logging.WARNING)
    await hass.async_stop(force=True)
    return token


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_token.py <config_dir>")
    print(asyncio.run(main(sys.argv[1])))
