"""The control socket: the wire format (`protocol`), the client the commands use, and the daemon's
server.
"""
