"""The tray icon: a StatusNotifierItem with a dbusmenu, over jeepney (no GUI toolkit)."""
