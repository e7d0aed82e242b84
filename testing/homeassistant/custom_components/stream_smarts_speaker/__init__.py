"""A speaker for the stream-smarts tests: a media player that writes what it is asked to play."""
