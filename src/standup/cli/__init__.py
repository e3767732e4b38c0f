"""The command line: the parser wiring in `main`, one module per command family. Client commands
talk to the daemon and import only the standard library.
"""
