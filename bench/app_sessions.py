"""Many ``AppTest`` sessions in threads of one process, as sessions of one Streamlit server:
the shared runtime and script cache they need. Used by ``bench/load_app.py`` and by the
load test (``tests/govnet/test_load.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from unittest.mock import MagicMock

from streamlit.components.v2.component_manager import BidiComponentManager
from streamlit.runtime import Runtime
from streamlit.runtime.caching.storage.dummy_cache_storage import MemoryCacheStorageManager
from streamlit.runtime.dataframe_source_manager import DataframeSourceManager
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.runtime.scriptrunner.script_cache import ScriptCache


@contextmanager
def one_runtime() -> Iterator[None]:
    """One Streamlit runtime and script cache for all sessions, as a real server has.

    Each ``AppTest.run`` installs a mock runtime and sets ``Runtime._instance`` back to None
    when it ends, which pulls the runtime away from sessions still running in other
    threads; here a run that finds none gets a shared one built the way AppTest builds it.
    """
    shared = MagicMock(spec=Runtime)
    shared.media_file_mgr = MediaFileManager(MemoryMediaFileStorage("/mock/media"))
    shared.dataframe_source_mgr = DataframeSourceManager()
    shared.cache_storage_manager = MemoryCacheStorageManager()
    shared.bidi_component_registry = BidiComponentManager()
    original, exists = Runtime.__dict__["instance"], Runtime.__dict__["exists"]
    Runtime.instance = classmethod(lambda cls: cls._instance or shared)
    Runtime.exists = classmethod(lambda cls: True)  # as in a server: components register on it
    # A server compiles each page once for all sessions (one ScriptCache); AppTest makes a
    # cache per run, and CPython 3.11 cannot compile in many threads at once.
    scripts, compile_page = ScriptCache(), ScriptCache.get_bytecode
    ScriptCache.get_bytecode = lambda self, path: compile_page(scripts, path)
    try:
        yield
    finally:
        Runtime.instance, Runtime.exists = original, exists
        ScriptCache.get_bytecode = compile_page
