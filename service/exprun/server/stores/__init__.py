"""Storage backends behind the `RunStore` port; the composition root picks one."""
