"""Cross-region service window: receive at one region's window, decide at the other, on time."""
