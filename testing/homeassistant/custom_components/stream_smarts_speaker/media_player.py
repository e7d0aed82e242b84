"""A media player that appends every play_media it gets to <config>/speaker.txt, one line each.

The tests count the announcements Home Assistant really made in that file. The platform follows
homeassistant 2024.3.3: a YAML platform's async_setup_platform(hass, config, async_add_entities,
discovery_info) (homeassistant/helpers/entity_platform.py), and MediaPlayerEntity with
_attr_supported_features including MediaPlayerEntityFeature.PLAY_MEDIA, whose async_play_media
(media_type, media_id, **kwargs) media_player.play_media calls (homeassistant/components/
media_player/__init__.py). Legacy tts.<platform>_say calls media_player.play_media with
media_content_id = a media-source://tts/... id carrying the message (homeassistant/components/tts/
legacy.py, async_say_handle; tts/media_source.py, generate_media_source_id).
"""
from __future__ import annotations

import os
from typing import Any

from homeassistant.components.media_player import (
    MediaPlayerEntity,
    MediaPlayerEntityFeature,
    MediaPlayerState,
)


async def async_setup_platform(hass, config, async_add_entities, discovery_info=None):
    async_add_entities([Speaker(os.path.join(hass.config.config_dir, "speaker.txt"))])


class Speaker(MediaPlayerEntity):
    _attr_name = "Test speaker"
    _attr_unique_id = "stream_smarts_test_speaker"
    _attr_supported_features = MediaPlayerEntityFeature.PLAY_MEDIA
    _attr_state = MediaPlayerState.IDLE

    def __init__(self, path: str) -> None:
        self._path = path

    async def async_play_media(self, media_type: str, media_id: str, **kwargs: Any) -> None:
        line = f"{media_type} {media_id}\n"
        await self.hass.async_add_executor_job(self._append, line)

    def _append(self, line: str) -> None:
        with open(self._path, "a", encoding="utf8") as f:
            f.write(line)
