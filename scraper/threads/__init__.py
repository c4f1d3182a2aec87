"""Threads: complete a post's comment thread from its other sources, proven to be that post's."""
