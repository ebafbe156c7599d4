"""Live sessions: the host that owns a session and its save, the seats that join it,
and the protocol between them."""
