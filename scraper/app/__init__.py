"""What the CLI's commands do beyond a run: status, reparse, demo, rendering, one-page parse."""
